"""Monthly exports joined with `cat` into one file: the second header is a row of the file. It is
rejected as what it is (not as a date no format reads, with a hint about formats), and every
ticket of both exports loads."""
from __future__ import annotations

import csv
import io

import pytest

from safetyops.cli import main


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("fmt, name", [("zendesk", "tickets_zendesk.csv"), ("jira", "tickets_jira.csv"),
                                       ("salesforce", "cases.csv"), ("canonical", "tickets_canonical.csv")])
def test_a_second_header_row_is_rejected_as_such_and_the_rest_loads(tmp_path, config_file, capsys, fmt, name):
    parts = []
    for seed in (1, 2):
        folder = tmp_path / f"part{seed}"
        code, _, err = run(capsys, "--config", str(config_file), "sample", "--out", str(folder), "--format", fmt,
                           "--days", "2", "--per-day", "15", "--seed", str(seed), "--start", f"2026-0{seed}-01")
        assert code == 0, err
        parts.append((folder / name).read_bytes())
    joined = tmp_path / "joined.csv"
    joined.write_bytes(parts[0] + parts[1])
    n_rows = sum(len(list(csv.reader(io.StringIO(p.decode("utf-8-sig"))))) - 1 for p in parts)
    code, out, err = run(capsys, "--config", str(config_file), "--db", str(tmp_path / "w.duckdb"), "ingest",
                         "--timezone", "UTC", str(joined))
    assert code == 0, err
    assert "top rejection reasons: repeated header row (1)" in out and "hint:" not in out
    assert f"rows read {n_rows + 1:,} = loaded {n_rows:,} + rejected 1" in out
