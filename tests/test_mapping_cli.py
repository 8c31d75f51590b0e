"""`safetyops mapping draft` / `check`, `extends`, values outside the schema, and the exits a
cron job relies on (every row rejected, a directory where a file is expected)."""
from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import load_config
from core.warehouse import connect_read
from safetyops.cli import main
from tests.ingest_fixtures import ZENDESK_COLUMNS, write_csv, zendesk_row

CFPB = Path(__file__).parent / "fixtures" / "cfpb_complaints.csv"   # the CFPB complaint export layout
CFPB_STATUSES = {"Closed with explanation": 4, "In progress": 3, "Closed with non-monetary relief": 2,
                 "Closed with monetary relief": 1, "Closed": 1, "Untimely response": 1}


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_draft_guesses_fields_format_and_lists_every_value(tmp_path, config_file, capsys):
    code, out, _ = run(capsys, "--config", str(config_file), "mapping", "draft", str(CFPB), "--name", "cfpb")
    assert code == 0
    drafted = tomllib.loads(out)
    assert drafted["source"]["name"] == "cfpb"
    assert drafted["source"]["timestamp_formats"] == ["%Y-%m-%d"]
    expected = {"ticket_id": "Complaint ID", "created_at": "Date received", "status": "Company response to consumer",
                "channel": "Submitted via", "region": "State"}
    assert {name: drafted["fields"].get(name) for name in expected} == expected
    assert "WARNING: dates without a time of day" in out and "0 minutes" in out
    # every status value seen, with its rows: guessed ones mapped, the others a TODO comment
    for value, n in CFPB_STATUSES.items():
        assert re.search(rf'^(# )?"{re.escape(value)}" = "[a-z_]*"   # (TODO )?{n} rows', out, re.MULTILINE), value
    assert drafted["values"]["status"]["Closed with explanation"] == "closed"
    assert "Untimely response" not in drafted["values"]["status"]          # left for the user
    assert drafted["values"]["channel"] == {"Web": "web", "Phone": "phone", "Referral": "other",
                                            "Postal mail": "other", "Fax": "other", "Email": "email"}


def corrected_cfpb_mapping(tmp_path, config_file, capsys) -> Path:
    """The hand corrections README's "A mapping in minutes" describes, applied to the draft."""
    _, out, _ = run(capsys, "--config", str(config_file), "mapping", "draft", str(CFPB), "--name", "cfpb")
    out = out.replace('# timezone = "America/New_York"', 'timezone = "America/New_York"')
    out = out.replace('first_response_at = "Date sent to company"', '# (Date sent to company is no reply)')
    out = out.replace('# "Untimely response" = ""', '"Untimely response" = "open"')
    out = out.replace('# queue = ""', 'queue = "Product" #')
    path = tmp_path / "cfpb.toml"
    path.write_text(out, encoding="utf-8")
    return path


def test_check_is_a_dry_run_that_writes_nothing(tmp_path, config_file, capsys):
    mapping = corrected_cfpb_mapping(tmp_path, config_file, capsys)
    code, out, _ = run(capsys, "--config", str(config_file), "mapping", "check", str(CFPB), "--mapping", str(mapping))
    assert code == 0
    assert "would load 12 of 12 rows, reject 0" in out
    assert "first response: not in this export, FRT metrics will be empty for these tickets" in out
    assert "'Fees or interest'" in out                    # an unmapped category value, listed
    assert not load_config(config_file).db_path.exists()


def test_drafted_and_corrected_mapping_loads_with_backlog_equal_to_open_complaints(tmp_path, config_file, capsys):
    mapping = corrected_cfpb_mapping(tmp_path, config_file, capsys)
    code, out, err = run(capsys, "--config", str(config_file), "ingest", "--mapping", str(mapping), str(CFPB))
    assert code == 0, err
    assert "rows read 12 = loaded 12 + rejected 0" in out
    con = connect_read(load_config(config_file).db_path)
    n_open, n_unresolved, queues = con.execute(
        "SELECT count(*) FILTER (WHERE status = 'open'), count(*) FILTER (WHERE resolved_at IS NULL), "
        "count(DISTINCT queue) FROM tickets").fetchall()[0]
    con.close()
    assert (n_open, n_unresolved) == (4, 4)          # 3 In progress + 1 Untimely response
    assert queues == 8                               # the eight products


def test_a_value_mapped_outside_the_schema_is_an_error_at_check_and_a_reject_at_load(tmp_path, config_file, capsys):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[source]\nname = "ours"\ntimestamps = "utc"\ntimestamp_formats = ["%Y-%m-%d"]\n'
                       '[fields]\nticket_id = "id"\ncreated_at = "day"\nstatus = "state"\n'
                       '[values.status]\n"in progress" = "working"\ndone = "solved"\n', encoding="utf-8")
    data = tmp_path / "t.csv"
    data.write_text("id,day,state\n1,2026-03-01,In progress\n2,2026-03-01,Done\n", encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(config_file), "mapping", "check", str(data), "--mapping", str(mapping))
    assert code == 2
    assert "ERROR [values.status] 'in progress' = 'working': 'working' is not an allowed status" in out
    code, out, _ = run(capsys, "--config", str(config_file), "ingest", "--mapping", str(mapping), str(data))
    assert code == 0 and "loaded 1 + rejected 1" in out
    con = connect_read(load_config(config_file).db_path)
    assert con.execute("SELECT line_number, reason, bad_value FROM rejected_rows").fetchall() == [
        (2, "status mapped outside the allowed values", "In progress")]
    assert con.execute("SELECT status FROM tickets").fetchall() == [("solved",)]
    con.close()


def test_a_load_that_rejects_every_row_exits_non_zero_and_is_tried_again(tmp_path, config_file, capsys):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[source]\nname = "ours"\ntimestamps = "utc"\ntimestamp_formats = ["%d/%m/%Y"]\n'
                       '[fields]\nticket_id = "id"\ncreated_at = "day"\nstatus = "state"\n', encoding="utf-8")
    data = tmp_path / "t.csv"
    data.write_text("id,day,state\n1,2026-03-01,open\n2,2026-03-02,open\n", encoding="utf-8")
    code, _, err = run(capsys, "--config", str(config_file), "ingest", "--mapping", str(mapping), str(data))
    assert code == 1
    assert "every row (2) was rejected, nothing loaded; unparseable created_at (2)" in err
    mapping.write_text(mapping.read_text().replace("%d/%m/%Y", "%Y-%m-%d"), encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(config_file), "ingest", "--mapping", str(mapping), str(data))
    assert code == 0 and "loaded 2 + rejected 0" in out          # not skipped as already loaded


def test_extends_a_built_in_mapping_changing_only_the_category_column(tmp_path, config_file, capsys):
    mapping = tmp_path / "ours.toml"
    mapping.write_text('extends = "zendesk"\n[source]\ntimezone = "UTC"\n'
                       '[fields]\nabuse_category = "Abuse type [list]"\n'
                       '[values.abuse_category]\n"doxxing" = "private_information"\n', encoding="utf-8")
    columns = [c if c != "Abuse category [list]" else "Abuse type [list]" for c in ZENDESK_COLUMNS]
    rows = [zendesk_row(Id="1", **{"Abuse category [list]": "Doxxing"}),
            zendesk_row(Id="2", Via="Mail", **{"Abuse category [list]": "Spam"})]
    for row in rows:
        row["Abuse type [list]"] = row.pop("Abuse category [list]")
    data = write_csv(tmp_path / "z.csv", columns, rows)
    code, _, err = run(capsys, "--config", str(config_file), "ingest", "--mapping", str(mapping), str(data))
    assert code == 0, err
    con = connect_read(load_config(config_file).db_path)
    assert con.execute("SELECT source, ticket_id, abuse_category, channel FROM tickets ORDER BY 2").fetchall() == [
        ("zendesk", "1", "private_information", "web"), ("zendesk", "2", "spam", "email")]
    con.close()


@pytest.mark.parametrize("text, message", [
    ('[source]\nname = "x"\ntimezome = "UTC"\n[fields]\nticket_id = "a"\ncreated_at = "b"\nstatus = "c"\n',
     "[source] unknown key(s) 'timezome'"),
    ('extends = "freshdesk"\n', "extends = 'freshdesk': neither a built-in source"),
    ('[source]\nname = "x"\n[fields]\nticket_id = "a"\ncreated_at = "b"\nstatus = "c"\n[defaults]\npriority = "p1"\n',
     "[defaults] priority = 'p1': allowed values are urgent, high, normal, low"),
])
def test_mapping_mistakes_are_named(tmp_path, config_file, capsys, text, message):
    mapping = tmp_path / "m.toml"
    mapping.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "--config", str(config_file), "mapping", "check", str(CFPB), "--mapping", str(mapping))
    assert code == 2 and message in err


def test_a_directory_where_a_file_is_expected_is_a_usage_error(tmp_path, config_file, capsys):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(CFPB, folder / "c.csv")
    code, _, err = run(capsys, "--config", str(config_file), "ingest", str(folder))
    assert code == 2 and "is a directory" in err
    code, _, err = run(capsys, "--config", str(config_file), "--db", str(folder), "ingest", str(folder / "c.csv"))
    assert code == 2 and "the warehouse path is a directory" in err and "Traceback" not in err


text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n\x00"), min_size=1, max_size=10)


@settings(max_examples=60, deadline=None)
@given(header=st.lists(text, min_size=1, max_size=6, unique=True),
       values=st.lists(text, min_size=1, max_size=6))
def test_a_draft_is_always_valid_toml_listing_every_value_seen(header, values):
    from pipelines.csv_dialect import CsvDialect
    from pipelines.mapping_draft import Draft, Sample, to_toml
    header = ["Status"] + [h for h in header if h.strip().lower() != "status"]
    sample = Sample(header, [[v] + [""] * (len(header) - 1) for v in values], CsvDialect("utf-8", ","))
    drafted = to_toml(Draft(sample, columns={"status": "Status"}), "x", ("spam", "other"))
    parsed = tomllib.loads(drafted)
    listed = set(parsed.get("values", {}).get("status", {}))
    todo = set(re.findall(r'^# "((?:[^"\\]|\\.)*)" = ""   # TODO', drafted, re.MULTILINE))
    assert len(listed) + len(todo) == len({v.strip() for v in values if v.strip()})


def test_the_reference_page_lists_every_canonical_field_and_its_allowed_values():
    from pipelines.canonical_fields import EXTRA_FIELDS, FIELDS
    page = (Path(__file__).parents[1] / "docs" / "mapping.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line for line in page.splitlines()
            if line.startswith("| `") and line.count("|") == 6}          # the table of fields
    for f in FIELDS:
        assert f.name in rows, f.name
        assert ("| yes |" in rows[f.name]) is f.required, f.name
        for value in f.allowed if f.type != "boolean" else ():
            assert f"`{value}`" in rows[f.name], (f.name, value)
    for name in EXTRA_FIELDS:
        assert f"`{name}`" in page
