"""The clients' exactly-once behaviour over real HTTP, against the sandbox's injected faults.

A dropped response means the sandbox committed the write and the client saw the connection
die; an error page means the write was never run. Either way exactly one withdrawal exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from withdrawal_clients.omnia import AsyncOmniaClient, OmniaClient
from withdrawal_clients.reddio import AsyncReddioClient, ReddioClient
from withdrawal_clients.sandbox import Fault, Sandbox, SandboxConfig, ServedSandbox

TEST_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
WITHDRAWAL_TO = "/reddio/v1/withdrawalto"
OMNIA_POST = "/omnia/api/v2/withdrawals"
DROP = {"drop": True}
BAD_GATEWAY = {"status": 502}


@pytest.fixture
def served() -> Iterator[ServedSandbox]:
    with Sandbox(SandboxConfig.instant()).serve() as running:
        yield running


def no_sleep(seconds: float) -> None:
    """The clients' pauses are skipped: the faults here are one-shot."""


async def no_async_sleep(seconds: float) -> None:
    """The async twin of no_sleep."""


def reddio_args() -> dict[str, Any]:
    return {"contract_address": "ETH", "asset_type": "ETH", "amount": Decimal("0.5")}


def omnia_args() -> dict[str, Any]:
    return {
        "order_source": "ETHEREUM",
        "token_address": "0x" + "11" * 20,
        "amount": Decimal("1.25"),
        "signature": "0x" + "ab" * 65,
        "instruction_id": "exactly-once",
    }


@pytest.mark.parametrize(("fault", "posts"), [(DROP, 1), (BAD_GATEWAY, 2)])
def test_reddio_withdraw_to_happens_once(
    served: ServedSandbox, fault: dict[str, Any], posts: int
) -> None:
    sandbox = served.sandbox
    sandbox.faults.add(Fault(WITHDRAWAL_TO, method="POST", **fault))
    with ReddioClient(served.reddio_url, stark_private_key=TEST_KEY, sleep=no_sleep) as client:
        result = client.withdraw_to(receiver=RECEIVER, **reddio_args())
        record = client.get_record(result.sequence_id)
    assert sandbox.reddio.record_count() == 1
    assert sandbox.received("POST", WITHDRAWAL_TO) == posts
    assert record.amount == "500000"


@pytest.mark.anyio
@pytest.mark.parametrize(("fault", "posts"), [(DROP, 1), (BAD_GATEWAY, 2)])
async def test_async_reddio_withdraw_to_happens_once(
    served: ServedSandbox, fault: dict[str, Any], posts: int
) -> None:
    sandbox = served.sandbox
    sandbox.faults.add(Fault(WITHDRAWAL_TO, method="POST", **fault))
    async with AsyncReddioClient(
        served.reddio_url, stark_private_key=TEST_KEY, sleep=no_async_sleep
    ) as client:
        result = await client.withdraw_to(receiver=RECEIVER, **reddio_args())
    assert sandbox.reddio.record_count() == 1
    assert sandbox.received("POST", WITHDRAWAL_TO) == posts
    assert result.sequence_id > 0


@pytest.mark.parametrize(("fault", "posts"), [(DROP, 1), (BAD_GATEWAY, 2)])
def test_omnia_withdrawal_happens_once(
    served: ServedSandbox, fault: dict[str, Any], posts: int
) -> None:
    sandbox = served.sandbox
    sandbox.faults.add(Fault(OMNIA_POST, method="POST", **fault))
    with OmniaClient(served.omnia_url, token=sandbox.omnia_token, sleep=no_sleep) as client:
        withdrawal = client.request_withdrawal(**omnia_args())
    assert sandbox.omnia.withdrawal_count() == 1
    assert sandbox.received("POST", OMNIA_POST) == posts
    assert (withdrawal.instruction_id, withdrawal.amount) == ("exactly-once", Decimal("1.25"))


@pytest.mark.anyio
@pytest.mark.parametrize(("fault", "posts"), [(DROP, 1), (BAD_GATEWAY, 2)])
async def test_async_omnia_withdrawal_happens_once(
    served: ServedSandbox, fault: dict[str, Any], posts: int
) -> None:
    sandbox = served.sandbox
    sandbox.faults.add(Fault(OMNIA_POST, method="POST", **fault))
    async with AsyncOmniaClient(
        served.omnia_url, token=sandbox.omnia_token, sleep=no_async_sleep
    ) as client:
        withdrawal = await client.request_withdrawal(**omnia_args())
    assert sandbox.omnia.withdrawal_count() == 1
    assert sandbox.received("POST", OMNIA_POST) == posts
    assert withdrawal.status == "COMPLETED"


def test_reads_honour_retry_after(served: ServedSandbox) -> None:
    sandbox = served.sandbox
    sandbox.faults.add(Fault("/reddio/v1/nonce", status=429, retry_after=3, times=2))
    slept: list[float] = []
    with ReddioClient(served.reddio_url, stark_private_key=TEST_KEY, sleep=slept.append) as client:
        assert client.nonce() == 0
    assert slept == [3.0, 3.0]
    assert sandbox.received("GET", "/reddio/v1/nonce") == 3
