"""An export written, drafted with `mapping draft`, and loaded through the (edited) draft: the steps
the end-to-end mapping tests share, each through the CLI a user runs."""
from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from safetyops.cli import main


def write_export(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows([header] + rows)
    return path


def drafted(config_file: Path, capsys, export: Path, name: str) -> str:
    assert main(["--config", str(config_file), "mapping", "draft", str(export), "--name", name]) == 0
    return capsys.readouterr().out


def loaded(config_file: Path, capsys, export: Path, mapping_text: str, sql: str, *options: str) -> list[tuple]:
    """Load `export` through `mapping_text` (ingest must succeed) and return `sql`'s rows from the
    config's warehouse (tests/conftest.py: data/warehouse.duckdb beside the config)."""
    mapping = export.with_suffix(".toml")
    mapping.write_text(mapping_text, encoding="utf-8")
    assert main(["--config", str(config_file), "ingest", str(export), "--mapping", str(mapping), *options]) == 0
    capsys.readouterr()
    with duckdb.connect(str(config_file.parent / "data" / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()
