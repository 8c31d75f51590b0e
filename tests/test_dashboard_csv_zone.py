"""A page's CSV download writes instants in the reporting zone with their offset, as the page
shows them: a ticket the Tickets grid lists at 2026-08-22 02:24 is not 05:24 in the file."""
from __future__ import annotations

import csv
import io

from core.config import load_config
from dashboards.app import create_app
from dashboards.callbacks.panels import panel_csv
from dashboards.panels.tickets import json_records
from dashboards.state import current_state
from tests.dashboard_fixtures import write_warehouse
from tests.ticket_factory import ticket


def test_the_tickets_csv_shows_the_grid_s_local_time_with_its_offset(tmp_path):
    cfg_file = tmp_path / "safetyops.toml"
    cfg_file.write_text('[warehouse]\npath = "w.duckdb"\n[reporting]\ntimezone = "America/Sao_Paulo"\n'
                        '[privacy]\nhash_key = "test-key"\n', encoding="utf-8")
    cfg = load_config(cfg_file)
    # 05:24 UTC on the 22nd is 02:24 on the 22nd in Sao Paulo (UTC-3)
    write_warehouse(cfg.db_path, [ticket("2026-08-22 05:24", first_response_at="2026-08-22 06:00")])
    app = create_app(cfg)
    with app.server.app_context():
        state = current_state()
        content = panel_csv(state, "tickets", "?from=2026-08-20&to=2026-08-23")["content"]
    (row,) = list(csv.DictReader(io.StringIO(content)))
    assert row["created_at"] == "2026-08-22 02:24:00-03:00"
    assert row["first_response_at"] == "2026-08-22 03:00:00-03:00"


def test_json_records_and_the_csv_agree_on_the_local_minute():
    import pandas as pd
    from dashboards.csv_export import in_zone
    df = pd.DataFrame({"created_at": pd.to_datetime(["2026-08-22 05:24:00+00:00"], utc=True)})
    grid = json_records(df, "America/Sao_Paulo")[0]["created_at"]
    csv_value = str(in_zone(df, "America/Sao_Paulo")["created_at"][0])
    assert csv_value.startswith(grid) and grid == "2026-08-22 02:24"
