import dash

from dashboards.components import page, search_from_query

dash.register_page(__name__, path="/vendors", name="Vendors", title="Vendors · safetyops", order=4)


def layout(**query):
    return page("Vendors", search_from_query(query),
                [("vendor-scorecard", True), "vendor-sla", "vendor-sla-weekly", "vendor-frt", "vendor-rates",
                 ("vendor-quality", True)],
                intro="Which vendor slipped? SLA, speed, quality and satisfaction side by side.", path="/vendors")
