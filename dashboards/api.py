"""The read API for notebooks, Grafana JSON data sources and spreadsheets (Bearer tokens).

    GET /api/v1/metrics                  -> {"metrics": [{"name", "unit", "better", "description"}]}
    GET /api/v1/metrics/NAME?by=vendor,region&grain=day&from=2026-08-01&to=2026-08-28&where=region%3DBR
                                         -> {"metric": NAME, "rows": [{"period_start", <dims>, "value", "n"}]}
    GET /api/v1/anomalies?status=new     -> {"anomalies": [...]}

The guard (dashboards/auth/guard.py) has already found the token's user and audited the call.
Metric rows come from the same function as `safetyops metrics show` (metrics/show.py), through
the named-read layer that applies the user's scope. Errors are JSON with a status: 400 for a bad
argument, 401 without a valid token, 403 outside the user's scope.
"""
from __future__ import annotations

import datetime as dt
import json

import flask
from werkzeug.datastructures import MultiDict

from core.errors import InputError
from core.warehouse import WarehouseMissing
from dashboards import anomaly_data as ad
from dashboards.auth.errors import Forbidden
from dashboards.filters import Filters
from dashboards.state import current_state
from metrics.registry import GRAINS, METRICS
from metrics.show import json_records, show_query

PREFIX = "/api/v1"
MAX_WHERE = 20
MAX_ARG = 500
MAX_ROWS = 200_000               # a bigger answer needs a coarser grain or a narrower window
METRIC_ARGS = frozenset({"by", "grain", "from", "to", "where", "high_profile", "compare"})
ANOMALY_ARGS = frozenset({"status", "severity"})


class BadArgument(InputError):
    """A query-string argument of the API cannot be used."""


def install_api(server: flask.Flask) -> None:
    api = flask.Blueprint("api_v1", __name__, url_prefix=PREFIX)
    api.add_url_rule("/metrics", view_func=list_metrics)
    api.add_url_rule("/metrics/<name>", view_func=metric_rows)
    api.add_url_rule("/anomalies", view_func=list_anomalies)
    api.add_url_rule("/<path:rest>", view_func=_not_found)
    server.register_blueprint(api)


def list_metrics():
    return flask.jsonify({"metrics": [{"name": m.name, "unit": m.unit, "better": m.direction,
                                        "description": m.description} for m in METRICS.values()]})


def metric_rows(name: str):
    return _answer(lambda: {"metric": name, "rows": _metric_records(name, flask.request.args)})


def list_anomalies():
    return _answer(lambda: {"anomalies": _anomaly_records(flask.request.args)})


def _metric_records(name: str, args: MultiDict) -> list[dict]:
    _known_args(args, METRIC_ARGS)
    where = tuple(args.getlist("where"))
    if len(where) > MAX_WHERE:
        raise BadArgument(f"at most {MAX_WHERE} where= arguments")
    grain = args.get("grain", "day")
    if grain not in GRAINS:
        raise BadArgument(f"grain={grain!r}; valid: {', '.join(GRAINS)}")
    compare = args.get("compare") or None
    if compare not in (None, "previous"):
        raise BadArgument(f"compare={compare!r}; valid: previous")
    query = show_query(name, args.get("by"), grain, _date(args, "from"), _date(args, "to"), where,
                       _flag(args, "high_profile"), compare)
    frame = current_state().data.read("metric_show", query)
    if len(frame) > MAX_ROWS:
        raise BadArgument(f"{len(frame)} rows is more than {MAX_ROWS}: use a coarser grain or a shorter window")
    return json_records(frame)


def _anomaly_records(args: MultiDict) -> list[dict]:
    _known_args(args, ANOMALY_ARGS)
    status = args.get("status", "open")
    if status not in ad.STATUS_CHOICES:
        raise BadArgument(f"status={status!r}; valid: {', '.join(ad.STATUS_CHOICES)}")
    severity = args.get("severity") or None
    if severity is not None and severity not in ad.SEVERITY_ORDER:
        raise BadArgument(f"severity={severity!r}; valid: {', '.join(ad.SEVERITY_ORDER)}")
    frame = current_state().data.read("anomaly_list", Filters(), status, severity)
    records = json.loads(frame.to_json(orient="records", date_format="iso")) if len(frame) else []
    for r in records:
        r["dims"] = json.loads(r.pop("dims_json", None) or "{}")
    return records


def _answer(build) -> flask.Response:
    try:
        return flask.jsonify(build())
    except Forbidden as exc:
        return _error(403, str(exc))
    except WarehouseMissing as exc:
        return _error(503, str(exc))
    except InputError as exc:
        return _error(400, str(exc))


def _known_args(args: MultiDict, known: frozenset) -> None:
    for key, values in args.lists():
        if key not in known:
            raise BadArgument(f"unknown argument {key!r}; valid: {', '.join(sorted(known))}")
        if any(len(v) > MAX_ARG for v in values):
            raise BadArgument(f"{key} longer than {MAX_ARG} characters")


def _date(args: MultiDict, key: str) -> dt.date | None:
    text = args.get(key)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadArgument(f"{key}={text!r} is not a date (YYYY-MM-DD)") from exc


def _flag(args: MultiDict, key: str) -> bool:
    text = (args.get(key) or "false").lower()
    if text not in ("true", "false"):
        raise BadArgument(f"{key}={text!r}; valid: true, false")
    return text == "true"


def _error(status: int, message: str) -> flask.Response:
    response = flask.jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def _not_found(rest: str):
    """Before Dash's catch-all page route answers an API path with the page shell."""
    return _error(404, "no such API route")
