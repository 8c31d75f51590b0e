import dash
import dash_ag_grid as dag
from dash import dcc, html

from dashboards.components import search_from_query, url_notice
from dashboards.filters import FILTER_DIMS
from dashboards.formatting import zone_label
from dashboards.panels.tickets import COLUMNS, TIME_COLUMNS
from dashboards.state import current_state

dash.register_page(__name__, path="/tickets", name="Tickets", title="Tickets · safetyops", order=90)


def _column(col: str, zone: str) -> dict:
    header = col.replace("_", " ") + (f" ({zone_label(zone)})" if col in TIME_COLUMNS else "")
    spec = {"field": col, "headerName": header, "sortable": True}
    if col in FILTER_DIMS:
        spec.update(filter="agTextColumnFilter",
                    filterParams={"filterOptions": ["equals"], "maxNumConditions": 1, "buttons": ["reset"]})
    return spec


def layout(**query):
    search = search_from_query(query)
    zone = current_state().config.reporting_timezone
    notice, _drawable = url_notice(search, "/tickets")     # the count line names an unknown value itself
    return html.Div([
        html.H2("Tickets"),
        notice,
        html.Div([
            html.Div(id="tickets-count", className="page-intro"),
            dcc.Link("Show all tickets (clear filters)", href="/tickets", id="tickets-show-all",
                     className="btn"),
            html.Button("CSV", id={"type": "csv", "name": "tickets"}, n_clicks=0, className="btn small",
                        title="Download the matching tickets (first 50,000) as CSV"),
        ], className="card-head"),
        dag.AgGrid(
            id="tickets-grid", rowModelType="infinite", columnDefs=[_column(c, zone) for c in COLUMNS],
            defaultColDef={"resizable": True, "minWidth": 90},
            dashGridOptions={"cacheBlockSize": 100, "maxBlocksInCache": 20, "rowBuffer": 0,
                             "infiniteInitialRowCount": 1},
            style={"height": "620px"}, className="ag-theme-quartz",
        ),
        dcc.Store(id="tickets-query", data={"search": search}),
        dcc.Download(id={"type": "download", "name": "tickets"}),
    ], className="page")
