"""Fixtures for the Reddio client tests (helpers live in reddio_support.py beside this file)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpx import HTTPXMock

# pytest runs with --import-mode=importlib, which does not put test folders on sys.path.
sys.path.insert(0, str(Path(__file__).parent))

from reddio_support import Driver, Reddio, Sleeps


@pytest.fixture
def reddio(httpx_mock: HTTPXMock) -> Reddio:
    return Reddio(httpx_mock)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make(mode: str, sleeps: Sleeps) -> Callable[..., Driver]:
    """A client factory for the current mode (sync or async)."""
    return lambda **kwargs: Driver(mode, sleeps, **kwargs)


@pytest.fixture
def client(make: Callable[..., Driver]) -> Driver:
    return make()
