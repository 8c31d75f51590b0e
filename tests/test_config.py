"""The config file: every section and key typed, unknown ones refused by name, paths relative to it."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.config import SECTIONS, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "safetyops.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, says", [
    ("[reportin]\ntimezone = 'UTC'\n", "unknown section [reportin]; valid: warehouse, reporting"),
    ("[reporting]\ntimezon = 'UTC'\n", "[reporting] unknown key 'timezon'; valid: timezone"),
    ("[serve]\nworker = 3\n", "[serve] unknown key 'worker'; valid: cache, cache_dir, warm_cache, workers"),
    ("reporting = 'UTC'\n", "reporting = 'UTC' must be a section [reporting]"),
    ("[reporting]\ntimezone = 3\n", "[reporting] timezone = 3 must be a string"),
    ("[reporting]\ntimezone = 'Mars/Olympus'\n", "[reporting] timezone = 'Mars/Olympus' is not a known IANA zone"),
    ("[serve]\nworkers = 'two'\n", "[serve] workers = 'two' must be a whole number"),
    ("[serve]\nworkers = 0\n", "[serve] workers = 0 must be at least 1"),
    ("[serve]\nwarm_cache = 'yes'\n", "[serve] warm_cache = 'yes' must be true or false"),
    ("[serve]\ncache = 'redis'\n", "[serve] cache = 'redis'; valid: filesystem, simple"),
    ("[sla]\nbreach_risk_hours = true\n", "[sla] breach_risk_hours = True must be a number"),
    ("[sla.first_response_minutes]\nurgnt = 30\n", "unknown priority 'urgnt'"),
    ("[metrics.targets]\nsla_frt_attainment = 'high'\n", "[metrics.targets] sla_frt_attainment = 'high' must be a number"),
    ("[refresh]\nreport_weekday = 7\n", "[refresh] report_weekday = 7 must be 0 (Monday) to 6 (Sunday)"),
    ("[privacy]\nstore_ticket_text = 1\n", "[privacy] store_ticket_text = 1 must be true or false"),
    ("[taxonomy.aliases]\ndoxxing = 'doxx'\n", "'doxxing' maps to 'doxx', which is not in the taxonomy"),
    ("[warehouse\n", "safetyops.toml"),
])
def test_a_wrong_config_is_an_error_naming_the_file_and_the_value(tmp_path, text, says):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert says in str(err.value)
    assert str(path) in str(err.value)
    assert err.value.exit_code == 2


def test_every_documented_key_is_read_into_its_typed_field(tmp_path, monkeypatch):
    monkeypatch.delenv("SAFETYOPS_HASH_KEY", raising=False)
    path = write(tmp_path, """
[warehouse]
path = "wh/warehouse.duckdb"
[reporting]
timezone = "America/Sao_Paulo"
[sla]
breach_risk_hours = 6
[sla.first_response_minutes]
urgent = 30
[metrics.targets]
sla_frt_attainment = 0.95
[marts]
max_incremental_months = 0
[privacy]
hash_key = "k"
store_ticket_text = true
[ingest]
timezone = "UTC"
[ingest.timezones]
jira = "Europe/Dublin"
[refresh]
inbox = "in"
webhook_lookback_hours = 12
memory_limit = "2GB"
report_weekday = 4
[serve]
workers = 3
cache = "simple"
cache_dir = "cache"
warm_cache = false
[detection]
alpha = 1e-6
""")
    c = load_config(path)
    assert c.db_path == tmp_path / "wh" / "warehouse.duckdb"
    assert c.reporting_timezone == "America/Sao_Paulo"
    assert c.breach_risk_hours == 6.0 and isinstance(c.breach_risk_hours, float)
    assert c.sla_frt_minutes == {"urgent": 30, "high": 240, "normal": 1440, "low": 4320}
    assert c.metric_targets == {"sla_frt_attainment": 0.95}
    assert c.max_incremental_months == 0
    assert (c.hash_key, c.store_ticket_text) == ("k", True)
    assert (c.ingest_timezone, c.ingest_timezones) == ("UTC", {"jira": "Europe/Dublin"})
    assert c.inbox_dir == tmp_path / "in"
    assert (c.webhook_lookback_hours, c.writer_memory_limit, c.report_weekday) == (12.0, "2GB", 4)
    assert (c.serve_workers, c.serve_cache, c.serve_warm_cache) == (3, "simple", False)
    assert c.dashboard_cache_dir == tmp_path / "cache"
    assert c.detection == {"alpha": 1e-6}


def test_no_file_is_the_default_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAFETYOPS_CONFIG", raising=False)
    c = load_config(None)
    assert c.path is None
    assert c.dashboard_cache_dir == c.db_path.with_name(c.db_path.name + ".dashcache")
    assert c.metric_targets == {} and c.webhook_lookback_hours == 48.0


def test_the_readme_names_every_section():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f"[{section}" in readme, section


def test_the_readme_example_config_loads_as_written(tmp_path, monkeypatch):
    """A user copies the Configuration section's example: it must be valid TOML (a section declared
    twice is not) and every key in it one the config reads."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1]
    example = section.split("```toml\n", 1)[1].split("\n```", 1)[0]
    (tmp_path / "hash.key").write_text("a-secret-for-this-test-only-0123456789")
    (tmp_path / "hash.key").chmod(0o600)
    monkeypatch.delenv("SAFETYOPS_HASH_KEY", raising=False)
    config = load_config(write(tmp_path, example))
    assert config.allowed_hosts and "desk.example.org" in config.allowed_hosts
