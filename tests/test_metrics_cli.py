"""`safetyops metrics ...` end to end on a real DuckDB file written through the swap-in writer."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from core.warehouse import connect_read, writing
from safetyops.cli import main
from tests.metrics_fixtures import flow_tickets, sla_tickets
from tests.ticket_factory import insert_tickets


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with writing(path) as con:
        insert_tickets(con, flow_tickets() + sla_tickets())
    return path


def run(capsys, db, *args):
    code = main(["--db", str(db), "metrics", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_metric(capsys, db):
    code, out, _ = run(capsys, db, "list", "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0
    assert {"inflow", "backlog", "frt_p90", "sla_frt_attainment", "category_share"} <= set(frame["name"])
    assert list(frame.columns) == ["name", "unit", "better", "definition"]


def test_show_backlog_by_region_csv(capsys, db):
    code, out, _ = run(capsys, db, "show", "backlog", "--by", "region", "--from", "2026-03-01",
                       "--to", "2026-03-02", "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "period_start,region,value,n",
        "2026-03-01,BR,2.0,2", "2026-03-01,US,1.0,1",
        "2026-03-02,BR,2.0,2", "2026-03-02,US,2.0,2",
    ]


def test_show_json_with_filters_compare_and_high_profile(capsys, db):
    code, out, _ = run(capsys, db, "show", "inflow", "--where", "region=BR", "--from", "2026-03-01",
                       "--to", "2026-03-02", "--compare", "previous", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [(r["value"], r["previous_value"], r["change"]) for r in records] == [(2.0, 0.0, 2.0), (0.0, 2.0, -2.0)]
    code, out, _ = run(capsys, db, "show", "breach_risk", "--high-profile", "--format", "json")
    # high-profile open unanswered: s5, s7 (at risk) and t5 (long breached)
    assert [(r["value"], r["n"]) for r in json.loads(out)] == [(2.0, 3)]


def test_show_table_is_readable(capsys, db):
    code, out, _ = run(capsys, db, "show", "sla_frt_attainment", "--by", "priority", "--grain", "month")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["period_start", "priority", "value", "n"]
    assert any(line.split()[:3] == ["2026-03-01", "urgent", "0.6667"] for line in lines)


@pytest.mark.parametrize("args, message", [
    (("show", "inflw"), "valid metrics: inflow"),
    (("show", "inflow", "--by", "country"), "valid dimensions: region"),
    (("show", "inflow", "--where", "region=XX"), "values in the warehouse: BR, US"),
    (("show", "inflow", "--where", "region"), "DIM=VALUE"),
])
def test_errors_name_the_valid_choices(capsys, db, args, message):
    code, out, err = run(capsys, db, *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err


def test_missing_warehouse_is_an_error(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "nothing.duckdb", "show", "inflow")
    assert code != 0 and "no warehouse yet" in err


def test_scorecard_and_build_marts(capsys, db):
    code, out, _ = run(capsys, db, "scorecard", "--from", "2026-03-10", "--to", "2026-03-10", "--format", "csv")
    card = pd.read_csv(io.StringIO(out))
    assert code == 0 and card["vendor"].tolist() == ["acme", "beta", "in_house"]
    assert card["inflow"].tolist() == [4, 3, 0]
    before = run(capsys, db, "show", "backlog", "--by", "region", "--format", "csv")[1]
    code, out, _ = run(capsys, db, "build-marts")
    assert code == 0 and "mart_daily:" in out
    con = connect_read(db)
    assert con.execute("SELECT count(*) FROM mart_daily").fetchall()[0][0] > 0
    con.close()
    assert run(capsys, db, "show", "backlog", "--by", "region", "--format", "csv")[1] == before
