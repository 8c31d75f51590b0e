"""`python app.py`: the safetyops dashboard at http://127.0.0.1:8050 on the configured warehouse.

The warehouse comes from the config (SAFETYOPS_CONFIG or ./safetyops.toml) and SAFETYOPS_DB.
For production use `safetyops serve` (gunicorn, several workers).
"""
from __future__ import annotations

from dashboards.app import create_app
from core.config import load_config

app = create_app(load_config())
server = app.server   # WSGI entry point, e.g. `gunicorn app:server`

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8050, debug=False)
