import dash

from dashboards.components import page, search_from_query

dash.register_page(__name__, path="/", name="Overview", title="Overview · safetyops", order=0)


def layout(**query):
    return page("Overview", search_from_query(query),
                [("overview-kpis", True), ("overview-inflow", True), "overview-sla", "anomaly-counts"],
                intro="Did we meet SLA, is the backlog growing, is anything spiking?", path="/")
