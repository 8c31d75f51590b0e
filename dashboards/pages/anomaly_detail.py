import dash
from dash import dcc, html

from dashboards.anomaly_data import ANNOTATION_KINDS
from dashboards.components import panel_card, search_from_query
from dashboards.filters import Filters
from dashboards.state import current_state
from core.warehouse import WarehouseMissing

dash.register_page(__name__, path_template="/anomalies/<anomaly_id>", name="Anomaly",
                   title="Anomaly · safetyops", order=99)


def triage_card() -> html.Section:
    return html.Section([
        html.Div(html.H3("Triage"), className="card-head"),
        html.Div(id="triage-status", className="triage-status"),
        html.Div([
            dcc.Textarea(id="triage-note", placeholder="Note (optional): what you checked, who was told…",
                         maxLength=2000),
            html.Div([
                html.Button("Acknowledge", id="triage-ack", n_clicks=0, className="btn primary"),
                html.Button("Resolve", id="triage-resolve", n_clicks=0, className="btn"),
                html.Button("False positive", id="triage-fp", n_clicks=0, className="btn danger"),
            ], className="triage-buttons"),
        ], className="triage"),
        html.Div(id="triage-history", className="muted"),
    ], className="card", id="card-triage")


def annotation_card() -> html.Section:
    return html.Section([
        html.Div(html.H3("Add an annotation"), className="card-head"),
        html.P("Incidents, policy launches and vendor changes appear on every trend chart and feed the "
               "detector's calendar.", className="card-note"),
        html.Div([
            dcc.Input(id="annotation-label", placeholder="Label, e.g. 'Vendor X onboarding'", maxLength=120),
            dcc.Dropdown(id="annotation-kind", options=[{"label": k.replace("_", " "), "value": k}
                                                        for k in ANNOTATION_KINDS],
                         value="incident", clearable=False),
            dcc.DatePickerSingle(id="annotation-start", display_format="YYYY-MM-DD"),
            html.Button("Add annotation", id="annotation-add", n_clicks=0, className="btn"),
        ], className="triage"),
        html.Div(id="annotation-result", className="muted"),
    ], className="card", id="card-annotation")


def is_stored(anomaly_id) -> bool:
    """Does the warehouse hold this alert, in the viewer's scope? Only then are triage buttons offered."""
    try:
        return bool(anomaly_id) and current_state().data.read("anomaly_detail", str(anomaly_id)) is not None
    except WarehouseMissing:
        return False


def layout(anomaly_id=None, **query):
    search = search_from_query(query)
    panel_search = search_from_query({**query, "anomaly": anomaly_id or ""})
    back = "/anomalies" + Filters.from_mapping(query).to_search()
    # no id at all is Dash building its validation layout: that one must hold every component
    if anomaly_id is not None and not is_stored(anomaly_id):
        return html.Div([
            dcc.Link("← all anomalies", href=back, className="back-link"),
            html.H2(["Anomaly ", html.Code(str(anomaly_id or ""))]),
            html.P("No alert with this id in the warehouse: the link may be mistyped, or the warehouse was "
                   "rebuilt without it.", className="empty", id="anomaly-unknown"),
        ], className="page")
    return html.Div([
        dcc.Link("← all anomalies", href=back, className="back-link"),
        html.H2(["Anomaly ", html.Code(str(anomaly_id or ""))]),
        dcc.Store(id="anomaly-id", data=anomaly_id),
        html.Div([
            panel_card("anomaly-explanation", panel_search, wide=True),
            panel_card("anomaly-series", panel_search, wide=True),
            triage_card(),
            panel_card("anomaly-contributors", panel_search),
            annotation_card(),
            panel_card("anomaly-tickets", panel_search),
        ], className="grid"),
        dcc.Store(id="anomaly-search", data=search),
    ], className="page")
