"""`safetyops detect`: scan every series, write the anomalies table, print new/updated counts."""
from __future__ import annotations

import click

from safetyops.context import db_option, pass_app
from safetyops.progress import working


@click.command("detect")
@click.option("--timeout", type=float, default=-1, help="Seconds to wait for the writer lock (-1 = forever).")
@db_option
@pass_app
def command(app, timeout: float) -> None:
    """Scan all series (counts, shares, frt_p90, category mix) and store alerts."""
    from anomaly.warehouse_detection import mark_reported, run_detection
    from core.warehouse import WarehouseMissing, writing
    config = app.config
    if not config.db_path.exists():
        raise WarehouseMissing(f"{config.db_path}: no warehouse yet; run `safetyops ingest` first")
    with writing(config.db_path, timeout=timeout) as con, working("scanning series", not app.quiet):
        summary = run_detection(con, config)
    # Only now is the new warehouse live: alerts marked before the swap were lost if it failed.
    mark_reported(config, summary.new_ids, summary.continued)
    changes = [f"{len(ids)} {what}" for ids, what in ((summary.withdrawn_ids, "withdrawn (no longer raised)"),
                                                      (summary.restored_ids, "raised again after withdrawal"))
               if ids]
    click.echo(f"{summary.n_new} new, {summary.n_updated} updated, {summary.n_total} alerts in total "
               f"over {summary.n_series} series" + "".join(f"; {c}" for c in changes))
    for a in summary.new_high_or_critical:
        click.echo(f"  [{a['severity']}] {a['anomaly_id']} {a['explanation']}")
