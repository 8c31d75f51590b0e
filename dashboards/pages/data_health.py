import dash

from dashboards.components import page, search_from_query

dash.register_page(__name__, path="/data-health", name="Data health", title="Data health · safetyops", order=6)


def layout(**query):
    return page("Data health", search_from_query(query),
                [("health-freshness", True), "health-rejections", "health-rejected-rows", "health-load-notes",
                 ("health-runs", True)],
                intro="Is the data complete and current? Loads, rejections and freshness per source.", path="/data-health")
