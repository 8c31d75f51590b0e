"""`--format csv` on the command line neutralises formula-looking cells like the pages' downloads."""
from __future__ import annotations

import csv
import io

from safetyops.cli import main
from tests.dashboard_fixtures import config_for, write_warehouse
from tests.ticket_factory import ticket

HOSTILE = ('=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3")


def test_scorecard_and_show_csv_are_neutralised(tmp_path, capsys):
    cfg = config_for(tmp_path)
    write_warehouse(cfg.db_path, [ticket(f"2026-03-0{i + 1} 10:00", vendor=v, region=v)
                                  for i, v in enumerate(HOSTILE)])
    capsys.readouterr()
    assert main(["--config", str(cfg.path), "metrics", "scorecard", "--from", "2026-03-01", "--to", "2026-03-07",
                 "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["vendor"] for r in rows) == sorted("'" + v for v in HOSTILE)
    assert main(["--config", str(cfg.path), "metrics", "show", "inflow", "--by", "region", "--grain", "month",
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["region"] for r in rows} == {"'" + v for v in HOSTILE}
    assert {r["value"] for r in rows} == {"1.0"}             # numbers stay numbers
    assert not any(line.startswith(("=", "+", "@")) or ",=" in line or ",+" in line or ",@" in line
                   for line in out.splitlines())
