"""The one configuration file: `safetyops.toml` (path from --config or SAFETYOPS_CONFIG).

Every setting has a default, so a missing file is a valid, default configuration. Relative paths in
the file are resolved against the file's own folder, so cron can run from anywhere. Every section
and key is known here: a misspelt one is an error naming it and the valid ones, never ignored.
`[detection]` keys belong to the detector, which checks them (anomaly/settings.py).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import SafetyopsError

DEFAULT_TAXONOMY = (
    "hateful_conduct", "violent_threats", "harassment", "child_safety", "private_information",
    "sensitive_media", "self_harm", "impersonation", "spam", "violent_extremism", "other",
)
DEFAULT_SLA_MINUTES = {"urgent": 60, "high": 240, "normal": 1440, "low": 4320}
DEV_HASH_KEY = "safetyops-development-key-change-me"
DEFAULT_MAX_INCREMENTAL_MONTHS = 12
DEFAULT_WEBHOOK_LOOKBACK_HOURS = 48.0
CACHE_KINDS = ("filesystem", "simple")

# section -> its keys; None: the keys are names the user chooses (mapping names, metric names).
SECTIONS: dict[str, frozenset[str] | None] = {
    "warehouse": frozenset({"path"}),
    "reporting": frozenset({"timezone"}),
    "sla": frozenset({"breach_risk_hours", "first_response_minutes"}),
    "metrics": frozenset({"targets"}),
    "marts": frozenset({"max_incremental_months"}),
    "taxonomy": frozenset({"categories", "aliases"}),
    "privacy": frozenset({"hash_key", "hash_key_file", "store_ticket_text"}),
    "sources": None,
    "ingest": frozenset({"timezone", "timezones"}),
    "refresh": frozenset({"inbox", "archive", "failed", "reports", "report_weekday", "webhook_url",
                          "webhook_timeout_seconds", "webhook_retries", "webhook_lookback_hours",
                          "memory_limit", "events_calendar"}),
    "serve": frozenset({"workers", "cache", "cache_dir", "warm_cache"}),
    "detection": None,
    "auth": frozenset({"allowed_hosts", "session_hours"}),
}


class ConfigError(SafetyopsError):
    """The configuration file is missing a value, has a wrong type, or names an unknown zone."""

    exit_code = 2


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    # [warehouse]
    db_path: Path = Path("data/warehouse.duckdb")
    # [reporting]
    reporting_timezone: str = "UTC"
    # [sla]
    sla_frt_minutes: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SLA_MINUTES))
    breach_risk_hours: float = 4.0
    # [metrics.targets]: metric name -> target shown beside KPI tiles and in the report
    metric_targets: dict[str, float] = field(default_factory=dict)
    # [marts]
    max_incremental_months: int = DEFAULT_MAX_INCREMENTAL_MONTHS
    # [taxonomy]
    taxonomy: tuple[str, ...] = DEFAULT_TAXONOMY
    # raw category value (lower-cased) -> taxonomy name, applied by every source after its own map
    category_aliases: dict[str, str] = field(default_factory=dict)
    # [privacy]
    hash_key: str = DEV_HASH_KEY
    store_ticket_text: bool = False
    # [sources]: name -> mapping TOML
    source_mappings: dict[str, Path] = field(default_factory=dict)
    # [ingest]: zone of naive export timestamps when --timezone is not given (cron): per source, then default
    ingest_timezones: dict[str, str] = field(default_factory=dict)
    ingest_timezone: str | None = None
    # [refresh]
    inbox_dir: Path = Path("inbox")
    archive_dir: Path = Path("archive")
    failed_dir: Path = Path("failed")
    reports_dir: Path = Path("reports")
    report_weekday: int = 0                  # 0 = Monday
    webhook_url: str | None = None
    webhook_timeout_seconds: float = 5.0
    webhook_retries: int = 3
    webhook_lookback_hours: float = DEFAULT_WEBHOOK_LOOKBACK_HOURS
    writer_memory_limit: str | None = None   # DuckDB's cap while building the next warehouse
    events_calendar: Path | None = None
    # [serve]
    serve_workers: int = 2
    serve_cache: str = "filesystem"
    serve_cache_dir: Path | None = None      # default: <warehouse>.dashcache/ beside the warehouse
    serve_warm_cache: bool = True
    # [detection]: passed to the detector's settings as overrides (it checks the keys)
    detection: dict = field(default_factory=dict)
    # [auth]: Host header values the dashboard answers (besides 127.0.0.1, localhost, ::1), and
    # how long a sign-in lasts
    allowed_hosts: tuple[str, ...] = ()
    session_hours: float = 12.0

    @property
    def triage_path(self) -> Path:
        """Triage state lives beside the warehouse so rebuilding the warehouse keeps it."""
        return self.db_path.with_name(self.db_path.stem + ".triage.sqlite")

    @property
    def refresh_status_path(self) -> Path:
        return self.db_path.with_name(self.db_path.stem + ".refresh.json")

    @property
    def dashboard_cache_dir(self) -> Path:
        return self.serve_cache_dir or self.db_path.with_name(self.db_path.name + ".dashcache")

    def sla_target_minutes(self, priority: str) -> int:
        return self.sla_frt_minutes[priority]


def config_path_from_env(explicit: str | os.PathLike | None = None) -> Path | None:
    if explicit:
        return Path(explicit)
    env = os.environ.get("SAFETYOPS_CONFIG")
    if env:
        return Path(env)
    default = Path("safetyops.toml")
    return default if default.exists() else None


def load_config(path: str | os.PathLike | None = None, db_override: str | None = None) -> Config:
    """Read the config file (or defaults); --db / SAFETYOPS_DB override the warehouse path."""
    cfg_path = config_path_from_env(path)
    data: dict = {}
    base = Path.cwd()
    if cfg_path is not None:
        if not cfg_path.exists():
            raise ConfigError(f"{cfg_path}: config file not found")
        if not cfg_path.is_file():
            raise ConfigError(f"{cfg_path}: is not a file")
        try:
            data = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{cfg_path}: {exc}") from exc
        base = cfg_path.resolve().parent
    return _build(_Reader(data, cfg_path), base, cfg_path, db_override or os.environ.get("SAFETYOPS_DB"))


class _Reader:
    """Typed access to the parsed file, with errors that name the file, section, key and value."""

    def __init__(self, data: dict, path: Path | None):
        self.data, self.path = data, path
        self._check_known()

    def _check_known(self) -> None:
        for name, body in self.data.items():
            if name not in SECTIONS:
                raise self.error(f"unknown section [{name}]; valid: {', '.join(SECTIONS)}")
            if not isinstance(body, dict):
                raise self.error(f"{name} = {body!r} must be a section [{name}]")
            keys = SECTIONS[name]
            for key in body if keys is not None else ():
                if key not in keys:
                    raise self.error(f"[{name}] unknown key {key!r}; valid: {', '.join(sorted(keys))}")

    def error(self, message: str) -> ConfigError:
        return ConfigError(f"{self.path}: {message}")

    def section(self, name: str) -> dict:
        return self.data.get(name, {})

    def get(self, section: str, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = self.section(section).get(key, default)
        if value is default:
            return default
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # TOML integers are fine where a float is asked for; booleans are not numbers here
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)
            raise self.error(f"[{section}] {key} = {value!r} must be {names}")
        return value

    def table(self, section: str, key: str) -> dict:
        return self.get(section, key, dict, {})


_KIND_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
               dict: "a table", list: "a list"}


def _resolve(base: Path, value: str | None, default: Path) -> Path:
    p = Path(value) if value else default
    return p if p.is_absolute() else base / p


def _build(r: _Reader, base: Path, cfg_path: Path | None, db_override: str | None) -> Config:
    tz = r.get("reporting", "timezone", str, "UTC")
    _check_zone(r, tz, "[reporting]")
    taxonomy = _taxonomy(r)
    ingest_zones = {str(k): v for k, v in r.table("ingest", "timezones").items()}
    ingest_zone = r.get("ingest", "timezone", str, None)
    for source, zone in ingest_zones.items():
        if not isinstance(zone, str):
            raise r.error(f"[ingest.timezones] {source} = {zone!r} must be a string")
    for zone in list(ingest_zones.values()) + ([ingest_zone] if ingest_zone else []):
        _check_zone(r, zone, "[ingest]")
    events = r.get("refresh", "events_calendar", str, None) or r.section("detection").get("events_calendar")
    cache_dir = r.get("serve", "cache_dir", str, "")
    cache = r.get("serve", "cache", str, "filesystem")
    if cache not in CACHE_KINDS:
        raise r.error(f"[serve] cache = {cache!r}; valid: {', '.join(CACHE_KINDS)}")
    memory_limit = r.get("refresh", "memory_limit", str, None)
    return Config(
        path=cfg_path,
        db_path=Path(db_override) if db_override else _resolve(base, r.get("warehouse", "path", str, None),
                                                               Path("data/warehouse.duckdb")),
        reporting_timezone=tz,
        sla_frt_minutes=_sla_minutes(r),
        breach_risk_hours=_positive(r, "sla", "breach_risk_hours", 4.0),
        metric_targets=_targets(r),
        max_incremental_months=_whole(r, "marts", "max_incremental_months", DEFAULT_MAX_INCREMENTAL_MONTHS,
                                      minimum=0),
        taxonomy=taxonomy,
        category_aliases=_aliases(r, taxonomy),
        hash_key=os.environ.get("SAFETYOPS_HASH_KEY") or _key_file(r, base) or r.get("privacy", "hash_key", str,
                                                                                      DEV_HASH_KEY),
        store_ticket_text=r.get("privacy", "store_ticket_text", bool, False),
        source_mappings={name: _resolve(base, _string(r, "sources", name, p), Path(p))
                         for name, p in r.section("sources").items()},
        ingest_timezones=ingest_zones,
        ingest_timezone=ingest_zone,
        inbox_dir=_resolve(base, r.get("refresh", "inbox", str, None), Path("inbox")),
        archive_dir=_resolve(base, r.get("refresh", "archive", str, None), Path("archive")),
        failed_dir=_resolve(base, r.get("refresh", "failed", str, None), Path("failed")),
        reports_dir=_resolve(base, r.get("refresh", "reports", str, None), Path("reports")),
        report_weekday=_weekday(r),
        webhook_url=r.get("refresh", "webhook_url", str, None) or os.environ.get("SAFETYOPS_WEBHOOK_URL"),
        webhook_timeout_seconds=_positive(r, "refresh", "webhook_timeout_seconds", 5.0),
        webhook_retries=_whole(r, "refresh", "webhook_retries", 3, minimum=0),
        webhook_lookback_hours=_positive(r, "refresh", "webhook_lookback_hours", DEFAULT_WEBHOOK_LOOKBACK_HOURS),
        writer_memory_limit=memory_limit,
        events_calendar=_resolve(base, events, Path(events)) if events else None,
        serve_workers=_whole(r, "serve", "workers", 2),
        serve_cache=cache,
        serve_cache_dir=_resolve(base, cache_dir, Path(cache_dir)) if cache_dir else None,
        serve_warm_cache=r.get("serve", "warm_cache", bool, True),
        detection=dict(r.section("detection")),
        allowed_hosts=_hosts(r),
        session_hours=_positive(r, "auth", "session_hours", 12.0),
    )


def _key_file(r: _Reader, base: Path) -> str | None:
    """The reporter hash key from `[privacy] hash_key_file`: a secret, so only its owner may read it."""
    name = r.get("privacy", "hash_key_file", str, None)
    if not name:
        return None
    path = _resolve(base, name, Path(name))
    try:
        mode = path.stat().st_mode
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise r.error(f"[privacy] hash_key_file = {name!r}: cannot read {path}: {exc.strerror}") from exc
    if mode & 0o077:
        raise r.error(f"[privacy] hash_key_file {path} is readable by others: run chmod 600 {path}")
    if len(key) < 16:
        raise r.error(f"[privacy] hash_key_file {path} holds {len(key)} characters; use at least 16 random ones")
    return key


def _hosts(r: _Reader) -> tuple[str, ...]:
    hosts = r.get("auth", "allowed_hosts", list, [])
    if not all(isinstance(h, str) and h.strip() for h in hosts):
        raise r.error(f"[auth] allowed_hosts = {hosts!r} must be a list of host names")
    return tuple(h.strip().lower() for h in hosts)


def _string(r: _Reader, section: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise r.error(f"[{section}] {key} = {value!r} must be a string")
    return value


def _positive(r: _Reader, section: str, key: str, default: float) -> float:
    value = r.get(section, key, float, default)
    if value <= 0:
        raise r.error(f"[{section}] {key} = {value!r} must be above 0")
    return value


def _whole(r: _Reader, section: str, key: str, default: int, minimum: int = 1) -> int:
    value = r.get(section, key, int, default)
    if value < minimum:
        raise r.error(f"[{section}] {key} = {value!r} must be at least {minimum}")
    return value


def _weekday(r: _Reader) -> int:
    value = r.get("refresh", "report_weekday", int, 0)
    if not 0 <= value <= 6:
        raise r.error(f"[refresh] report_weekday = {value!r} must be 0 (Monday) to 6 (Sunday)")
    return value


def _sla_minutes(r: _Reader) -> dict[str, int]:
    minutes = dict(DEFAULT_SLA_MINUTES)
    for prio, value in r.table("sla", "first_response_minutes").items():
        if prio not in DEFAULT_SLA_MINUTES:
            raise r.error(f"[sla.first_response_minutes] unknown priority {prio!r}; "
                          f"valid: {', '.join(DEFAULT_SLA_MINUTES)}")
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise r.error(f"[sla.first_response_minutes] {prio} = {value!r} "
                          "must be a positive whole number of minutes")
        minutes[prio] = value
    return minutes


def _targets(r: _Reader) -> dict[str, float]:
    targets = {}
    for metric, value in r.table("metrics", "targets").items():
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise r.error(f"[metrics.targets] {metric} = {value!r} must be a number")
        targets[str(metric)] = float(value)
    return targets


def _taxonomy(r: _Reader) -> tuple[str, ...]:
    categories = r.get("taxonomy", "categories", list, None)
    if categories is None:
        return DEFAULT_TAXONOMY
    if not categories or not all(isinstance(c, str) and c.strip() for c in categories):
        raise r.error(f"[taxonomy] categories = {categories!r} must be a list of names")
    taxonomy = tuple(categories)
    return taxonomy if "other" in taxonomy else taxonomy + ("other",)


def _aliases(r: _Reader, taxonomy: tuple[str, ...]) -> dict[str, str]:
    aliases = {str(k).strip().lower(): v for k, v in r.table("taxonomy", "aliases").items()}
    for raw_value, target in aliases.items():
        if target not in taxonomy:
            raise r.error(f"[taxonomy.aliases] {raw_value!r} maps to {target!r}, which is not in the taxonomy")
    return aliases


def _check_zone(r: _Reader, tz: str, section: str) -> None:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise r.error(f"{section} timezone = {tz!r} is not a known IANA zone") from exc
