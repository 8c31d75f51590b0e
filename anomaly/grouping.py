"""One incident, one lead alert: alerts whose slices nest and whose spans overlap form a group.

A burst of spam in the US shows in spam x US hourly and daily counts, in spam's share of US
inflow, in the US category mix, and in spam x English and spam x its vendor. Those are one
incident, not six. Two alerts belong together when they concern the same abuse category, their
spans overlap (each bucket counted to its end), and no dimension they both have differs (spam x US
and spam x BR are two incidents). Region-less slices (language, vendor) join the overlapping
region group of their category with the most excess tickets, so one English-language alert cannot
chain a US and a BR burst together.

The lead is the most explanatory alert of the group: a count of the category x region (the slice
the analyst acts on), hourly before daily (the hourly alert is the first a scan can see, so the
lead does not change, and nobody is paged twice, when the day completes and its daily alert joins),
then the most severe, then the most excess tickets. Every other alert keeps its row with
`parent_id` = the lead's id; the lead lists them in `related_json`, and a group is urgent when any
of its alerts is.
"""
from __future__ import annotations

import json

import pandas as pd

from anomaly.alerts import SEVERITIES

GROUPED_FAMILIES = ("counts_hourly", "counts_daily", "share_daily", "mix_daily",
                    "counts_daily_language", "counts_daily_vendor")
# lower = more explanatory
FAMILY_RANK = {"counts_hourly": 0, "counts_daily": 1, "share_daily": 2, "counts_daily_language": 3,
               "counts_daily_vendor": 3, "mix_daily": 4}
STEP = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1)}


def _span(row: dict) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(row["start_at"]), pd.Timestamp(row["end_at"]) + STEP[row["grain"]]


def _overlap(a: dict, b: dict) -> bool:
    (s1, e1), (s2, e2) = _span(a), _span(b)
    return s1 < e2 and s2 < e1


def ticket_excess(row: dict, found) -> float:
    """Excess in tickets: share alerts rest on a tickets alert; mix alerts have none."""
    if row["family"] == "share_daily" and found is not None and getattr(found, "tickets", None) is not None:
        return float(found.tickets.excess)
    if row["metric"] == "inflow":
        return float(row["excess"] or 0.0)
    return 0.0


def _lead_key(row: dict, excess: float) -> tuple:
    return (FAMILY_RANK.get(row["family"], 9), -SEVERITIES.index(row["severity"]), -excess)


class _Groups:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def group_alerts(pairs: list[tuple[dict, object]]) -> None:
    """Set `parent_id` and `related_json` on every row of `pairs` (rows, alert or None), in place."""
    rows = [r for r, _ in pairs]
    excess = [ticket_excess(r, f) for r, f in pairs]
    for r in rows:
        r["parent_id"], r["related_json"] = None, "[]"
    cand = [i for i, r in enumerate(rows)
            if r["family"] in GROUPED_FAMILIES and r["direction"] == "up" and r.get("abuse_category")]
    regional = [i for i in cand if rows[i].get("region")]
    other = [i for i in cand if not rows[i].get("region")]
    groups = _Groups(len(rows))
    for a, i in enumerate(regional):
        for j in regional[a + 1:]:
            ri, rj = rows[i], rows[j]
            if (ri["abuse_category"], ri["region"]) == (rj["abuse_category"], rj["region"]) and _overlap(ri, rj):
                groups.union(i, j)
    for a, i in enumerate(other):
        hosts = [j for j in regional if rows[j]["abuse_category"] == rows[i]["abuse_category"] and _overlap(rows[i], rows[j])]
        if hosts:
            groups.union(i, max(hosts, key=lambda j: excess[j]))
            continue
        for j in other[a + 1:]:
            if rows[j]["abuse_category"] == rows[i]["abuse_category"] and _nest(rows[i], rows[j]) and _overlap(rows[i], rows[j]):
                groups.union(i, j)
    members: dict[int, list[int]] = {}
    for i in cand:
        members.setdefault(groups.find(i), []).append(i)
    for idx in members.values():
        if len(idx) < 2:
            continue
        lead = min(idx, key=lambda i: _lead_key(rows[i], excess[i]))
        related = []
        for i in sorted(idx, key=lambda i: _lead_key(rows[i], excess[i])):
            if i == lead:
                continue
            rows[i]["parent_id"] = rows[lead]["anomaly_id"]
            related.append({"anomaly_id": rows[i]["anomaly_id"], "family": rows[i]["family"],
                            "series_key": rows[i]["series_key"], "severity": rows[i]["severity"],
                            "excess_tickets": round(excess[i], 1)})
        rows[lead]["related_json"] = json.dumps(related)


def group_severity(rows: list[dict]) -> dict[str, str]:
    """Lead id -> the highest severity among its group (alerts alone: their own)."""
    out = {r["anomaly_id"]: r["severity"] for r in rows if r.get("parent_id") is None}
    for r in rows:
        lead = r.get("parent_id")
        if lead in out and SEVERITIES.index(r["severity"]) > SEVERITIES.index(out[lead]):
            out[lead] = r["severity"]
    return out


def _nest(a: dict, b: dict) -> bool:
    """No dimension both alerts have takes different values (spam x en and spam x Acme nest)."""
    da, db = json.loads(a["dims_json"]), json.loads(b["dims_json"])
    return all(da[k] == db[k] for k in set(da) & set(db))
