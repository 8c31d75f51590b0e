import dash

from dashboards.components import page, page_param_choice, search_from_query

dash.register_page(__name__, path="/anomalies", name="Anomalies", title="Anomalies · safetyops", order=5)

STATUS_OPTIONS = [("open", "Open (new + acknowledged)"), ("new", "New"), ("acknowledged", "Acknowledged"),
                  ("resolved", "Resolved"), ("false_positive", "False positive"),
                  ("withdrawn", "Withdrawn (no longer raised)"), ("all", "All, withdrawn too")]
SEVERITY_OPTIONS = [("all", "All"), ("critical", "Critical"), ("high", "High"), ("medium", "Medium"),
                    ("low", "Low")]


def layout(**query):
    controls = [page_param_choice("status", "Status", STATUS_OPTIONS, query.get("status")),
                page_param_choice("severity", "Severity", SEVERITY_OPTIONS, query.get("severity"))]
    return page("Anomalies", search_from_query(query), [("anomaly-counts", True), ("anomaly-list", True)],
                intro="Spikes the detector flagged per category and region; open one for its drill-down.",
                extra=controls, path="/anomalies")
