import dash

from dashboards.components import page, search_from_query

dash.register_page(__name__, path="/abuse", name="Abuse trends", title="Abuse trends · safetyops", order=3)


def layout(**query):
    return page("Abuse trends", search_from_query(query),
                ["abuse-heatmap", "abuse-movers", ("abuse-stacked", True), "abuse-share",
                 ("abuse-multiples", True)],
                intro="Which kinds of abuse are reported where, and what is moving.", path="/abuse")
