"""Shared test configuration: async tests run on asyncio through anyio's pytest plugin;
property tests are repeatable (the same examples every run, so a red CI is reproducible);
``HYPOTHESIS_PROFILE=explore`` draws new ones."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# The sandbox's pytest plugin is tested with pytester; plugins may only be named here.
pytest_plugins = ["pytester"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database in a throwaway PostgreSQL cluster that lives for the test session.

    Fails, never skips, when PostgreSQL is not installed: its tests must run.
    """
    sys.path.insert(0, str(Path(__file__).parent))
    from pg_server import PostgresServer

    with PostgresServer() as server:
        yield server.url
