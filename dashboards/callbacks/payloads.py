"""Checks at the callback entry: a payload of the wrong shape is a 400, never a 500.

Dash hands a callback whatever JSON the request carried; the browser sends well-formed values, a
hand-made request may send anything. Each callback checks its inputs here before any work, and a
werkzeug BadRequest raised inside a callback reaches the client as a 400.
"""
from __future__ import annotations

from typing import Any, Iterable

import flask
from werkzeug.exceptions import BadRequest

MAX_ID = 200
MAX_NOTE = 2000
MAX_LABEL = 200
MAX_DATE = 40
MAX_SEARCH = 4000
MAX_ROWS = 1000          # one ticket-table block; the grid asks for 100 at a time


def bad(what: str) -> BadRequest:
    return BadRequest(f"malformed callback payload: {what}")


def optional_text(value: Any, name: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad(f"{name} must be text")
    if len(value) > limit:
        raise bad(f"{name} longer than {limit} characters")
    return value


def optional_int(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(f"{name} must be a whole number")
    return value


def optional_choice(value: Any, name: str, choices: Iterable[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in tuple(choices):
        raise bad(f"{name} must be one of {', '.join(choices)}")
    return value


def search_store(store: Any) -> dict:
    """A panel's query store: {"search": "?..."}."""
    if store is None:
        return {}
    if not isinstance(store, dict) or not isinstance(store.get("search", ""), (str, type(None))):
        raise bad("the query store must be {\"search\": text}")
    optional_text(store.get("search"), "search", MAX_SEARCH)
    return store


def panel_name(value: Any, known: Iterable[str]) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str) or value["name"] not in set(known):
        raise bad("unknown panel")
    return value["name"]


def row_request(request: Any) -> dict | None:
    """The ticket grid's getRowsRequest: startRow/endRow whole numbers, at most MAX_ROWS apart."""
    if request is None:
        return None
    if not isinstance(request, dict):
        raise bad("getRowsRequest must be an object")
    start, end = request.get("startRow", 0), request.get("endRow", 100)
    for name, value in (("startRow", start), ("endRow", end)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad(f"{name} must be a whole number >= 0")
    if end < start or end - start > MAX_ROWS:
        raise bad(f"endRow - startRow must be 0 to {MAX_ROWS}")
    for key in ("sortModel", "filterModel"):
        if key in request and not isinstance(request[key], (list, dict, type(None))):
            raise bad(f"{key} has the wrong type")
    return request


MAX_BODY_BYTES = 1_000_000       # a callback body is a few kB; a 1 MB note is an attack, not a note
CALLBACK_PATH = "/_dash-update-component"
URL_PROPS = ("pathname", "search", "href", "hash")


def envelope_problem(body: Any, callback_map: dict) -> str | None:
    """What is wrong with a callback request's envelope, or None: the output must name a
    registered callback and inputs/state must be lists of {id, property} of the registered length
    (Dash would otherwise fail inside its dispatcher with a 500)."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    output = body.get("output")
    # clientside callbacks are listed too, but have no server function to call
    if not isinstance(output, str) or "callback" not in callback_map.get(output, {}):
        return "unknown callback output"
    spec = callback_map[output]
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list) or len(items) != len(spec.get(key, [])):
            return f"{key} must list the callback's {len(spec.get(key, []))} values"
        for item in items:
            entries = item if isinstance(item, list) else [item]
            if not all(isinstance(e, dict) and isinstance(e.get("property"), str)
                       and isinstance(e.get("id"), (str, dict)) for e in entries):
                return f"each of {key} needs an id and a property"
            # the pages router (Dash's own callback) reads these as text
            if any(e["property"] in URL_PROPS and not isinstance(e.get("value"), (str, type(None)))
                   for e in entries):
                return f"{', '.join(URL_PROPS)} must be text"
            if any(e["property"] == "pathname" and not str(e.get("value")).startswith("/") for e in entries):
                return "pathname must start with /"
    if not isinstance(body.get("outputs"), (dict, list)):
        return "outputs must be an object or a list"
    if not isinstance(body.get("changedPropIds", []), list):
        return "changedPropIds must be a list"
    return None


def install_envelope_check(app) -> None:
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @app.server.before_request
    def _check_callback_envelope():
        if flask.request.path != CALLBACK_PATH or flask.request.method != "POST":
            return None
        problem = envelope_problem(flask.request.get_json(silent=True), app.callback_map)
        if problem is None:
            return None
        response = flask.jsonify({"error": f"malformed callback payload: {problem}", "status": 400})
        response.status_code = 400
        return response


def optional_values(value: Any, name: str) -> Any:
    """A dropdown's value: nothing, one text or a list of texts."""
    if value is None or isinstance(value, str):
        return optional_text(value, name, MAX_SEARCH)
    if not isinstance(value, list) or len(value) > 500 or not all(isinstance(v, str) and len(v) <= MAX_LABEL
                                                                  for v in value):
        raise bad(f"{name} must be a list of texts")
    return value


def text_list(value: Any, name: str) -> list:
    if not isinstance(value, list) or len(value) > 100:
        raise bad(f"{name} must be a list")
    return value


def click_data(value: Any) -> dict | None:
    """A graph's clickData: {"points": [{...}, ...]}."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("points", []), list) \
            or not all(isinstance(p, dict) for p in value.get("points", [])):
        raise bad("clickData must be {\"points\": [objects]}")
    return value
