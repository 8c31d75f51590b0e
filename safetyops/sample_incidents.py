"""What the Overview shows for a sample: incidents (alert groups, anomaly/grouping.py) over every
family, which of them a planted spike explains, and how many alerts each planted spike raised.

An alert touches a spike when every dimension both have agrees (abuse category, region) and its
span overlaps the spike's; an alert without either dimension (a region's first-response p90, a
category x language count) is matched on the one it has. An incident is on a spike when any of its
alerts touches one; a paged incident (severity >= medium) on none is a false page.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from anomaly.grouping import STEP, group_severity


@dataclass(frozen=True)
class IncidentReport:
    n_incidents: int
    n_paged: int
    paged_off_spike: int                   # paged incidents no planted spike explains
    per_spike: dict[str, tuple[int, int]]  # spike id -> (alerts touching it, incidents they belong to)


def overlaps(row: dict, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    """Does the alert's span (each bucket counted to its end) overlap [start, end)?"""
    return (pd.Timestamp(row["start_at"]) < end
            and pd.Timestamp(row["end_at"]) + STEP[row["grain"]] > start)


def touches(row: dict, spike: dict) -> bool:
    for dim in ("abuse_category", "region"):
        if row.get(dim) is not None and row[dim] != spike[dim]:
            return False
    return overlaps(row, pd.Timestamp(spike["start"]), pd.Timestamp(spike["end"]))


def incidents_on_sample(rows: list[dict], spikes: list[dict]) -> IncidentReport:
    """`rows`: the scan's alerts of every family, grouped (`parent_id` set on all but each lead)."""
    lead_of = {r["anomaly_id"]: r.get("parent_id") or r["anomaly_id"] for r in rows}
    severity = group_severity(rows)
    explained = {lead_of[r["anomaly_id"]] for r in rows if any(touches(r, sp) for sp in spikes)}
    paged = [lead for lead, sev in severity.items() if sev != "low"]
    per_spike = {}
    for sp in spikes:
        hits = [r for r in rows if touches(r, sp)]
        per_spike[sp["id"]] = (len(hits), len({lead_of[r["anomaly_id"]] for r in hits}))
    return IncidentReport(n_incidents=len(severity), n_paged=len(paged),
                          paged_off_spike=sum(lead not in explained for lead in paged), per_spike=per_spike)


def format_incidents(r: IncidentReport) -> str:
    spikes = ", ".join(f"{sid} {n} in {k} incident{'s' if k != 1 else ''}" if n else f"{sid} none"
                       for sid, (n, k) in r.per_spike.items())
    return (f"  every family: {r.n_incidents} incidents, {r.n_paged} paged (severity >= medium), "
            f"{r.paged_off_spike} of them on no planted spike\n"
            f"  alerts per planted spike: {spikes or 'no spikes planted'}")
