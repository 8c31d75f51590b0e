"""Synthetic identities (reporters, agents, record ids) computed from integers, vectorised.

A reporter is an integer index; every identity a format shows for it (hash, requester id, e-mail,
Salesforce contact id, Jira account id) is a pure function of that index and the seed, so a
reporter looks the same in every ticket and every format, without a per-reporter table.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        dtype=np.uint8)

FIRST_NAMES = ("Ana", "Bruno", "Chen", "Deepa", "Emre", "Fatima", "Gabriel", "Hana", "Ivan",
               "Julia", "Kenji", "Lucia", "Mehmet", "Nadia", "Omar", "Priya", "Rafael", "Sofia",
               "Tomas", "Uma", "Wei", "Yuki", "Zeynep", "Arjun", "Claire", "Diego", "Ewa",
               "Farid", "Greta", "Hiro", "Ines", "Jonas")
LAST_INITIALS = tuple("ABCDEFGHJKLMNPRSTVWZ")
EMAIL_DOMAINS = ("example.com", "mail.example.net", "example.org", "inbox.example.com",
                 "post.example.net")


def splitmix64(values: np.ndarray, salt: int) -> np.ndarray:
    """A well-mixed 64-bit hash of each integer (SplitMix64 finaliser); wraps on purpose."""
    z = values.astype(np.uint64) + np.uint64((salt * 0x9E3779B97F4A7C15) % 2**64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def fixed_width_strings(chars: np.ndarray) -> pa.Array:
    """An (n, width) uint8 matrix of ASCII characters -> an arrow string array, zero-copy."""
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(chars)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def hex_digits(values: np.ndarray) -> np.ndarray:
    """uint64 values -> (n, 16) matrix of lower-case hex characters."""
    as_bytes = values.astype(">u8").view(np.uint8).reshape(-1, 8)
    out = np.empty((len(values), 16), dtype=np.uint8)
    out[:, 0::2] = _HEX[as_bytes >> 4]
    out[:, 1::2] = _HEX[as_bytes & 15]
    return out


def base62_digits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers -> (n, width) matrix of base-62 characters, most significant first."""
    rest = values.astype(np.uint64).copy()
    out = np.empty((len(values), width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):
        out[:, position] = _BASE62[(rest % np.uint64(62)).astype(np.intp)]
        rest //= np.uint64(62)
    return out


def prefixed(prefix: str, body: np.ndarray) -> pa.Array:
    """A constant ASCII prefix followed by a character matrix, as one string array."""
    head = np.broadcast_to(np.frombuffer(prefix.encode(), dtype=np.uint8),
                           (body.shape[0], len(prefix)))
    return fixed_width_strings(np.hstack([head, body]))


def salesforce_ids(prefix: str, numbers: np.ndarray, seed: int) -> pa.Array:
    """18-character Salesforce-style ids: 3-char key prefix, pod, zeros, base-62 number, suffix.

    The number part is bijective in `numbers` (< 62**6), so ids are unique; the 3-char suffix
    stands in for Salesforce's case-safety checksum.
    """
    middle = np.broadcast_to(np.frombuffer(b"Dn000", dtype=np.uint8), (len(numbers), 5))
    number = base62_digits(numbers, 7)
    suffix = base62_digits(splitmix64(numbers, seed + len(prefix)) % np.uint64(62 ** 3), 3)
    return prefixed(prefix, np.hstack([middle, number, suffix]))


class Reporters:
    """Every identity of a reporter index, for one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def key(self, reporter: np.ndarray) -> np.ndarray:
        return splitmix64(reporter, self.seed * 7919 + 1)

    def is_high_profile(self, reporter: np.ndarray, per_mille: int) -> np.ndarray:
        return (self.key(reporter) % np.uint64(1000)) < np.uint64(per_mille)

    def reporter_hash(self, reporter: np.ndarray) -> pa.Array:
        return fixed_width_strings(hex_digits(self.key(reporter)))

    def requester_id(self, reporter: np.ndarray) -> np.ndarray:
        """Zendesk-style user ids: large integers, unique per reporter."""
        return 360_000_000_000 + reporter.astype(np.int64) * 7 + 3

    def display_name(self, reporter: np.ndarray) -> pa.Array:
        key = self.key(reporter)
        first = pc.take(pa.array(FIRST_NAMES), pa.array((key % np.uint64(len(FIRST_NAMES)))
                                                        .astype(np.int64)))
        initial = pc.take(pa.array(LAST_INITIALS),
                          pa.array(((key >> np.uint64(20)) % np.uint64(len(LAST_INITIALS)))
                                   .astype(np.int64)))
        return pc.binary_join_element_wise(first, initial, " ")

    def email_domain(self, reporter: np.ndarray) -> pa.Array:
        index = ((self.key(reporter) >> np.uint64(40)) % np.uint64(len(EMAIL_DOMAINS)))
        return pc.take(pa.array(EMAIL_DOMAINS), pa.array(index.astype(np.int64)))

    def email(self, reporter: np.ndarray) -> pa.Array:
        local = pc.binary_join_element_wise(
            "user", pc.cast(pa.array(reporter.astype(np.int64)), pa.string()), "")
        return pc.binary_join_element_wise(local, self.email_domain(reporter), "@")

    def contact_id(self, reporter: np.ndarray) -> pa.Array:
        return salesforce_ids("003", reporter.astype(np.int64), self.seed)

    def atlassian_id(self, reporter: np.ndarray) -> pa.Array:
        return prefixed("qm:", hex_digits(splitmix64(reporter, self.seed * 104729 + 5)))


def agent_labels(vendor_slug: tuple[str, ...], vendor_agents: np.ndarray) -> dict[str, pa.Array]:
    """Per-agent strings (indexed by global agent index): pseudonymous id, name, Salesforce id."""
    ids, names = [], []
    for slug, count in zip(vendor_slug, vendor_agents):
        for k in range(int(count)):
            ids.append(f"agt_{slug}_{k + 1:03d}")
            names.append(f"{FIRST_NAMES[(k * 7 + len(slug) * 3) % len(FIRST_NAMES)]} "
                         f"{LAST_INITIALS[(k * 11 + ord(slug[0])) % len(LAST_INITIALS)]}. "
                         f"({slug.upper()})")
    owner = salesforce_ids("005", np.arange(len(ids), dtype=np.int64), 0)
    return {"id": pa.array(ids), "name": pa.array(names), "salesforce": owner}
