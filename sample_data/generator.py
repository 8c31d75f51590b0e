"""The sample-export generator: simulate a ticket stream and write it in one or more formats.

Public entry points:
  generate_export(out_dir, options)  -> ExportResult   files on disk + ground_truth.json
  canonical_table(options, compact=False) -> pyarrow.Table  canonical columns, in memory
  canonical_batches(options, compact=False) -> iterator of pyarrow.Table, one day each
  options_for_total(tickets, days=180, seed=7, ...) -> SampleOptions for ~N tickets
  Simulation(options).days()         -> iterator of raw day chunks (numpy arrays, see model.py)

Randomness: the plan (category mixes, day wobble, spikes) comes from
Generator(PCG64(SeedSequence(seed))); day d draws from its own child stream
SeedSequence(seed, spawn_key=(d,)). So output depends only on the options, and one day can be
simulated without the others.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa

from sample_data.identities import Reporters
from sample_data.model import simulate_day
from sample_data.plan import FORMATS, SampleOptions, build_plan
from sample_data.spikes import plan_spikes
from sample_data.writer_canonical import canonical_table as chunk_to_canonical
from sample_data.csv_layout import WriterContext
from sample_data.writers import open_writer

GROUND_TRUTH_FILE = "ground_truth.json"


class Simulation:
    """The planned world for one set of options; `days()` yields the tickets day by day."""

    def __init__(self, options: SampleOptions) -> None:
        self.options = options.validate()
        master = np.random.Generator(np.random.PCG64(np.random.SeedSequence(options.seed)))
        self.plan = build_plan(self.options, master)
        self.plan.spikes = plan_spikes(self.plan, master)
        self.reporters = Reporters(options.seed)
        self.tickets = 0

    def day_rng(self, day: int) -> np.random.Generator:
        sequence = np.random.SeedSequence(self.options.seed, spawn_key=(day,))
        return np.random.Generator(np.random.PCG64(sequence))

    def days(self) -> Iterator[dict]:
        """Every day's chunk in order; counts tickets and each spike's realised extra tickets."""
        self.tickets = 0
        for spike in self.plan.spikes:
            spike.extra_tickets = 0
        for day in range(self.options.days):
            chunk = simulate_day(self.plan, day, self.day_rng(day), self.tickets + 1,
                                 self.reporters)
            self.tickets += chunk["created"].size
            counts = np.bincount(chunk["spike"][chunk["spike"] >= 0],
                                 minlength=len(self.plan.spikes))
            for spike, extra in zip(self.plan.spikes, counts):
                spike.extra_tickets += int(extra)
            yield chunk

    def ground_truth(self) -> dict:
        """Valid after days() has run to the end (extra_tickets are counted while generating)."""
        o = self.options
        return {
            "seed": o.seed, "start": o.start.isoformat(), "days": o.days,
            "per_day": _plain_number(o.per_day),
            "export_timezone": o.export_timezone,
            "spikes": [s.ground_truth(o.start_epoch) for s in self.plan.spikes],
        }


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


@dataclass
class ExportResult:
    out_dir: Path
    tickets: int
    files: dict[str, int] = field(default_factory=dict)      # path -> data rows written
    ground_truth_path: Path | None = None
    spikes: list[dict] = field(default_factory=list)


def generate_export(out_dir: str | Path, options: SampleOptions,
                    on_day: Callable[[int, int], None] | None = None) -> ExportResult:
    """Simulate once and write every requested format into out_dir, plus ground_truth.json.

    on_day(day_index, days) is called after each simulated day (for progress bars).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    simulation = Simulation(options)
    context = WriterContext.for_options(simulation.options)
    writers = [open_writer(fmt, out, context) for fmt in simulation.options.formats]
    try:
        for day, chunk in enumerate(simulation.days()):
            for writer in writers:
                writer.write(chunk)
            if on_day is not None:
                on_day(day, options.days)
    finally:
        files = {}
        for writer in writers:
            files.update(writer.close())
    truth = simulation.ground_truth()
    truth_path = out / GROUND_TRUTH_FILE
    truth_path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return ExportResult(out, simulation.tickets, files, truth_path, truth["spikes"])


def canonical_batches(options: SampleOptions, compact: bool = False) -> Iterator[pa.Table]:
    """The canonical tickets one simulated day at a time (bounded memory for 10M tickets)."""
    simulation = Simulation(options)
    context = WriterContext.for_options(simulation.options)
    for chunk in simulation.days():
        yield chunk_to_canonical(chunk, context, compact)


def canonical_table(options: SampleOptions, compact: bool = False) -> pa.Table:
    """All canonical tickets in memory (`.to_pandas()` for a DataFrame); same rows as the CSV.

    About 230 MB per million tickets (compact=True: low-cardinality columns dictionary-encoded,
    about 160 MB); for 10M tickets prefer canonical_batches() or generate_export().
    """
    return pa.concat_tables(list(canonical_batches(options, compact)))


def options_for_total(tickets: int, days: int = 180, **kwargs) -> SampleOptions:
    """Options whose expected ticket count is `tickets` (the realised count varies by ~0.5%)."""
    return SampleOptions(days=days, per_day=tickets / days, **kwargs)


def parse_formats(value: str) -> tuple[str, ...]:
    """'canonical', 'all' or a comma list -> format names in a fixed order."""
    if value == "all":
        return FORMATS
    return tuple(v.strip() for v in value.split(",") if v.strip())
