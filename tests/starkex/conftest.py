"""Fixtures for the STARK-curve tests: the official vectors and both arithmetic backends."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from withdrawal_clients import starkex

DATA = Path(__file__).parent / "data"
FAST_INSTALLED = importlib.util.find_spec("fast_stark_crypto") is not None
# CI sets this so that a missing accelerator fails the fast-backend tests instead of skipping.
REQUIRE_FAST = os.environ.get("WITHDRAWAL_CLIENTS_REQUIRE_FAST") == "1"


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


@pytest.fixture(scope="session")
def vectors() -> Callable[[str], Any]:
    """Loads a vector file of tests/starkex/data (path relative to it)."""
    return _load


def _need_fast_stark_crypto() -> None:
    if not FAST_INSTALLED:
        if REQUIRE_FAST:
            pytest.fail("fast-stark-crypto is required (WITHDRAWAL_CLIENTS_REQUIRE_FAST=1)")
        pytest.skip("fast-stark-crypto is not installed (extra [fast])")


@pytest.fixture
def fast_stark_crypto() -> ModuleType:
    """The fast-stark-crypto module itself, for tests about its own behaviour."""
    _need_fast_stark_crypto()
    return importlib.import_module("fast_stark_crypto")


@pytest.fixture(params=["pure", "fast"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test once with the pure-Python arithmetic and once with fast-stark-crypto."""
    name: str = request.param
    if name == "fast":
        _need_fast_stark_crypto()
    starkex.use_backend(name)
    assert starkex.backend() == name
    yield name
    starkex.use_backend("auto")
