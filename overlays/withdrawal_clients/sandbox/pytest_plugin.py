"""pytest fixtures that wire the package's clients to an in-process sandbox.

Registered as a ``pytest11`` entry point, so it is loaded by every pytest run where the
distribution is installed: it imports nothing heavy at module level, and the sandbox (which
needs the ``[sandbox]`` extra) is imported only when one of its fixtures is used.

Fixtures (function-scoped: each test gets a fresh sandbox):

- ``withdrawal_sandbox_config``: the :class:`SandboxConfig`; override this fixture in your own
  conftest to change delays, balances or tokens. The default makes withdrawals final at once.
- ``withdrawal_sandbox``: the :class:`Sandbox`, on a :class:`ManualClock`
  (``withdrawal_sandbox.advance(seconds)`` moves time, ``.faults`` injects failures,
  ``.received(method, path)`` counts requests).
- ``sandbox_reddio_client`` / ``sandbox_async_reddio_client``: Reddio clients that sign with
  StarkWare's public test key (every new key is funded, so any key works too).
- ``sandbox_omnia_client`` / ``sandbox_async_omnia_client``: Omnia clients with a token the
  sandbox accepts.

The async clients are handed out by plain fixtures, so they work with any async test runner
(anyio, pytest-asyncio); use them in async tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..omnia import AsyncOmniaClient, OmniaClient
    from ..reddio import AsyncReddioClient, ReddioClient
    from . import Sandbox, SandboxConfig


@pytest.fixture
def withdrawal_sandbox_config() -> SandboxConfig:
    from . import SandboxConfig

    return SandboxConfig.instant()


@pytest.fixture
def withdrawal_sandbox(withdrawal_sandbox_config: SandboxConfig) -> Sandbox:
    from . import ManualClock, Sandbox

    return Sandbox(withdrawal_sandbox_config, clock=ManualClock())


def _reddio_args(sandbox: Sandbox) -> dict[str, Any]:
    from ._config import TEST_STARK_PRIVATE_KEY

    return {"base_url": sandbox.reddio_url, "stark_private_key": TEST_STARK_PRIVATE_KEY}


def _omnia_args(sandbox: Sandbox) -> dict[str, Any]:
    return {"base_url": sandbox.omnia_url, "token": sandbox.omnia_token}


def _close_async(client: AsyncReddioClient | AsyncOmniaClient) -> None:
    import anyio

    anyio.run(client.aclose)


@pytest.fixture
def sandbox_reddio_client(withdrawal_sandbox: Sandbox) -> Iterator[ReddioClient]:
    from ..reddio import ReddioClient

    args = _reddio_args(withdrawal_sandbox)
    with ReddioClient(**args, transport=withdrawal_sandbox.transport()) as client:
        yield client


@pytest.fixture
def sandbox_async_reddio_client(withdrawal_sandbox: Sandbox) -> Iterator[AsyncReddioClient]:
    from ..reddio import AsyncReddioClient

    args = _reddio_args(withdrawal_sandbox)
    client = AsyncReddioClient(**args, transport=withdrawal_sandbox.async_transport())
    yield client
    _close_async(client)


@pytest.fixture
def sandbox_omnia_client(withdrawal_sandbox: Sandbox) -> Iterator[OmniaClient]:
    from ..omnia import OmniaClient

    args = _omnia_args(withdrawal_sandbox)
    with OmniaClient(**args, transport=withdrawal_sandbox.transport()) as client:
        yield client


@pytest.fixture
def sandbox_async_omnia_client(withdrawal_sandbox: Sandbox) -> Iterator[AsyncOmniaClient]:
    from ..omnia import AsyncOmniaClient

    args = _omnia_args(withdrawal_sandbox)
    client = AsyncOmniaClient(**args, transport=withdrawal_sandbox.async_transport())
    yield client
    _close_async(client)
