"""Replays the dashboard's callback requests over HTTP, as the browser sends them.

Used by bench_dashboard.py. It reads /_dash-dependencies, asks the pages router for a page's
layout, finds the panels in it and posts each panel's callback, like dash-renderer does on load.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import requests

THEME = "light"
# The account the benchmarks sign in with (bench_dashboard.start_server creates it beside the warehouse).
BENCH_USER = "bench"
BENCH_PASSWORD = "bench-only-password-not-a-secret"


def sign_in(session: requests.Session, base: str, timeout: float = 60) -> None:
    """A real sign-in: the session cookie, and the CSRF header Dash sends from its cookie."""
    resp = session.post(base + "/login", data={"name": BENCH_USER, "password": BENCH_PASSWORD},
                        allow_redirects=False, timeout=timeout)
    if resp.status_code != 302:
        raise SystemExit(f"sign-in as {BENCH_USER} failed ({resp.status_code}): is the user in the store?")
    session.headers["X-CSRFToken"] = session.cookies["_csrf_token"]


def _split_outputs(output: str) -> list[dict]:
    """Dash's output key '..a.children...b.data..' (or 'a.children') -> [{'id','property'}, ...]."""
    text = output[2:-2] if output.startswith("..") else output
    parts = text.split("...") if output.startswith("..") else [text]
    out = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        out.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop})
    return out


def walk(node, found: list) -> None:
    """Collect components (type, namespace, props) from a layout JSON tree."""
    if isinstance(node, list):
        for child in node:
            walk(child, found)
    elif isinstance(node, dict) and "props" in node and "type" in node:
        found.append(node)
        for value in node["props"].values():
            walk(value, found)


@dataclass
class Timing:
    label: str
    seconds: float
    ok: bool
    cold: bool


@dataclass
class Replayer:
    base: str
    session: requests.Session = field(default_factory=requests.Session)
    timings: list[Timing] = field(default_factory=list)
    seen: set = field(default_factory=set)
    timeout: float = 60

    def __post_init__(self):
        sign_in(self.session, self.base, self.timeout)
        deps = self.session.get(self.base + "/_dash-dependencies", timeout=self.timeout).json()
        self.deps = {d["output"]: d for d in deps}
        self.router = self._dep(lambda o: "_pages_content.children" in o)
        self.sync = self._dep(lambda o: "f-date.start_date" in o)
        self.graph = self._dep(lambda o: '"type":"graph"' in o and o.endswith(".figure"))
        self.block = self._dep(lambda o: '"type":"block"' in o and o.endswith(".children"))
        self.rows = self._dep(lambda o: o == "tickets-grid.getRowsResponse")
        self.count = self._dep(lambda o: o == "tickets-count.children")

    def _dep(self, match) -> dict:
        (dep,) = [d for o, d in self.deps.items() if match(o)]
        return dep

    def post(self, label: str, dep: dict, inputs: list, state: list, changed: list[str]):
        body = {"output": dep["output"], "outputs": _split_outputs(dep["output"]),
                "inputs": inputs, "state": state, "changedPropIds": changed}
        if len(body["outputs"]) == 1:
            body["outputs"] = body["outputs"][0]
        key = json.dumps(body, sort_keys=True)
        t0 = time.perf_counter()
        try:
            resp = self.session.post(self.base + "/_dash-update-component", json=body, timeout=self.timeout)
            ok = resp.status_code in (200, 204)
            data = resp.json() if resp.status_code == 200 else None
        except (requests.RequestException, ValueError):
            ok, data = False, None
        self.timings.append(Timing(label, time.perf_counter() - t0, ok, key not in self.seen))
        self.seen.add(key)
        return data

    # ---- what the browser does --------------------------------------------------------------
    def filter_bar(self, path: str, search: str, changed: str = "_pages_location.search",
                   region: list | None = None, dates: tuple = (None, None)) -> dict:
        """The URL<->filter-bar callback; returns its response (new search, controls, options)."""
        values = {"_pages_location.search": search, "f-date.start_date": dates[0], "f-date.end_date": dates[1],
                  "f-region.value": region or [], "f-high_profile.value": "all", "f-reset.n_clicks": 0}
        inputs = [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}", [])}
                  for i in self.sync["inputs"]]
        label = "filter-bar:load" if changed == "_pages_location.search" else "filter-bar:change"
        return self.post(label, self.sync, inputs, [], [changed]) or {}

    def page(self, path: str, search: str) -> None:
        """Router, then every panel of the page (and the ticket grid's first block)."""
        page_label = path.split("/")[1] if path.count("/") > 1 else path
        data = self.post(f"router:{page_label}", self.router,
                         [{"id": "_pages_location", "property": "pathname", "value": path},
                          {"id": "_pages_location", "property": "search", "value": search}],
                         [], ["_pages_location.pathname"])
        if not data:
            return
        found: list = []
        walk(data["response"]["_pages_content"]["children"], found)
        for comp in found:
            ident = comp["props"].get("id")
            if isinstance(ident, dict) and ident.get("type") in ("graph-query", "block-query"):
                dep = self.graph if ident["type"] == "graph-query" else self.block
                self.post(f"{ident['type'].split('-')[0]}:{ident['name']}", dep,
                          [{"id": ident, "property": "data", "value": comp["props"]["data"]},
                           {"id": "theme-store", "property": "data", "value": THEME}],
                          [{"id": ident, "property": "id", "value": ident}], [])
            elif ident == "tickets-query":
                store = comp["props"]["data"]
                self.post("tickets:count", self.count,
                          [{"id": "tickets-query", "property": "data", "value": store}], [], [])
                self.post("tickets:rows", self.rows,
                          [{"id": "tickets-grid", "property": "getRowsRequest",
                            "value": {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}}],
                          [{"id": "tickets-query", "property": "data", "value": store}],
                          ["tickets-grid.getRowsRequest"])

    def load(self, path: str, search: str) -> dict:
        bar = self.filter_bar(path, search)
        self.page(path, search)
        return bar

    def change_region(self, path: str, search: str, region: str, dates: tuple) -> str:
        bar = self.filter_bar(path, search, "f-region.value", [region], dates)
        new_search = (bar.get("response", {}).get("_pages_location", {}) or {}).get("search", search)
        self.page(path, new_search)
        return new_search
