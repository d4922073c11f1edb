"""pytest fixtures that wire the package's clients to an in-process sandbox.

Registered as a ``pytest11`` entry point, so it is loaded by every pytest run where the
distribution is installed: it imports nothing heavy at module level, and the sandbox (which
needs the ``[sandbox]`` extra: ``pip install 'withdrawal-clients[sandbox]'``) is imported only
when one of its fixtures is used. Without the extra, a test that uses a fixture fails at set-up
with a message naming the missing package and the install line.

Every fixture is function-scoped: each test gets a fresh sandbox, on a :class:`ManualClock`,
with StarkWare's public test key for Reddio and a token the sandbox accepts for Omnia.

A synchronous test::

    def test_payout(sandbox_reddio_client, withdrawal_sandbox):
        result = sandbox_reddio_client.withdraw_to(
            contract_address="ETH", asset_type="ETH", amount="0.5",
            receiver="0x76f2fc7ed90039d986e3eb4db294f05e160c8f03",
        )
        assert sandbox_reddio_client.get_record(result.sequence_id).is_accepted
        assert withdrawal_sandbox.received("POST", "/reddio/v1/withdrawalto") == 1

The async client fixtures are plain (not async) fixtures that hand out an async client, so any
async test runner can await it; the test itself needs that runner's marker. With anyio (installed
with httpx, nothing to add)::

    import pytest

    @pytest.mark.anyio
    async def test_async_payout(sandbox_async_reddio_client):
        result = await sandbox_async_reddio_client.withdraw_to(
            contract_address="ETH", asset_type="ETH", amount="0.5",
            receiver="0x76f2fc7ed90039d986e3eb4db294f05e160c8f03",
        )
        assert (await sandbox_async_reddio_client.get_record(result.sequence_id)).is_accepted

With pytest-asyncio, use ``@pytest.mark.asyncio`` instead (or its ``asyncio_mode = "auto"``).
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
    """The :class:`SandboxConfig` of this test's sandbox: withdrawals final at once.

    Override it in your conftest.py (or a test module) to change delays, starting balances or
    accepted tokens, for example ``return SandboxConfig()`` for withdrawals that move through
    their statuses as ``withdrawal_sandbox.advance(seconds)`` moves the clock.
    """
    from . import SandboxConfig

    return SandboxConfig.instant()


@pytest.fixture
def withdrawal_sandbox(withdrawal_sandbox_config: SandboxConfig) -> Sandbox:
    """A fresh :class:`Sandbox` of both APIs, in memory, on a :class:`ManualClock`.

    ``.advance(seconds)`` moves its time, ``.faults.add(Fault(...))`` injects latency, error
    answers and lost responses, ``.received(method, path)`` counts requests, and ``.reddio`` /
    ``.omnia`` hold its state. The client fixtures below talk to this same sandbox.
    """
    from . import ManualClock, Sandbox

    sandbox = Sandbox(withdrawal_sandbox_config, clock=ManualClock())
    try:
        sandbox.app  # noqa: B018 (built now, so a missing [sandbox] extra fails here, plainly)
    except ImportError as exc:
        missing = str(exc)
    else:
        return sandbox
    # Outside the except block: the message alone, without a chain of tracebacks.
    pytest.fail(f"withdrawal_sandbox fixture: {missing}", pytrace=False)


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
    """A :class:`ReddioClient` on ``withdrawal_sandbox``, signing with StarkWare's public test
    key (``TEST_STARK_PRIVATE_KEY``; every new key is funded, so any key works too)."""
    from ..reddio import ReddioClient

    args = _reddio_args(withdrawal_sandbox)
    with ReddioClient(**args, transport=withdrawal_sandbox.transport()) as client:
        yield client


@pytest.fixture
def sandbox_async_reddio_client(withdrawal_sandbox: Sandbox) -> Iterator[AsyncReddioClient]:
    """An :class:`AsyncReddioClient` on ``withdrawal_sandbox`` with the public test key.

    Await it in an async test marked ``@pytest.mark.anyio`` (or ``@pytest.mark.asyncio`` with
    pytest-asyncio); it is closed after the test.
    """
    from ..reddio import AsyncReddioClient

    args = _reddio_args(withdrawal_sandbox)
    client = AsyncReddioClient(**args, transport=withdrawal_sandbox.async_transport())
    yield client
    _close_async(client)


@pytest.fixture
def sandbox_omnia_client(withdrawal_sandbox: Sandbox) -> Iterator[OmniaClient]:
    """An :class:`OmniaClient` on ``withdrawal_sandbox`` with a token the sandbox accepts."""
    from ..omnia import OmniaClient

    args = _omnia_args(withdrawal_sandbox)
    with OmniaClient(**args, transport=withdrawal_sandbox.transport()) as client:
        yield client


@pytest.fixture
def sandbox_async_omnia_client(withdrawal_sandbox: Sandbox) -> Iterator[AsyncOmniaClient]:
    """An :class:`AsyncOmniaClient` on ``withdrawal_sandbox`` with a token it accepts.

    Await it in an async test marked ``@pytest.mark.anyio`` (or ``@pytest.mark.asyncio`` with
    pytest-asyncio); it is closed after the test.
    """
    from ..omnia import AsyncOmniaClient

    args = _omnia_args(withdrawal_sandbox)
    client = AsyncOmniaClient(**args, transport=withdrawal_sandbox.async_transport())
    yield client
    _close_async(client)
