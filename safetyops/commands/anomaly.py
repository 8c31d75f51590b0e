"""`safetyops anomaly detect-csv` and `safetyops anomaly evaluate`."""
from __future__ import annotations

from pathlib import Path

import click

from safetyops.context import db_option, pass_app


@click.group("anomaly")
def command() -> None:
    """Run the spike detector on any CSV series, or score it on labelled data."""


@command.command("detect-csv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--time-col", default=None, help="Timestamp column (default: 'timestamp' in any case, else the one "
                                                "of time, _time, date, datetime, ds, else the first column of a "
                                                "two-column file).")
@click.option("--value-col", default=None, help="Value column (default: 'value' in any case, else the one of _value, "
                                                 "count, y, else the second column of a two-column file).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--kind", type=click.Choice(["auto", "count", "level"]), default="auto", show_default=True,
              help="count: NB band, spikes up; level: robust band, both directions; auto: count when "
                   "every value is a non-negative integer.")
@click.option("--delimiter", type=click.Choice(["auto", "comma", "semicolon", "tab"]), default="auto",
              show_default=True, help="Field separator of FILE (auto: from the header line).")
@click.option("--dayfirst", is_flag=True,
              help="Read 01/03/2026 as 1 March, not January 3 (a file with 13/01/2026 is read day-first anyway).")
@click.option("--sheet", metavar="NAME", help="Workbook sheet to read (.xlsx/.xls/.ods); the visible one with the most rows when not given.")
@click.option("--each-column", is_flag=True,
              help="Every column but the timestamp is a series of its own (a wide file: counts per category, "
                   "Grafana's series joined by time); the output gains a `series` column first.")
@db_option
@pass_app
def detect_csv_command(app, file: Path, time_col: str, value_col: str, fmt: str, kind: str, delimiter: str,
                       dayfirst: bool, sheet: str | None, each_column: bool) -> None:
    """Print every timestamp of FILE with expected, lower, upper, score (0-1), is_anomaly, alert_id
    and severity (alert_id and severity on every row of an alert, empty elsewhere).

    The step (5 minutes to a quarter) is inferred from the timestamps: missing ones stay missing,
    duplicates are combined (sum for counts, mean for levels), DST jumps and jitter are snapped to
    the step; finer data (1-minute) is aggregated to 5 minutes, irregular timestamps grouped into
    steps; the encoding, comment lines and a unit on every value are handled; notes about that go
    to stderr. Settings come from [detection].
    """
    from anomaly.csv_columns import detect_each_column
    from anomaly.csv_series import DELIMITERS, detect_csv, render
    from anomaly.series_text import read_table
    from anomaly.settings import settings_from_config
    options = dict(settings=settings_from_config(app.config), kind=None if kind == "auto" else kind,
                   delimiter=DELIMITERS[delimiter], dayfirst=dayfirst)
    if each_column and value_col:
        raise click.UsageError("--each-column judges every column; --value-col names one: give one of them")
    if sheet is not None:
        options["table"] = read_table(file, DELIMITERS[delimiter], sheet)
    result = (detect_each_column(file, time_col, **options) if each_column
              else detect_csv(file, time_col, value_col, **options))
    for note in result.notes:
        click.echo(f"note: {file}: {note}", err=True)
    click.echo(render(result.frame, fmt), nl=False)


@command.command("evaluate")
@click.option("--nab", "nab_dir", type=click.Path(path_type=Path), default=None,
              help="NAB realTweets folder (data/, labels/, reference_results/).")
@click.option("--sample", "sample_dir", type=click.Path(path_type=Path), default=None,
              help="Sample export folder with ground_truth.json (from `safetyops sample`).")
@click.option("--spike-series", "spike_series", type=click.IntRange(min=1, max=10_000), default=None, metavar="N",
              help="Generate N labelled daily spike series, run detect-csv on each, compare with the oracle.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the generated spike series.")
@click.option("--spike-sizes", "rise_dist", type=click.Choice(["uniform", "log-uniform"]), default="uniform",
              show_default=True, help="How the generated spikes' rises (+40% .. +400%) are spread.")
@click.option("--write-series", "write_dir", type=click.Path(path_type=Path), default=None,
              help="Also write the generated series (one CSV each) and labels.json to this folder.")
@db_option
@pass_app
def evaluate_command(app, nab_dir: Path | None, sample_dir: Path | None, spike_series: int | None,
                     seed: int, rise_dist: str, write_dir: Path | None) -> None:
    """Score the detector with its default settings (no tuning) and print the figures."""
    from safetyops.evaluate import default_nab_dir, format_nab, format_sample, evaluate_sample
    from anomaly.evaluate_nab import evaluate_nab
    if spike_series is not None:
        from anomaly.evaluate_spikes import evaluate_spike_series, format_spike_report
        from anomaly.settings import settings_from_config
        if write_dir is not None:
            from sample_data.spike_series import generate, write_all
            write_all(write_dir, generate(spike_series, seed, rise_dist=rise_dist))
        click.echo(format_spike_report(evaluate_spike_series(spike_series, seed, settings_from_config(app.config),
                                                             rise_dist)))
        if nab_dir is None and sample_dir is None:
            return
    if nab_dir is None and sample_dir is None:
        nab_dir = default_nab_dir()
        if nab_dir is None:
            raise click.UsageError("give --nab DIR and/or --sample DIR")
    if nab_dir is not None:
        click.echo(format_nab(evaluate_nab(nab_dir)))
    if sample_dir is not None:
        click.echo(format_sample(evaluate_sample(sample_dir, app.config)))
