"""Triage buttons and the annotation form on an anomaly's page (writes go to the SQLite store).

Who may write: triage needs the lead or analyst role, an annotation that suppresses alerts (a
holiday, or any kind with action suppress) needs lead; "who" is the signed-in user, never a
form field. Every write and every refused write goes to the audit log. The alert must be one the
user can see (an unknown id, or another vendor's alert, is refused), and the payload is checked
before anything runs (dashboards/callbacks/payloads.py).
"""
from __future__ import annotations

from dash import Input, Output, State, callback_context, html

from anomaly.calendar import DEFAULT_ACTION
from dashboards import anomaly_data as ad
from dashboards.auth import audit
from dashboards.auth.context import current_user, remote_address
from dashboards.auth.roles import User
from dashboards.auth.store import users_path
from dashboards.callbacks import payloads
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
                   start: str | None, who: str | None = None) -> str:
    if not n_clicks:
        return ""
    if not (label or "").strip():
        return "A label is needed."
    if not start:
        return "Pick the date it started."
    try:
        saved = ad.add_annotation(config, start, None, label.strip(), kind or "incident", None, None, who)
    except InputError as exc:
        return str(exc)
    return f"Added '{saved['label']}' ({saved['kind']}) from {saved['start_at'][:10]}."


def visible_alert(state: AppState, anomaly_id: str | None) -> bool:
    """The alert exists in the warehouse and lies in the user's scope."""
    try:
        return bool(anomaly_id) and state.data.read("anomaly_detail", anomaly_id) is not None
    except InputError:
        return False


def refuse(state: AppState, user: User | None, what: str, target: str | None, reason: str) -> str:
    audit.record(users_path(state.config), "write_refused", user.name if user else None, target,
                 {"what": what, "reason": reason}, remote_address())
    return reason


def guarded_triage(state: AppState, user: User | None, anomaly_id: str | None, trigger: str | None,
                   note: str | None) -> tuple[list, list]:
    """triage_action for the signed-in user: role, visibility and audit around the write."""
    if not visible_alert(state, anomaly_id):
        return [html.Span("No such anomaly", className="refresh-failed")], []
    if trigger in BUTTONS and (user is None or not user.may_triage):
        reason = refuse(state, user, "triage", anomaly_id, "Your role cannot change triage.")
        view, history = triage_action(state, anomaly_id, None, None, None)
        return view + [html.P(reason, className="refresh-failed")], history
    view, history = triage_action(state, anomaly_id, trigger, note, user.name if user else None)
    if trigger in BUTTONS:
        audit.record(users_path(state.config), "triage", user.name, anomaly_id,
                     {"status": ad.TRIAGE_ACTIONS[BUTTONS[trigger]], "note_chars": len(note or "")},
                     remote_address())
    return view, history


def guarded_annotation(state: AppState, user: User | None, n_clicks: int | None, label: str | None,
                       kind: str | None, start: str | None) -> str:
    if not n_clicks:
        return ""
    if user is None or not user.may_triage:
        return refuse(state, user, "annotation", label, "Your role cannot add annotations.")
    if DEFAULT_ACTION.get(kind or "incident") == "suppress" and not user.may_suppress:
        return refuse(state, user, "annotation", label,
                      f"Only a lead can add a {kind} annotation: it withdraws alerts in its span.")
    message = add_annotation(state.config, n_clicks, label, kind, start, user.name)
    if message.startswith("Added"):
        audit.record(users_path(state.config), "annotation", user.name, label,
                     {"kind": kind, "start": start}, remote_address())
    return message


def register(app) -> None:
    @app.callback(Output("triage-status", "children"), Output("triage-history", "children"),
                  Input("anomaly-id", "data"), Input("triage-ack", "n_clicks"),
                  Input("triage-resolve", "n_clicks"), Input("triage-fp", "n_clicks"),
                  State("triage-note", "value"))
    def _triage(anomaly_id, _a, _r, _f, note):
        payloads.optional_text(anomaly_id, "anomaly id", payloads.MAX_ID)
        payloads.optional_text(note, "note", payloads.MAX_NOTE)
        trigger = callback_context.triggered_id
        return guarded_triage(current_state(), current_user(), anomaly_id,
                              trigger if trigger in BUTTONS else None, note)

    @app.callback(Output("annotation-result", "children"), Input("annotation-add", "n_clicks"),
                  State("annotation-label", "value"), State("annotation-kind", "value"),
                  State("annotation-start", "date"), prevent_initial_call=True)
    def _annotate(n_clicks, label, kind, start):
        payloads.optional_int(n_clicks, "n_clicks")
        payloads.optional_text(label, "label", payloads.MAX_LABEL)
        payloads.optional_choice(kind, "kind", ad.ANNOTATION_KINDS)
        payloads.optional_text(start, "start", payloads.MAX_DATE)
        return guarded_annotation(current_state(), current_user(), n_clicks, label, kind, start)
