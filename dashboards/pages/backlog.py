import dash

from dashboards.components import page, search_from_query

dash.register_page(__name__, path="/backlog", name="Backlog", title="Backlog · safetyops", order=2)


def layout(**query):
    return page("Backlog", search_from_query(query), [("backlog-trend", True), "backlog-ageing", "backlog-flow"],
                intro="Is the backlog growing, and how old is it?", path="/backlog")
