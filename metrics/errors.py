"""Errors a metrics caller can act on; each message lists the valid choices."""
from __future__ import annotations

from core.errors import InputError


def _choices(valid) -> str:
    return ", ".join(str(v) for v in valid) or "(none)"


class UnknownMetric(InputError):
    def __init__(self, name: str, valid):
        super().__init__(f"unknown metric {name!r}; valid metrics: {_choices(valid)}")


class UnknownDimension(InputError):
    def __init__(self, name: str, valid):
        super().__init__(f"unknown dimension {name!r}; valid dimensions: {_choices(valid)}")


class UnknownGrain(InputError):
    def __init__(self, name: str, valid):
        super().__init__(f"unknown grain {name!r}; valid grains: {_choices(valid)}")


class UnknownFilterValue(InputError):
    def __init__(self, dim: str, value: str, valid):
        super().__init__(f"unknown value {value!r} for {dim}; values in the warehouse: {_choices(valid)}")


class InvalidQuery(InputError):
    """A query that cannot be answered as asked (bad date range, bad compare mode, bad sort)."""
