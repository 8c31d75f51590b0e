"""The one configuration file: `safetyops.toml` (path from --config or SAFETYOPS_CONFIG).

Every setting has a default, so a missing file is a valid, default configuration. Relative paths in
the file are resolved against the file's own folder, so cron can run from anywhere.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import SafetyopsError

DEFAULT_TAXONOMY = (
    "hateful_conduct", "violent_threats", "harassment", "child_safety", "private_information",
    "sensitive_media", "self_harm", "impersonation", "spam", "violent_extremism", "other",
)
DEFAULT_SLA_MINUTES = {"urgent": 60, "high": 240, "normal": 1440, "low": 4320}
DEV_HASH_KEY = "safetyops-development-key-change-me"


class ConfigError(SafetyopsError):
    """The configuration file is missing a value, has a wrong type, or names an unknown zone."""


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    db_path: Path = Path("data/warehouse.duckdb")
    reporting_timezone: str = "UTC"
    sla_frt_minutes: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SLA_MINUTES))
    breach_risk_hours: float = 4.0
    taxonomy: tuple[str, ...] = DEFAULT_TAXONOMY
    # raw category value (lower-cased) -> taxonomy name, applied by every source after its own map
    category_aliases: dict[str, str] = field(default_factory=dict)
    hash_key: str = DEV_HASH_KEY
    store_ticket_text: bool = False
    source_mappings: dict[str, Path] = field(default_factory=dict)   # name -> mapping TOML
    inbox_dir: Path = Path("inbox")
    archive_dir: Path = Path("archive")
    failed_dir: Path = Path("failed")
    reports_dir: Path = Path("reports")
    report_weekday: int = 0                  # 0 = Monday
    webhook_url: str | None = None
    webhook_timeout_seconds: float = 5.0
    webhook_retries: int = 3
    detection: dict = field(default_factory=dict)   # passed to anomaly settings as overrides
    events_calendar: Path | None = None
    serve_workers: int = 2
    # zone of naive export timestamps when --timezone is not given (cron): per source, then default
    ingest_timezones: dict[str, str] = field(default_factory=dict)
    ingest_timezone: str | None = None
    raw: dict = field(default_factory=dict)

    @property
    def triage_path(self) -> Path:
        """Triage state lives beside the warehouse so rebuilding the warehouse keeps it."""
        return self.db_path.with_name(self.db_path.stem + ".triage.sqlite")

    @property
    def refresh_status_path(self) -> Path:
        return self.db_path.with_name(self.db_path.stem + ".refresh.json")

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
        try:
            data = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{cfg_path}: {exc}") from exc
        base = cfg_path.resolve().parent
    return _build(data, base, cfg_path, db_override or os.environ.get("SAFETYOPS_DB"))


def _resolve(base: Path, value: str | None, default: Path) -> Path:
    p = Path(value) if value else default
    return p if p.is_absolute() else base / p


def _build(data: dict, base: Path, cfg_path: Path | None, db_override: str | None) -> Config:
    wh = data.get("warehouse", {})
    rep = data.get("reporting", {})
    sla = data.get("sla", {}).get("first_response_minutes", {})
    tax = data.get("taxonomy", {})
    priv = data.get("privacy", {})
    ref = data.get("refresh", {})
    srv = data.get("serve", {})

    tz = rep.get("timezone", "UTC")
    _check_zone(tz, cfg_path)
    sla_minutes = dict(DEFAULT_SLA_MINUTES)
    for prio, minutes in sla.items():
        if prio not in DEFAULT_SLA_MINUTES:
            raise ConfigError(f"{cfg_path}: [sla.first_response_minutes] unknown priority {prio!r}; "
                              f"valid: {', '.join(DEFAULT_SLA_MINUTES)}")
        if not isinstance(minutes, int) or minutes <= 0:
            raise ConfigError(f"{cfg_path}: [sla.first_response_minutes] {prio} = {minutes!r} "
                              "must be a positive whole number of minutes")
        sla_minutes[prio] = minutes
    taxonomy = tuple(tax.get("categories", DEFAULT_TAXONOMY))
    if "other" not in taxonomy:
        taxonomy = taxonomy + ("other",)
    aliases = {str(k).strip().lower(): v for k, v in tax.get("aliases", {}).items()}
    for raw_value, target in aliases.items():
        if target not in taxonomy:
            raise ConfigError(f"{cfg_path}: [taxonomy.aliases] {raw_value!r} maps to {target!r}, "
                              f"which is not in the taxonomy")
    db_path = Path(db_override) if db_override else _resolve(base, wh.get("path"), Path("data/warehouse.duckdb"))
    mappings = {name: _resolve(base, p, Path(p)) for name, p in data.get("sources", {}).items()}
    events = ref.get("events_calendar") or data.get("detection", {}).get("events_calendar")
    ing = data.get("ingest", {})
    ingest_zones = {str(k): str(v) for k, v in ing.get("timezones", {}).items()}
    for zone in list(ingest_zones.values()) + ([ing["timezone"]] if ing.get("timezone") else []):
        _check_zone(zone, cfg_path, "[ingest]")
    return Config(
        path=cfg_path,
        db_path=db_path,
        reporting_timezone=tz,
        sla_frt_minutes=sla_minutes,
        breach_risk_hours=float(data.get("sla", {}).get("breach_risk_hours", 4)),
        taxonomy=taxonomy,
        category_aliases=aliases,
        hash_key=os.environ.get("SAFETYOPS_HASH_KEY") or priv.get("hash_key", DEV_HASH_KEY),
        store_ticket_text=bool(priv.get("store_ticket_text", False)),
        source_mappings=mappings,
        inbox_dir=_resolve(base, ref.get("inbox"), Path("inbox")),
        archive_dir=_resolve(base, ref.get("archive"), Path("archive")),
        failed_dir=_resolve(base, ref.get("failed"), Path("failed")),
        reports_dir=_resolve(base, ref.get("reports"), Path("reports")),
        report_weekday=int(ref.get("report_weekday", 0)),
        webhook_url=ref.get("webhook_url") or os.environ.get("SAFETYOPS_WEBHOOK_URL"),
        webhook_timeout_seconds=float(ref.get("webhook_timeout_seconds", 5)),
        webhook_retries=int(ref.get("webhook_retries", 3)),
        detection=dict(data.get("detection", {})),
        events_calendar=_resolve(base, events, Path(events)) if events else None,
        serve_workers=int(srv.get("workers", 2)),
        ingest_timezones=ingest_zones,
        ingest_timezone=ing.get("timezone"),
        raw=data,
    )


def _check_zone(tz: str, cfg_path: Path | None, section: str = "[reporting]") -> None:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{cfg_path}: {section} timezone = {tz!r} is not a known IANA zone") from exc
