"""Every journal test runs on both backends: SQLite in tmp_path and a fresh schema in the
database of the session's throwaway PostgreSQL cluster (so tests share nothing)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from withdrawal_clients.journal import Journal

# pytest runs with --import-mode=importlib, which does not put test folders on sys.path.
sys.path.insert(0, str(Path(__file__).parent))

from journal_support import fresh_schema


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a journal may be opened: nothing is created there yet."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.db")
    return fresh_schema(request.getfixturevalue("postgres_url"))


@pytest.fixture
def journal(target: str) -> Iterator[Journal]:
    with Journal.open(target) as opened:
        yield opened
