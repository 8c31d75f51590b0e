"""Shared fixtures: a config pointing into tmp_path, and a way to write hand-made tickets."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.config import load_config
from tests.ticket_factory import insert_tickets, ticket  # noqa: F401  (re-exported for tests)

REPO = Path(__file__).resolve().parents[1]
# Loading refuses the public development key; tests that build a config without one (and the
# subprocesses they start) load with this one. tests/test_privacy_*.py unset it where it matters.
os.environ.setdefault("SAFETYOPS_HASH_KEY", "tests-only-hash-key-not-a-secret")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A minimal config whose warehouse, inbox and reports live in tmp_path."""
    path = tmp_path / "safetyops.toml"
    path.write_text(
        '[warehouse]\npath = "data/warehouse.duckdb"\n'
        '[reporting]\ntimezone = "UTC"\n'
        '[privacy]\nhash_key = "test-key"\n'
        '[refresh]\ninbox = "inbox"\narchive = "archive"\nfailed = "failed"\nreports = "reports"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config(config_file: Path):
    return load_config(config_file)


@pytest.fixture
def memory_con():
    """An in-memory warehouse with the full schema."""
    from core.warehouse import connect_memory
    con = connect_memory()
    yield con
    con.close()
