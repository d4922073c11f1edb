"""Fixtures for the generated Omnia client's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from omnia_client import AuthenticatedClient

BASE_URL = "https://omnia.test/api"
TOKEN = "header.payload.signature"


@pytest.fixture
def client() -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(base_url=BASE_URL, token=TOKEN) as authenticated:
        yield authenticated


@pytest.fixture
def base_url() -> str:
    return BASE_URL


@pytest.fixture
def token() -> str:
    return TOKEN
