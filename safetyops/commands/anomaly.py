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
@click.option("--time-col", default="timestamp", show_default=True, help="Timestamp column.")
@click.option("--value-col", default="value", show_default=True, help="Value column.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@db_option
@pass_app
def detect_csv_command(app, file: Path, time_col: str, value_col: str, fmt: str) -> None:
    """Print every row of FILE with expected, lower, upper, score (0-1) and is_anomaly.

    The step (5 minutes to 1 day) is inferred from the timestamps; settings come from [detection].
    """
    from anomaly.csv_series import detect_csv, render
    from anomaly.settings import settings_from_config
    frame = detect_csv(file, time_col, value_col, settings_from_config(app.config))
    click.echo(render(frame, fmt), nl=False)


@command.command("evaluate")
@click.option("--nab", "nab_dir", type=click.Path(path_type=Path), default=None,
              help="NAB realTweets folder (data/, labels/, reference_results/).")
@click.option("--sample", "sample_dir", type=click.Path(path_type=Path), default=None,
              help="Sample export folder with ground_truth.json (from `safetyops sample`).")
@db_option
@pass_app
def evaluate_command(app, nab_dir: Path | None, sample_dir: Path | None) -> None:
    """Score the detector with its default settings (no tuning) and print the figures."""
    from safetyops.evaluate import default_nab_dir, format_nab, format_sample, evaluate_sample
    from anomaly.evaluate_nab import evaluate_nab
    if nab_dir is None and sample_dir is None:
        nab_dir = default_nab_dir()
        if nab_dir is None:
            raise click.UsageError("give --nab DIR and/or --sample DIR")
    if nab_dir is not None:
        click.echo(format_nab(evaluate_nab(nab_dir)))
    if sample_dir is not None:
        click.echo(format_sample(evaluate_sample(sample_dir, app.config)))
