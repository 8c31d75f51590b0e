"""No value of a column that can identify a person leaves a load in clear: rejected rows, parse
errors, logs and `.error.txt`, for the Zendesk, Salesforce and Jira sample exports; and the
public development key is refused."""
from __future__ import annotations

import csv
import io
import json

import pytest

from core.warehouse import connect_read
from pipelines.personal_data import DROP, HASH, hmac_hex, treatment
from tests.conftest import REPO
from tests.refresh_fixtures import run_cli

SMALL = REPO / "sample_data" / "small"
KEY = "privacy-test-key-0123456789"
SOURCES = {"zendesk": ("tickets_zendesk.csv", "Priority"), "salesforce": ("cases.csv", "PRIORITY"),
           "jira": ("tickets_jira.csv", "Priority")}


def write_config(tmp_path, key_line: str = f'hash_key = "{KEY}"') -> str:
    cfg = tmp_path / "safetyops.toml"
    cfg.write_text(f'[warehouse]\npath = "w.duckdb"\n[privacy]\n{key_line}\n[refresh]\ninbox = "inbox"\n'
                   'archive = "archive"\nfailed = "failed"\nreports = "reports"\n', encoding="utf-8")
    return cfg


def sample_records(name: str, n: int) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO((SMALL / name).read_text(encoding="utf-8-sig"))))
    return rows[0], rows[1:n + 1]


def csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(cells)
    return out.getvalue()


def personal_values(header: list[str], records: list[list[str]]) -> set[str]:
    return {cell for record in records for col, cell in zip(header, record)
            if treatment(col) is not None and len(cell.strip()) >= 4}


@pytest.fixture
def env():
    return {"SAFETYOPS_HASH_KEY": ""}          # the config's key, not the test suite's


@pytest.mark.parametrize("source", list(SOURCES))
def test_rejected_and_unsplittable_rows_keep_no_personal_value(tmp_path, env, source):
    name, priority_col = SOURCES[source]
    header, records = sample_records(name, 6)
    broken_rule, unsplittable = list(records[1]), list(records[2])
    broken_rule[header.index(priority_col)] = "Mega"
    lines = [csv_line(header), csv_line(records[0]), csv_line(broken_rule),
             csv_line(unsplittable + ["one cell too many"]), *map(csv_line, records[3:])]
    path = tmp_path / f"{source}.csv"
    path.write_text("".join(lines), encoding="utf-8")
    secrets = personal_values(header, [broken_rule, unsplittable])
    assert len(secrets) >= 3, "the fixture must carry personal values to look for"

    result = run_cli(write_config(tmp_path), "ingest", str(path), "--source", source, "--timezone", "UTC", env=env)
    assert result.returncode == 0, result.stderr
    con = connect_read(tmp_path / "w.duckdb")
    rejected = con.execute("SELECT line_number, reason, raw_record FROM rejected_rows ORDER BY line_number").fetchall()
    everything = json.dumps(con.execute("SELECT * FROM rejected_rows").fetchall(), default=str) + \
        json.dumps(con.execute("SELECT * FROM load_runs").fetchall(), default=str)
    con.close()
    assert [(line, reason) for line, reason, _ in rejected] == [(3, "unknown priority"), (4, "too many columns")]
    for secret in secrets:
        assert secret not in everything, secret
        assert secret not in result.stdout + result.stderr, secret
    record = json.loads(rejected[0][2])
    for col, cell in zip(header, broken_rule):
        rule = treatment(col)
        if rule == DROP:
            assert col not in record
        elif rule == HASH and cell.strip():
            assert record[col] == hmac_hex(KEY, cell.strip().lower()), col
    assert record[priority_col] == "Mega"                  # the value at fault stays readable
    assert "withheld" in rejected[1][2] and str(len(csv_line(unsplittable + ["one cell too many"]).strip())) \
        in rejected[1][2]


def test_a_headerless_export_prints_no_personal_value_in_the_log_or_error_file(tmp_path, env):
    header, records = sample_records("tickets_zendesk.csv", 3)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "no-header.csv").write_text("".join(map(csv_line, records)), encoding="utf-8")
    result = run_cli(write_config(tmp_path), "refresh", "--no-report", env=env)
    assert result.returncode == 65, result.stderr
    error_file = tmp_path / "failed" / "no-header.csv.error.txt"
    text = error_file.read_text(encoding="utf-8") + result.stdout + result.stderr
    assert "cannot tell which help desk" in text and "names are not shown" in text
    for secret in personal_values(header, records[:1]):
        assert secret not in text, secret


def test_the_development_key_is_refused_with_how_to_set_one(tmp_path, env):
    header, records = sample_records("tickets_zendesk.csv", 2)
    path = tmp_path / "inbox" / "z.csv"
    path.parent.mkdir()
    path.write_text("".join(map(csv_line, [header, *records])), encoding="utf-8")
    cfg = write_config(tmp_path, key_line="")
    for args in (("ingest", str(path), "--timezone", "UTC"), ("refresh", "--no-report")):
        result = run_cli(cfg, *args, env=env)
        assert result.returncode == 2, result.stderr
        assert "built-in development key" in result.stderr and "hash_key_file" in result.stderr
    assert not (tmp_path / "w.duckdb").exists()
    assert path.exists() and not (tmp_path / "failed").exists()     # the refresh left the inbox alone


def test_a_key_file_must_be_owner_only(tmp_path, env):
    key = tmp_path / "hash.key"
    key.write_text("k" * 40 + "\n", encoding="utf-8")
    key.chmod(0o644)
    cfg = write_config(tmp_path, key_line='hash_key_file = "hash.key"')
    result = run_cli(cfg, "status", env=env)
    assert result.returncode == 2 and "chmod 600" in result.stderr
    key.chmod(0o600)
    header, records = sample_records("tickets_zendesk.csv", 2)
    path = tmp_path / "z.csv"
    path.write_text("".join(map(csv_line, [header, *records])), encoding="utf-8")
    assert run_cli(cfg, "ingest", str(path), "--timezone", "UTC", env=env).returncode == 0
    con = connect_read(tmp_path / "w.duckdb")
    (hashed,) = con.execute("SELECT reporter_hash FROM tickets WHERE ticket_id = ?", [records[0][1]]).fetchall()[0]
    con.close()
    requester_id = records[0][header.index("Requester id")]
    assert hashed == hmac_hex("k" * 40, requester_id.lower())          # HMAC under the file's key


@pytest.mark.parametrize("column, rule", [
    ("Full name", HASH), ("First Name", HASH), ("Contact Name", HASH), ("Reported account", HASH),
    ("Twitter handle", HASH), ("IP address", HASH), ("Profile URL", HASH), ("Requester", HASH),
    ("Subject", DROP), ("Status", None), ("Priority", None), ("Created time", None), ("Abuse Type", None),
    ("Region [list]", None),
])
def test_columns_that_name_a_person_are_hashed_wherever_a_row_leaves_the_load(column, rule):
    assert treatment(column) == rule
