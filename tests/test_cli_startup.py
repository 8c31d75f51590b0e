"""`safetyops --help` answers without importing the heavy modules (pandas, DuckDB, Dash, the
sample generator): each costs tenths of a second that a user pays for every command's help."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

HEAVY = ("pandas", "duckdb", "dash", "sample_data", "numpy", "plotly", "pipelines", "metrics", "anomaly")


def _modules_after(args: list[str]) -> tuple[str, list[str]]:
    code = ("import sys, json\nfrom safetyops.cli import main\n"
            f"rc = main({args!r})\n"
            "print(json.dumps(sorted(m for m in sys.modules)))\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                         check=True).stdout
    help_text, _, modules = out.rpartition("\n[")
    return help_text, json.loads("[" + modules)


def test_top_level_help_imports_no_heavy_module():
    help_text, modules = _modules_after(["--help"])
    loaded = sorted({m.split(".")[0] for m in modules} & set(HEAVY))
    assert loaded == [], f"`safetyops --help` imported {loaded}"
    for name in ("ingest", "metrics", "detect", "report", "refresh", "serve", "status", "annotate"):
        assert f"\n  {name} " in help_text


def test_the_listed_help_is_each_commands_own():
    """The table that keeps --help light says what each command's own docstring says."""
    import click

    from safetyops.cli import COMMANDS, SHORT_HELP, cli
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        if name in SHORT_HELP:
            assert command.get_short_help_str(1000) == SHORT_HELP[name], name


@pytest.mark.parametrize("args", [["metrics", "--help"], ["anomalies", "list", "--help"]])
def test_a_commands_own_help_still_works(args):
    help_text, _ = _modules_after(args)
    assert "Usage: safetyops " + args[0] in help_text
