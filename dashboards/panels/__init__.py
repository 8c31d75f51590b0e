"""Every page's panels; importing this package registers them all."""
from dashboards.panels import overview, tickets  # noqa: F401
