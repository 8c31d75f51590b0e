"""A help-desk export opened and saved again in a spreadsheet: its dates, decimal commas and
ratings come back in the spreadsheet's own spelling. The load says which format would read the
dates, and `mapping draft` writes a mapping that loads such a file without edits."""
from __future__ import annotations

import csv
import io

import pytest

from pipelines.mapping_draft import guess_columns
from safetyops.cli import main
from tests.ingest_fixtures import ZENDESK_COLUMNS, zendesk_row

BUSINESS_ONLY = [c for c in ZENDESK_COLUMNS if c not in (
    "First reply time in minutes", "Full resolution time in minutes", "Agent wait time in minutes",
    "Requester wait time in minutes")]


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def resaved_by_european_excel(path, n=6):
    """Zendesk rows as Excel in a German locale saves them: ';', dd.mm.yyyy hh:mm, 12,5."""
    rows = [zendesk_row(Id=str(i), **{"Created at": f"0{i}.03.2026 10:00", "Updated at": f"0{i}.03.2026 11:30",
                                      "First reply time in minutes": "12,5", "Satisfaction Score": "Offered",
                                      "QA score [int]": "87,5", "High profile [flag]": "No"})
            for i in range(1, n + 1)]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, ZENDESK_COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("cp1252"))
    return path


@pytest.mark.parametrize("header, expected, absent", [
    (ZENDESK_COLUMNS, {"first_response_minutes": "First reply time in minutes",
                       "resolution_minutes": "Full resolution time in minutes",
                       "first_response_business_minutes": "First reply time in minutes within business hours",
                       "qa_score": "QA score [int]", "high_profile": "High profile [flag]"},
     ("first_response_at",)),
    # business-hours figures only: never taken for calendar ones, and a duration is never a date
    (BUSINESS_ONLY, {"first_response_business_minutes": "First reply time in minutes within business hours",
                     "agent_wait_business_minutes": "Agent wait time in minutes within business hours"},
     ("first_response_at", "first_response_minutes", "resolution_minutes", "agent_wait_minutes")),
    (["Case Number", "Date/Time Opened", "Status", "First Response Time"], {"first_response_minutes": "First Response Time"},
     ("first_response_at",)),
])
def test_duration_and_business_hours_columns_fill_their_own_fields(header, expected, absent):
    guessed = guess_columns(header)
    assert {k: guessed.get(k) for k in expected} == expected
    assert not any(name in guessed for name in absent), guessed


def test_a_rejected_load_names_the_format_and_the_mapping_that_loads_it(tmp_path, config_file, capsys):
    data = resaved_by_european_excel(tmp_path / "export.csv")
    code, out, err = run(capsys, "--config", str(config_file), "ingest", "--source", "zendesk", "--timezone", "UTC", str(data))
    assert code == 1 and "unparseable created_at (6)" in err
    hint = ("hint: created_at: 6 value(s) such as '01.03.2026 10:00' match none of the formats zendesk reads "
            "(%Y-%m-%d %H:%M:%S, %Y-%m-%d %H:%M, %Y-%m-%d); they read as '%d.%m.%Y %H:%M': a mapping with "
            "extends = \"zendesk\" and [source] timestamp_formats = [\"%d.%m.%Y %H:%M\"] loads them")
    assert hint in out and hint in err
    mapping = tmp_path / "ours.toml"
    mapping.write_text('extends = "zendesk"\n[source]\ntimestamp_formats = ["%d.%m.%Y %H:%M"]\n', encoding="utf-8")
    code, out, err = run(capsys, "--config", str(config_file), "ingest", "--mapping", str(mapping), "--timezone", "UTC",
                         str(data))
    assert code == 0, err
    assert "loaded 6 + rejected 0" in out and "decimal comma (detected)" in out


def test_the_draft_of_a_resaved_export_loads_every_row_unedited(tmp_path, config_file, capsys):
    data = resaved_by_european_excel(tmp_path / "export.csv")
    code, draft, err = run(capsys, "--config", str(config_file), "mapping", "draft", str(data), "--name", "ours")
    assert code == 0, err
    assert 'timestamp_formats = ["%d.%m.%Y %H:%M"]' in draft
    assert 'first_response_minutes = "First reply time in minutes"' in draft and "first_response_at =" not in draft
    assert '"Offered" = ""' in draft and "values.high_profile" not in draft      # No is read as it is
    mapping = tmp_path / "ours.toml"
    mapping.write_text(draft, encoding="utf-8")
    code, out, err = run(capsys, "--config", str(config_file), "mapping", "check", str(data), "--mapping", str(mapping),
                         "--timezone", "UTC")
    assert code == 0, err
    assert "would load 6 of 6 rows, reject 0" in out


def test_timestamps_without_the_offset_a_source_needs_get_the_mapping_and_zone_that_load_them(tmp_path, config_file,
                                                                                               capsys):
    data = tmp_path / "c.csv"
    data.write_text("ticket_id,source,created_at,updated_at,status\n1,canonical,2026-03-02 10:00:00,"
                    "2026-03-02 10:00:00,open\n", encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(config_file), "ingest", str(data))
    assert code == 1
    assert ("they carry no UTC offset (e.g. 2026-03-02T10:00:00Z) and read as '%Y-%m-%d %H:%M:%S': a mapping with "
            "extends = \"canonical\" and [source] timestamps = \"naive\" and timestamp_formats = "
            "[\"%Y-%m-%d %H:%M:%S\"], with --timezone for their zone, loads them") in out
    mapping = tmp_path / "m.toml"
    mapping.write_text('extends = "canonical"\n[source]\ntimestamps = "naive"\n'
                       'timestamp_formats = ["%Y-%m-%d %H:%M:%S"]\n', encoding="utf-8")
    code, out, err = run(capsys, "--config", str(config_file), "ingest", "--mapping", str(mapping), "--timezone",
                         "Europe/Dublin", str(data))
    assert code == 0, err
    assert "loaded 1 + rejected 0" in out


def test_mapping_check_gives_the_same_hint(tmp_path, config_file, capsys):
    data = resaved_by_european_excel(tmp_path / "export.csv")
    mapping = tmp_path / "plain.toml"
    mapping.write_text('extends = "zendesk"\n', encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(config_file), "mapping", "check", str(data), "--mapping", str(mapping),
                       "--timezone", "UTC")
    assert code == 2
    assert "hint: created_at: 6 value(s) such as '01.03.2026 10:00' match none of the formats zendesk reads" in out
    assert f"they read as '%d.%m.%Y %H:%M': set [source] timestamp_formats = [\"%d.%m.%Y %H:%M\"] in {mapping}" in out
