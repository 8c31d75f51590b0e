"""`safetyops report weekly` end to end, as a user runs it."""
from __future__ import annotations

import pytest

from tests.refresh_fixtures import run_cli
from tests.report_fixtures import build_report_warehouse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    build_report_warehouse(root, detect=False)
    return root, root / "safetyops.toml"


def test_default_week_and_filtered_report(setup):
    root, cfg = setup
    done = run_cli(cfg, "report", "weekly", "--out", str(root / "r.html"))
    assert done.returncode == 0, done.stderr
    assert "weekly report 2026-W26 written to" in done.stdout        # sample ends Monday 2026-06-29
    assert "Weekly safety-support report 2026-W26" in (root / "r.html").read_text(encoding="utf-8")
    done = run_cli(cfg, "report", "weekly", "--week", "2026-W25", "--where", "region=DE",
                   "--where", "vendor=Harbor Ops", "--out", str(root / "de.html"))
    assert done.returncode == 0, done.stderr
    assert "Scope: region = DE; vendor = Harbor Ops" in (root / "de.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (("--week", "2026-W60"), "2026 has no ISO week 60"),
    (("--week", "W47"), "write it like 2026-W47"),
    (("--where", "vendor=nobody"), "unknown value 'nobody' for vendor"),
    (("--where", "colour=red"), "colour"),
])
def test_bad_arguments_exit_2_with_a_message(setup, args, message):
    root, cfg = setup
    done = run_cli(cfg, "report", "weekly", *args, "--out", str(root / "bad.html"))
    assert done.returncode == 2
    assert message in done.stderr
    assert not (root / "bad.html").exists()


def test_missing_warehouse_is_reported(tmp_path):
    cfg = tmp_path / "safetyops.toml"
    cfg.write_text('[warehouse]\npath = "none.duckdb"\n', encoding="utf-8")
    done = run_cli(cfg, "report", "weekly", "--out", str(tmp_path / "x.html"))
    assert done.returncode == 1 and "no warehouse yet" in done.stderr


def test_same_week_same_bytes_across_processes(setup):
    """Two separate runs (different hash seeds, so no set/dict-order luck) differ only in the
    generated-at lines."""
    root, cfg = setup
    texts = []
    for seed in ("1", "2"):
        out = root / f"det_{seed}.html"
        done = run_cli(cfg, "report", "weekly", "--week", "2026-W25", "--out", str(out),
                       env={"PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        texts.append(out.read_text(encoding="utf-8").splitlines())
    assert len(texts[0]) == len(texts[1])
    differing = [(a, b) for a, b in zip(*texts) if a != b]
    assert 1 <= len(differing) <= 2
    assert all("enerated at" in a and "enerated at" in b for a, b in differing)
