"""Every page's panels; importing this package registers them all."""
from dashboards.panels import abuse, backlog, health, overview, response, tickets, vendors  # noqa: F401
