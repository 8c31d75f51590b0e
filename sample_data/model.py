"""One day of tickets, simulated with whole-array numpy draws (no per-ticket Python).

A day's tickets come back as a dict of equal-length numpy arrays (a "chunk"), sorted by creation
time, with integer codes into sample_data.catalog:
  ticket_no, created, updated, first_response, resolved (epoch seconds; -1 = NULL),
  status, priority, channel, category, region, language, vendor, queue, agent (-1 = none),
  escalated, high_profile, reopen_count, qa (NaN = none), csat (0 = none), reporter,
  frt_minutes, final_solved, local_hour, spike (-1 = normal ticket), and the per-format
  messiness flags csat_offered, blank_priority, blank_category, placeholder_solved,
  placeholder_due, lowest_priority, subject_variant.
The order of the draws is fixed, so a day's tickets depend only on (seed, day, options).
"""
from __future__ import annotations

import numpy as np

from sample_data import catalog as C
from sample_data.identities import Reporters
from sample_data.plan import Plan
from sample_data.spikes import CONTRIBUTOR_SHARE, extra_rate

SURGE_FRT_FACTOR = 1.6    # spike tickets wait longer for a first reply than the same ticket would


def choose_by_row(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each ticket, a category drawn from weights[rows[i]] (rows of `weights` sum to 1)."""
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(len(rows))
    picked = (u[:, None] >= cumulative[rows]).sum(axis=1)
    return np.minimum(picked, weights.shape[1] - 1)


def _arrivals(plan: Plan, day: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Poisson counts per (hour, region, category) cell, expanded to tickets with a second each."""
    base = plan.rate[day * 24:(day + 1) * 24]
    extra, owner = extra_rate(plan, day)
    base_counts = rng.poisson(base).ravel()
    extra_counts = rng.poisson(extra).ravel()
    cells = np.concatenate([np.repeat(np.arange(base_counts.size), base_counts),
                            np.repeat(np.arange(extra_counts.size), extra_counts)])
    spike = np.concatenate([np.full(base_counts.sum(), -1, dtype=np.int16),
                            np.repeat(owner.ravel(), extra_counts)])
    hour, region, category = np.unravel_index(cells, base.shape)
    created = (plan.options.start_epoch + (day * 24 + hour) * 3600
               + rng.integers(0, 3600, size=cells.size))
    order = np.argsort(created, kind="stable")
    return {
        "created": created[order].astype(np.int64),
        "region": region[order].astype(np.int8),
        "category": category[order].astype(np.int8),
        "spike": spike[order],
        "local_hour": plan.local_hour[day * 24 + hour[order], region[order]],
    }


def _who_and_where(t: dict, plan: Plan, rng: np.random.Generator, reporters: Reporters) -> None:
    """Language, vendor, channel, reporter, priority, escalation and queue."""
    n = t["created"].size
    language = choose_by_row(rng, C.REGION_LANGUAGE_WEIGHTS, t["region"])
    vendor = choose_by_row(rng, C.REGION_VENDOR_WEIGHTS, t["region"])
    in_spike = t["spike"] >= 0
    planted_language = np.array([s.language for s in plan.spikes] + [0])[t["spike"]]
    planted_vendor = np.array([s.vendor for s in plan.spikes] + [0])[t["spike"]]
    t["language"] = np.where(in_spike & (rng.random(n) < CONTRIBUTOR_SHARE),
                             planted_language, language).astype(np.int8)
    t["vendor"] = np.where(in_spike & (rng.random(n) < CONTRIBUTOR_SHARE),
                           planted_vendor, vendor).astype(np.int8)
    t["channel"] = choose_by_row(rng, C.CHANNEL_WEIGHTS[None, :], np.zeros(n, dtype=np.intp))
    # reporters repeat: a skewed draw over the pool makes a few reporters very frequent
    t["reporter"] = (plan.n_reporters * rng.random(n) ** 1.6).astype(np.int64)
    t["high_profile"] = reporters.is_high_profile(t["reporter"], C.HIGH_PROFILE_PER_MILLE)
    priority = choose_by_row(rng, C.CATEGORY_PRIORITY, t["category"])
    bump = t["high_profile"] & (rng.random(n) < 0.5)
    t["priority"] = np.where(bump, np.maximum(priority - 1, 0), priority).astype(np.int8)
    p_escalate = C.CATEGORY_ESCALATION_P[t["category"]] * np.where(t["priority"] == 0, 1.5, 1.0)
    p_escalate = np.minimum(p_escalate * np.where(t["high_profile"], 2.5, 1.0), 0.9)
    t["escalated"] = rng.random(n) < p_escalate
    t["queue"] = np.where(t["escalated"], C.ESCALATIONS_QUEUE,
                          C.CATEGORY_QUEUE[t["category"]]).astype(np.int8)


def _timeline(t: dict, rng: np.random.Generator) -> None:
    """First response, first solve, reopens and final solve, before looking at the export time."""
    n = t["created"].size
    v, p = t["vendor"], t["priority"]
    night = (t["local_hour"] < 7).astype(float)
    surge = np.where(t["spike"] >= 0, SURGE_FRT_FACTOR, 1.0)   # a campaign swamps its queue
    median = (C.VENDOR_FRT_MEDIAN_MINUTES[v] * C.PRIORITY_FRT_FACTOR[p] * (1 + 0.5 * night)
              * surge)
    minutes = rng.lognormal(np.log(median), C.VENDOR_FRT_SIGMA[v])
    lost = rng.random(n) < 0.004            # fell through the cracks: the long tail of unanswered
    minutes = np.where(lost, minutes * 60, minutes)
    t["frt_minutes"] = np.maximum(1, np.rint(minutes)).astype(np.int64)
    first_response = t["created"] + 60 * t["frt_minutes"]
    ttr_median_h = (C.CATEGORY_TTR_MEDIAN_HOURS[t["category"]] * C.VENDOR_TTR_FACTOR[v]
                    * np.where(t["escalated"], 3.0, 1.0))
    work_hours = rng.lognormal(np.log(ttr_median_h), 1.0)
    stuck = rng.random(n) < 0.02
    work_hours = np.where(stuck, work_hours * 12, work_hours)
    resolved = first_response + (work_hours * 3600).astype(np.int64)
    reopens = (rng.random(n) < C.VENDOR_REOPEN_P[v]).astype(np.int64)
    reopens += (reopens > 0) & (rng.random(n) < 0.2)
    reopens += (reopens > 1) & (rng.random(n) < 0.25)
    again_hours = rng.lognormal(np.log(20.0), 0.8, size=n) * reopens
    t["first_response"], t["resolved"] = first_response, resolved
    t["reopen_count"] = reopens
    t["final_solved"] = resolved + (again_hours * 3600).astype(np.int64)


def _as_of_export(t: dict, end: int, rng: np.random.Generator) -> None:
    """Cut every timeline at the export time: what is answered, solved, closed, still open."""
    n = t["created"].size
    answered = t["first_response"] <= end
    solved = answered & (t["resolved"] <= end)
    # a reopen whose re-solve lies beyond the export has not happened yet as far as we can see
    unseen_reopen = solved & (t["final_solved"] > end)
    t["reopen_count"] = np.where(unseen_reopen, 0, t["reopen_count"]).astype(np.int32)
    t["final_solved"] = np.where(unseen_reopen, t["resolved"], t["final_solved"])
    closed = solved & (t["final_solved"] + C.AUTO_CLOSE_SECONDS <= end)
    u = rng.random(n)
    open_status = np.select([u < 0.55, u < 0.90], [C.OPEN, C.PENDING], C.ON_HOLD)
    unanswered_status = np.where(u < 0.7, C.NEW, C.OPEN)
    t["status"] = np.select([closed, solved, answered], [C.CLOSED, C.SOLVED, open_status],
                            unanswered_status).astype(np.int8)
    w = rng.random(n)
    touched_unanswered = t["created"] + (w * 0.2 * (end - t["created"])).astype(np.int64)
    touched_open = t["first_response"] + (w * (end - t["first_response"])).astype(np.int64)
    updated = np.select(
        [closed, solved, answered, t["status"] == C.OPEN],
        [t["final_solved"] + C.AUTO_CLOSE_SECONDS, t["final_solved"], touched_open,
         touched_unanswered], t["created"])
    t["updated"] = np.minimum(updated, end)
    t["first_response"] = np.where(answered, t["first_response"], -1)
    t["resolved"] = np.where(solved, t["resolved"], -1)
    t["final_solved"] = np.where(solved, t["final_solved"], -1)
    agent = (C.VENDOR_AGENT_OFFSET[t["vendor"]]
             + (rng.random(n) * C.VENDOR_AGENTS[t["vendor"]]).astype(np.int64))
    t["agent"] = np.where(t["status"] == C.NEW, -1, agent)


def _quality(t: dict, rng: np.random.Generator) -> None:
    """QA review on ~10% of solved tickets, CSAT on ~30%; worse for breaches and reopens."""
    n = t["created"].size
    solved = t["resolved"] >= 0
    reopened = t["reopen_count"] > 0
    qa = rng.normal(C.VENDOR_QA_MEAN[t["vendor"]] - 5 * reopened, 9.0)
    t["qa"] = np.where(solved & (rng.random(n) < 0.10), np.clip(np.rint(qa), 0, 100), np.nan)
    breached = t["frt_minutes"] > C.SLA_FRT_MINUTES[t["priority"]]
    mood = rng.normal(3.9 + C.VENDOR_CSAT_SHIFT[t["vendor"]] - 0.7 * breached - 0.5 * reopened,
                      1.0)
    rated = solved & (rng.random(n) < 0.30)
    t["csat"] = np.where(rated, np.clip(np.rint(mood), 1, 5), 0).astype(np.int8)
    t["csat_offered"] = solved & ~rated & (rng.random(n) < 0.35)


def _messiness(t: dict, rng: np.random.Generator) -> None:
    """Flags the writers use for real-export mess; drawn here so every format agrees."""
    n = t["created"].size
    t["blank_priority"] = (t["priority"] == C.NORMAL) & (rng.random(n) < 0.01)
    t["blank_category"] = (t["category"] == C.OTHER) & (rng.random(n) < 0.5)
    t["placeholder_solved"] = (t["resolved"] < 0) & (rng.random(n) < 0.003)
    t["placeholder_due"] = rng.random(n) < 0.003
    t["lowest_priority"] = (t["priority"] == len(C.PRIORITIES) - 1) & (rng.random(n) < 0.2)
    t["subject_variant"] = rng.integers(0, 2, size=n).astype(np.int8)


def simulate_day(plan: Plan, day: int, rng: np.random.Generator, first_ticket_no: int,
                 reporters: Reporters) -> dict[str, np.ndarray]:
    t = _arrivals(plan, day, rng)
    t["ticket_no"] = first_ticket_no + np.arange(t["created"].size, dtype=np.int64)
    _who_and_where(t, plan, rng, reporters)
    _timeline(t, rng)
    _as_of_export(t, plan.options.end_epoch, rng)
    _quality(t, rng)
    _messiness(t, rng)
    return t
