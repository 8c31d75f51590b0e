"""Triage buttons and the annotation form on an anomaly's page (writes go to the SQLite store)."""
from __future__ import annotations

from dash import Input, Output, State, callback_context, html

from dashboards import anomaly_data as ad
from dashboards.state import AppState, current_state
from core.config import Config
from core.errors import InputError

BUTTONS = {"triage-ack": "ack", "triage-resolve": "resolve", "triage-fp": "false_positive"}
STATUS_TEXT = {"new": "New — nobody has looked at it yet", "acknowledged": "Acknowledged",
               "resolved": "Resolved", "false_positive": "Marked false positive"}


def status_view(state: dict) -> list:
    parts = [html.Span(STATUS_TEXT.get(state["status"], state["status"]),
                       className=f"triage-badge triage-{state['status']}", id="triage-status-text")]
    if state.get("updated_at"):
        who = f" by {state['who']}" if state.get("who") else ""
        parts.append(html.Span(f" · {state['updated_at']}{who}", className="muted"))
    if state.get("note"):
        parts.append(html.P(state["note"], className="triage-note-text"))   # text child: never HTML
    return parts


def history_view(history: list[dict]) -> list:
    if not history:
        return []
    return [html.Div("History"), html.Ul([
        html.Li(f"{h.get('changed_at')}: {h.get('status')}" + (f" by {h['who']}" if h.get("who") else "")
                + (f" — {h['note']}" if h.get("note") else "")) for h in history[-10:]])]


def triage_action(state: AppState, anomaly_id: str | None, trigger: str | None, note: str | None,
                  who: str | None) -> tuple[list, list]:
    """Apply a button press (if any) and return (status view, history view)."""
    if not anomaly_id:
        return [html.Span("No anomaly selected")], []
    config = state.config
    error = None
    if trigger in BUTTONS:
        try:
            with state.data.connections.cursor() as con:
                ad.set_triage(con, config, anomaly_id, BUTTONS[trigger], (note or "").strip() or None,
                              (who or "").strip() or None)
        except InputError as exc:
            error = str(exc)
    view = status_view(ad.triage_state(config, anomaly_id))
    if error:
        view.append(html.P(error, className="refresh-failed"))
    return view, history_view(ad.triage_history(config, anomaly_id))


def add_annotation(config: Config, n_clicks: int | None, label: str | None, kind: str | None,
                   start: str | None) -> str:
    if not n_clicks:
        return ""
    if not (label or "").strip():
        return "A label is needed."
    if not start:
        return "Pick the date it started."
    try:
        saved = ad.add_annotation(config, start, None, label.strip(), kind or "incident", None, None, None)
    except InputError as exc:
        return str(exc)
    return f"Added '{saved['label']}' ({saved['kind']}) from {saved['start_at'][:10]}."


def register(app) -> None:
    @app.callback(Output("triage-status", "children"), Output("triage-history", "children"),
                  Input("anomaly-id", "data"), Input("triage-ack", "n_clicks"),
                  Input("triage-resolve", "n_clicks"), Input("triage-fp", "n_clicks"),
                  State("triage-note", "value"), State("triage-who", "value"))
    def _triage(anomaly_id, _a, _r, _f, note, who):
        trigger = callback_context.triggered_id
        return triage_action(current_state(), anomaly_id, trigger if trigger in BUTTONS else None,
                             note, who)

    @app.callback(Output("annotation-result", "children"), Input("annotation-add", "n_clicks"),
                  State("annotation-label", "value"), State("annotation-kind", "value"),
                  State("annotation-start", "date"), prevent_initial_call=True)
    def _annotate(n_clicks, label, kind, start):
        return add_annotation(current_state().config, n_clicks, label, kind, start)
