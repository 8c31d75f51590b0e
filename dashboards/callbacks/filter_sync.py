"""The filter bar <-> URL query string, in both directions, in one (circular) callback.

The URL is the source of truth: loading, reloading or going back sets the controls from it; a
control change writes the URL, and the pages router re-renders the page from the new URL.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from dash import ALL, Input, Output, State, callback_context, no_update

from dashboards.callbacks import payloads
from dashboards.components import LOCATION_ID, NAV
from dashboards.filters import FILTER_DIMS, Filters, merge_search
from dashboards.state import current_state
from core.errors import SafetyopsError

CONTROL_IDS = ("f-date.start_date", "f-date.end_date",
               *(f"f-{d}.value" for d in FILTER_DIMS), "f-high_profile.value")


@dataclass(frozen=True)
class Controls:
    start_date: str | None
    end_date: str | None
    dims: dict
    high_profile: str

    def as_tuple(self) -> tuple:
        return (self.start_date, self.end_date, *[list(self.dims.get(d) or []) for d in FILTER_DIMS],
                self.high_profile)


def controls_from_url(search: str | None, default_range: tuple[dt.date, dt.date]) -> Controls:
    """What the filter bar shows for a URL; the date picker shows the window actually queried."""
    f = Filters.from_search(search)
    start, end = f.resolved_range(default_range[1]) if (f.date_from or f.date_to) else default_range
    hp = "all" if f.high_profile is None else ("true" if f.high_profile else "false")
    return Controls(start.isoformat(), end.isoformat(), {d: list(getattr(f, d)) for d in FILTER_DIMS}, hp)


def url_from_controls(search: str | None, controls: Controls) -> str:
    """The URL's query string after a control change; the page's own keys are kept."""
    f = Filters.from_controls(controls.start_date, controls.end_date, controls.dims, controls.high_profile)
    return merge_search(search, f)


def sync_filters(trigger: str | None, search: str | None, controls: Controls,
                 default_range: tuple[dt.date, dt.date], known: dict[str, list[str]]) -> tuple:
    """Returns (search, *control values, *dropdown options) with no_update where nothing changes.

    Options are sent together with the values they must contain: a dropdown whose value arrives
    before its options drops it, which would silently widen a copied link's view.
    """
    unchanged = (no_update,) * (len(controls.as_tuple()) + len(FILTER_DIMS))
    if trigger == "f-reset":
        new_search = merge_search(search, Filters())
        cleared = controls_from_url("", default_range)
        return (new_search if new_search != (search or "") else no_update, *cleared.as_tuple(),
                *_options(cleared, known))
    if trigger is None or trigger == LOCATION_ID:
        shown = controls_from_url(search, default_range)
        return (no_update, *shown.as_tuple(), *_options(shown, known))
    new_search = url_from_controls(search, controls)
    changed = Filters.from_search(new_search) != Filters.from_search(search)
    if not (controls.start_date and controls.end_date):
        # a cleared date picker means "the default window": show that window again
        shown = controls_from_url(new_search, default_range)
        return (new_search if changed else no_update, *shown.as_tuple(), *(no_update,) * len(FILTER_DIMS))
    return (new_search if changed else no_update, *unchanged)


def _options(controls: Controls, known: dict[str, list[str]]) -> list[list[dict]]:
    return [filter_options(known.get(d, []), controls.dims.get(d)) for d in FILTER_DIMS]


def page_param_search(search: str | None, keys: list[str], values: list, defaults: list) -> str:
    """The URL after a page's own switch changed: filter keys untouched, the page keys replaced;
    a switch at its default is left out of the URL."""
    pairs = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k not in keys]
    pairs += [(k, str(v)) for k, v, d in zip(keys, values, defaults) if v not in (None, "") and v != d]
    return "?" + urlencode(pairs) if pairs else ""


def nav_hrefs(search: str | None) -> list[str]:
    """Navigation keeps the filters (not the page's own keys) when moving between pages."""
    filter_search = Filters.from_search(search).to_search()
    return [path + filter_search for path, _ in NAV]


def filter_options(values: list[str], selected: list[str] | None) -> list[dict]:
    """Dropdown options: the warehouse's values plus anything the URL selected (kept visible)."""
    keep = sorted(set(values) | set(selected or []))
    return [{"label": v, "value": v} for v in keep]


def known_values_now() -> dict[str, list[str]]:
    state = current_state()
    try:
        return {d: state.data.read("dimension_options", d) for d in FILTER_DIMS}
    except SafetyopsError:
        return {}


def default_range_now() -> tuple[dt.date, dt.date]:
    state = current_state()
    try:
        as_of = state.data.read("as_of_date")
    except SafetyopsError:
        as_of = None
    return Filters().resolved_range(as_of)


def _trigger() -> str | None:
    triggered = callback_context.triggered_id
    if isinstance(triggered, dict):
        return None
    return triggered


def check_controls(search, start, end, dim_values, hp, reset) -> None:
    """The filter bar's values as the browser sends them, or a 400."""
    payloads.optional_text(search, "search", payloads.MAX_SEARCH)
    payloads.optional_text(start, "start_date", payloads.MAX_DATE)
    payloads.optional_text(end, "end_date", payloads.MAX_DATE)
    for dim, value in zip(FILTER_DIMS, dim_values):
        payloads.optional_values(value, dim)
    payloads.optional_text(hp, "high_profile", 20)
    payloads.optional_int(reset, "n_clicks")


def register(app) -> None:
    control_outputs = [Output("f-date", "start_date"), Output("f-date", "end_date"),
                       *[Output(f"f-{d}", "value") for d in FILTER_DIMS], Output("f-high_profile", "value")]
    control_inputs = [Input("f-date", "start_date"), Input("f-date", "end_date"),
                      *[Input(f"f-{d}", "value") for d in FILTER_DIMS], Input("f-high_profile", "value")]

    option_outputs = [Output(f"f-{d}", "options") for d in FILTER_DIMS]

    @app.callback(Output(LOCATION_ID, "search"), *control_outputs, *option_outputs,
                  Input(LOCATION_ID, "search"), *control_inputs, Input("f-reset", "n_clicks"))
    def _sync(search, start, end, *rest):
        *dim_values, hp, reset = rest
        check_controls(search, start, end, dim_values, hp, reset)
        controls = Controls(start, end, dict(zip(FILTER_DIMS, dim_values)), hp or "all")
        trigger = _trigger()
        known = known_values_now() if trigger in (None, LOCATION_ID, "f-reset") else {}
        return sync_filters(trigger, search, controls, default_range_now(), known)

    @app.callback(Output({"type": "nav", "path": ALL}, "href"),
                  Input(LOCATION_ID, "search"))
    def _nav(search):
        payloads.optional_text(search, "search", payloads.MAX_SEARCH)
        return nav_hrefs(search)

    @app.callback(Output(LOCATION_ID, "search", allow_duplicate=True),
                  Input({"type": "page-param", "key": ALL, "default": ALL}, "value"),
                  State({"type": "page-param", "key": ALL, "default": ALL}, "id"), State(LOCATION_ID, "search"),
                  prevent_initial_call=True)
    def _page_param(values, ids, search):
        payloads.optional_text(search, "search", payloads.MAX_SEARCH)
        for item in payloads.text_list(ids, "ids"):
            if not (isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("key", "default"))):
                raise payloads.bad("page-param ids need a key and a default")
        if len(payloads.text_list(values, "values")) != len(ids):
            raise payloads.bad("one value per page-param id")
        for value in values:
            payloads.optional_values(value, "page-param value")
        new = page_param_search(search, [i["key"] for i in ids], values, [i["default"] for i in ids])
        return new if new != (search or "") else no_update

