"""Every page's panels; importing this package registers them all."""
from dashboards.panels import (  # noqa: F401
    abuse, anomalies, anomaly_detail, backlog, health, overview, response, tickets, vendors,
)
