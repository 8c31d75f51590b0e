"""Regenerate the committed small sample in sample_data/small/ (all four formats, one simulation).

    .venv/bin/python -m sample_data.make_small

is the same as

    safetyops sample --out sample_data/small --format all --days 60 --per-day 35 --seed 30 \
        --start 2026-05-01 --export-timezone America/Sao_Paulo

Zendesk and Jira timestamps are naive wall-clock times in America/Sao_Paulo (as a real account
in that zone exports them), so ingest those two with `--timezone America/Sao_Paulo`; canonical
and Salesforce timestamps are UTC. The sample is kept near 3 MB so it can live in git. At ~35
tickets a day a series sees about one ticket a day, so seed 30 was picked for its two planted
spikes being clearly visible (about +10 tickets each over a series' ~1 a day).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sample_data.generator import generate_export
from sample_data.plan import FORMATS, SampleOptions

SMALL_DIR = Path(__file__).resolve().parent / "small"
SMALL_OPTIONS = SampleOptions(start=date(2026, 5, 1), days=60, per_day=35, seed=30,
                              export_timezone="America/Sao_Paulo", formats=FORMATS)


def main() -> None:
    result = generate_export(SMALL_DIR, SMALL_OPTIONS)
    total = 0
    for path, rows in result.files.items():
        size = Path(path).stat().st_size
        total += size
        print(f"{Path(path).name}: {rows} rows, {size / 1024:.0f} KiB")
    print(f"{result.ground_truth_path.name}: {len(result.spikes)} spikes; "
          f"{result.tickets} tickets; {total / 1024 / 1024:.2f} MiB of CSV")


if __name__ == "__main__":
    main()
