"""Who a user is and what the role lets them do; the data scope a request reads under.

Roles: `admin` manages users and config and reads everything; `lead` and `analyst` read
everything and triage; only `lead` may add annotations that suppress alerts (a holiday withdraws
alerts at the next detection, which silences the desk); `vendor` reads only its own vendor's rows
and writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "lead", "analyst", "vendor")
TRIAGE_ROLES = ("lead", "analyst")
SUPPRESS_ROLES = ("lead",)


@dataclass(frozen=True)
class Scope:
    """The rows a request may read: every vendor (vendor None) or one vendor's."""

    vendor: str | None = None

    @property
    def is_full(self) -> bool:
        return self.vendor is None

    def key(self) -> str:
        """Part of every cache key, so one scope never reads another's cached answer."""
        return "all" if self.vendor is None else "vendor:" + self.vendor


FULL = Scope()


@dataclass(frozen=True)
class User:
    name: str
    role: str
    vendor: str | None = None

    @property
    def scope(self) -> Scope:
        return Scope(self.vendor) if self.role == "vendor" else FULL

    @property
    def may_triage(self) -> bool:
        return self.role in TRIAGE_ROLES

    @property
    def may_suppress(self) -> bool:
        return self.role in SUPPRESS_ROLES
