import dash

from dashboards.components import page, page_param_choice, search_from_query

dash.register_page(__name__, path="/response", name="Response & SLA", title="Response & SLA · safetyops", order=1)


def layout(**query):
    by = page_param_choice("by", "Split by", [("region", "Region"), ("vendor", "Vendor"),
                                              ("priority", "Priority")], query.get("by"))
    return page("Response & SLA", search_from_query(query),
                ["sla-frt", "sla-ttr", "sla-attainment", "sla-attainment-by", ("sla-breach-risk", True)],
                intro="How fast we answer and resolve, and whether we meet first-response targets.",
                extra=[by], path="/response")
