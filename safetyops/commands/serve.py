"""`safetyops serve`: the dashboard under gunicorn (several worker processes, threads in each)."""
from __future__ import annotations

import click
from gunicorn.app.base import BaseApplication

from core.config import Config
from safetyops.context import db_option, pass_app

THREADS_PER_WORKER = 4


class DashboardServer(BaseApplication):
    """Gunicorn without a config file: each worker builds its own app (own read-only connection)."""

    def __init__(self, config: Config, options: dict):
        self.config = config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from dashboards.app import create_app
        return create_app(self.config).server


def gunicorn_options(host: str, port: int, workers: int, access_log: bool) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "safetyops-serve",
    }


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: [serve] workers in the config, 2).")
@click.option("--access-log", is_flag=True, help="Log every request to stdout.")
@db_option
@pass_app
def command(app, host: str, port: int, workers: int | None, access_log: bool) -> None:
    """Serve the dashboard (production WSGI server) on the configured warehouse."""
    config = app.config
    n = workers or config.serve_workers
    if not app.quiet:
        click.echo(f"safetyops dashboard on http://{host}:{port}/ ({n} workers, warehouse {config.db_path})")
    DashboardServer(config, gunicorn_options(host, port, n, access_log)).run()
