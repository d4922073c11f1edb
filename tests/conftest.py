"""Shared test configuration: async tests run on asyncio through anyio's pytest plugin."""

import pytest

# The sandbox's pytest plugin is tested with pytester; plugins may only be named here.
pytest_plugins = ["pytester"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
