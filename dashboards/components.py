"""Building blocks of the layout: header, navigation, filter bar, panel cards."""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlencode

from dash import dcc, html

from core.errors import SafetyopsError
from dashboards.filters import FILTER_DIMS, Filters, url_problems
from dashboards.panels.base import get_panel
from dashboards.state import current_state

# dash.page_container's Location: the pages router listens to it, so the filter bar writes to it.
LOCATION_ID = "_pages_location"
THEME_STORE = "theme-store"
REFRESH_TICK = "refresh-tick"

NAV = (
    ("/", "Overview"), ("/response", "Response & SLA"), ("/backlog", "Backlog"),
    ("/abuse", "Abuse trends"), ("/vendors", "Vendors"), ("/anomalies", "Anomalies"),
    ("/data-health", "Data health"), ("/tickets", "Tickets"),
)
DIM_LABELS = {"region": "Region", "vendor": "Vendor", "abuse_category": "Abuse category",
              "language": "Language", "priority": "Priority", "channel": "Channel"}
HIGH_PROFILE_OPTIONS = [{"label": "All reporters", "value": "all"},
                        {"label": "High-profile only", "value": "true"},
                        {"label": "Not high-profile", "value": "false"}]


def nav_link_id(path: str) -> dict:
    return {"type": "nav", "path": path}


def user_badge(user) -> html.Span:
    """Who is signed in, and the way out (a plain link: /logout is a Flask view, not a Dash page)."""
    if user is None:
        return html.Span()
    role = f"{user.role}: {user.vendor}" if user.vendor else user.role
    return html.Span([html.Span(f"{user.name} ({role})", id="signed-in-user", className="muted"), " ",
                      html.A("Sign out", href="/logout", id="sign-out", className="nav-link")], className="user")


def header(user=None) -> html.Header:
    return html.Header([
        html.Div([html.Span("safetyops", className="brand"),
                  html.Nav([dcc.Link(label, href=path, id=nav_link_id(path), className="nav-link")
                            for path, label in NAV], className="nav"), user_badge(user)], className="header-row"),
        html.Div([html.Div(id="data-banner", className="banner"),
                  html.Button("Dark theme", id="theme-toggle", n_clicks=0, className="btn small")],
                 className="header-row"),
    ], className="header")


def filter_bar() -> html.Div:
    dims = [html.Div([html.Label(DIM_LABELS[d], htmlFor=f"f-{d}"),
                      dcc.Dropdown(id=f"f-{d}", multi=True, options=[], value=[], placeholder="All")],
                     className="filter") for d in FILTER_DIMS]
    return html.Div([
        html.Div([html.Label("Dates"),
                  dcc.DatePickerRange(id="f-date", display_format="YYYY-MM-DD", first_day_of_week=1,
                                      clearable=True)], className="filter filter-dates"),
        *dims,
        html.Div([html.Label("High-profile", htmlFor="f-high_profile"),
                  dcc.Dropdown(id="f-high_profile", options=HIGH_PROFILE_OPTIONS, value="all",
                               clearable=False)], className="filter"),
        html.Div([html.Button("Reset filters", id="f-reset", n_clicks=0, className="btn")],
                 className="filter filter-reset"),
    ], className="filter-bar", id="filter-bar")


def search_from_query(query: Mapping[str, Any] | None) -> str:
    """Dash hands layout() the parsed query; turn it back into the canonical query string."""
    pairs: list[tuple[str, str]] = []
    for key, value in (query or {}).items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((key, str(v)) for v in values if v is not None)
    return "?" + urlencode(pairs) if pairs else ""


def panel_card(name: str, search: str, wide: bool = False) -> html.Div:
    panel = get_panel(name)
    store_type = "graph-query" if panel.kind == "graph" else "block-query"
    if panel.kind == "graph":
        body = dcc.Graph(id={"type": "graph", "name": name}, style={"height": f"{panel.height}px"},
                         config={"displaylogo": False, "responsive": True})
    else:
        body = html.Div(id={"type": "block", "name": name}, className="block-body")
    return html.Section([
        html.Div([
            html.H3(panel.title),
            html.Button("CSV", id={"type": "csv", "name": name}, n_clicks=0, className="btn small",
                        title="Download this panel's data as CSV"),
        ], className="card-head"),
        html.P(panel.note, className="card-note") if panel.note else None,
        dcc.Loading(body, type="dot", delay_show=300),
        dcc.Store(id={"type": store_type, "name": name}, data={"search": search}),
        dcc.Download(id={"type": "download", "name": name}),
    ], className="card wide" if wide else "card", id=f"card-{name}")


SHOWN_KNOWN_VALUES = 12


def unknown_filter_values(search: str | None) -> list[str]:
    """'region=XX is not in the data (regions: BR, DE, …)' for each URL value no ticket has."""
    filters = Filters.from_search(search)
    out = []
    for dim in FILTER_DIMS:
        chosen = getattr(filters, dim)
        # a vendor account's vendor list is its own vendor: another vendor is not "missing from the
        # data", it is refused, and the panels say so in the account's own words
        if not chosen or (dim == "vendor" and not _sees_every_vendor()):
            continue
        try:
            known = set(current_state().data.read("dimension_options", dim))
        except SafetyopsError:
            return []          # no warehouse yet: the panels say so
        for value in chosen:
            if value not in known:
                some = sorted(known)[:SHOWN_KNOWN_VALUES]
                more = ", …" if len(known) > SHOWN_KNOWN_VALUES else ""
                out.append(f"{dim}={value} is not in the data ({DIM_LABELS[dim].lower()} values: "
                           f"{', '.join(some) or 'none'}{more})")
    return out


def _sees_every_vendor() -> bool:
    try:
        return current_state().data.scope_of().is_full
    except SafetyopsError:
        return False


def url_notice(search: str | None, path: str = "") -> tuple[html.Div | None, bool]:
    """(one message about what the URL asks that cannot be shown, whether the panels can be drawn).
    An unknown filter value would fail every panel the same way: it is said once, here, and the
    panels are left out; a bad date falls back to the default window, and the page says so."""
    unknown = unknown_filter_values(search)
    problems = unknown + url_problems(search)
    if not problems:
        return None, True
    notice = html.Div([
        html.P("This link asks for something the data does not have:" if unknown else
               "Part of this link could not be used:"),
        html.Ul([html.Li(text) for text in problems]),
        dcc.Link("Clear the filters", href=path or "/", className="btn small") if unknown else None,
    ], className="url-notice", id="url-notice", role="alert")
    return notice, not unknown


def page(title: str, search: str, panels: list[str | tuple[str, bool]], intro: str = "",
         extra: list | None = None, path: str = "") -> html.Div:
    notice, drawable = url_notice(search, path)
    cards = []
    for item in panels if drawable else []:
        name, wide = (item, False) if isinstance(item, str) else item
        cards.append(panel_card(name, search, wide))
    return html.Div([
        html.H2(title),
        html.P(intro, className="page-intro") if intro else None,
        notice,
        *(extra or []),
        html.Div(cards, className="grid"),
    ], className="page")


def page_param_choice(key: str, label: str, options: list[tuple[str, str]], value: str | None) -> html.Div:
    """A page's own view switch (e.g. split by region/vendor/priority), kept in the URL as `key`."""
    values = [v for v, _ in options]
    # the default rides on the id so the URL can leave it out (and a fresh render changes nothing)
    return html.Div([
        html.Span(label, className="muted"),
        dcc.RadioItems(id={"type": "page-param", "key": key, "default": values[0]}, inline=True,
                       options=[{"label": text, "value": v} for v, text in options],
                       value=value if value in values else values[0], className="radio"),
    ], className="page-param")
