"""`safetyops metrics show` says what its numbers cover: readable digits, no fake previous 0,
notes for widened windows and days without data, an error for a window with no data at all."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from core.warehouse import writing
from safetyops.cli import main
from tests.metrics_fixtures import flow_tickets, sla_tickets
from tests.ticket_factory import insert_tickets, ticket


@pytest.fixture
def db(tmp_path):
    """flow + SLA fixtures: tickets from 2026-02-20 to as_of 2026-03-10, one answered after 10 days."""
    path = tmp_path / "warehouse.duckdb"
    slow = ticket("2026-02-20 06:00", first_response_at="2026-03-02 06:00", ticket_id="slow", region="BR")
    with writing(path) as con:
        insert_tickets(con, flow_tickets() + sla_tickets() + [slow])
    return path


def run(capsys, db, *args):
    code = main(["--db", str(db), "metrics", "show", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_large_values_print_as_plain_digits(capsys, db):
    code, out, _ = run(capsys, db, "frt_p90", "--from", "2026-02-20", "--to", "2026-02-20")
    assert code == 0
    assert "e+0" not in out
    assert out.splitlines()[1].split() == ["2026-02-20", "14,400", "1"]     # 10 days in minutes


def test_compare_previous_leaves_the_first_periods_previous_empty(capsys, db):
    code, out, err = run(capsys, db, "inflow", "--grain", "week", "--compare", "previous", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["period_start"].startswith("2026-02-16")
    assert rows[0]["previous_value"] is None and rows[0]["change"] is None     # never measured, not 0
    assert rows[1]["previous_value"] == rows[0]["value"]
    assert "previous_value is empty" in err and "2026-02-20" in err
    code, out, _ = run(capsys, db, "inflow", "--grain", "week", "--compare", "previous")
    assert out.splitlines()[1].split()[-2:] == ["NA", "NA"]


def test_a_from_inside_a_week_says_the_window_was_widened(capsys, db):
    code, out, err = run(capsys, db, "inflow", "--grain", "week", "--from", "2026-03-04", "--to", "2026-03-08",
                         "--format", "csv")
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["period_start"].tolist() == ["2026-03-02"]
    assert "--from 2026-03-04 is not a week start: the first row is the whole week from 2026-03-02" in err
    assert "--to" not in err                     # 03-08 is a Sunday: the week ends there


def test_a_window_without_data_is_an_error_saying_where_the_data_is(capsys, db):
    code, out, err = run(capsys, db, "inflow", "--from", "2020-01-01", "--to", "2020-01-31")
    assert code == 2 and out == ""
    assert "no tickets from 2020-01-01 to 2020-01-31: the data runs from 2026-02-20 to 2026-03-10" in err
    code, out, err = run(capsys, db, "inflow", "--from", "2026-02-10", "--to", "2026-02-25", "--format", "csv")
    assert code == 0 and "the data starts on 2026-02-20" in err


def test_drop_empty_leaves_out_periods_without_tickets(capsys, db):
    code, out, _ = run(capsys, db, "inflow", "--from", "2026-02-01", "--to", "2026-03-10", "--format", "csv")
    every = pd.read_csv(io.StringIO(out))
    code, out, _ = run(capsys, db, "inflow", "--from", "2026-02-01", "--to", "2026-03-10", "--drop-empty",
                       "--format", "csv")
    kept = pd.read_csv(io.StringIO(out))
    assert code == 0 and len(kept) < len(every)
    assert (kept["n"] > 0).all()
    assert kept.set_index("period_start")["value"].equals(every[every["n"] > 0].set_index("period_start")["value"])


@pytest.mark.parametrize("args", [("--from", "9999-12-30"), ("--from", "9999-12-30", "--grain", "week"),
                                  ("--to", "9999-12-31"), ("--from", "0001-01-01", "--grain", "month")])
def test_absurd_dates_are_a_message_not_a_traceback(capsys, db, args):
    code, out, err = run(capsys, db, "inflow", *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "out of range" in err
