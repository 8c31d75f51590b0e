"""Draw every page's default view once per new warehouse version, in the background.

The ops lead's morning check opens the pages with no filters; after the refresh swaps in new
data, the first one to look would otherwise pay for every cold query. One worker process (a file
lock beside the cache) redraws the default views as soon as any request notices the new version.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

import flask
from filelock import FileLock, Timeout

from dashboards.callbacks.panels import cached_block, cached_graph
from dashboards.panels.base import PANELS
from dashboards.state import AppState
from core.errors import SafetyopsError

log = logging.getLogger(__name__)
_started: set[str] = set()
_guard = threading.Lock()
# Panels that need a page parameter (one anomaly) or are not drawn by the panel callbacks.
SKIP = ("anomaly-series", "anomaly-explanation", "anomaly-contributors", "anomaly-tickets", "tickets")


def finish_setup(app) -> None:
    """Run Dash's first-request set-up now, in one thread, before the server takes requests.

    Dash completes its set-up (component scripts, page routes, callbacks) in a before_request
    hook that marks itself done *before* it has finished: concurrent first requests on a fresh
    worker then ask for scripts not registered yet (DependencyException, or "dictionary changed
    size during iteration" while the error is formatted) and the page stays blank. One request
    through the test client runs every such hook to completion; it touches no warehouse. The
    favicon is Dash's own route and needs no session, so the sign-in guard lets it through."""
    response = app.server.test_client().get("/_favicon.ico")
    if response.status_code != 200:
        raise RuntimeError(f"dashboard set-up failed: /_favicon.ico answered {response.status_code}")


def default_view_panels() -> list[str]:
    return [name for name, p in PANELS.items() if name not in SKIP and p.cacheable]


def warm_default_views(state: AppState, theme: str = "light") -> int:
    """Draw each default-view panel (filling the shared cache); returns how many were drawn."""
    drawn = 0
    for name in default_view_panels():
        draw = cached_graph if PANELS[name].kind == "graph" else cached_block
        try:
            draw(state, name, {"search": ""}, theme)
            drawn += 1
        except SafetyopsError as exc:       # a broken panel must not stop the others
            log.warning("warm-up of %s failed: %s", name, exc)
    return drawn


def maybe_warm(state: AppState) -> bool:
    """Start a background warm-up if this warehouse version has not been warmed; True if started."""
    if not state.config.serve_warm_cache or state.data.cache is None:
        return False
    version = state.data.version_key()
    with _guard:
        if version == "missing" or (str(state.config.db_path), version) in _started:
            return False
        _started.add((str(state.config.db_path), version))
    app = flask.current_app._get_current_object()
    threading.Thread(target=_run, args=(app, state, version), daemon=True, name="safetyops-warmup").start()
    return True


def warmup_folder(config) -> Path:
    """Where the warm-up's lock and marker live: beside the cache folder, never in it. The file
    cache reads every file in its folder as an entry when it prunes (past 5,000 entries); a lock or
    a marker there logged a struct.error traceback at every prune, and could be pruned itself."""
    cache = Path(config.dashboard_cache_dir)
    return cache.with_name(cache.name + ".warmup")


def _run(app: flask.Flask, state: AppState, version: str) -> None:
    folder = warmup_folder(state.config)
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "warmed-version"
    try:
        with FileLock(str(folder / "warm.lock"), timeout=0):
            if marker.exists() and marker.read_text(encoding="utf-8") == version:
                return      # another worker already did it
            with app.app_context():
                warm_default_views(state)
            marker.write_text(version, encoding="utf-8")
    except Timeout:
        return              # another worker is warming right now
