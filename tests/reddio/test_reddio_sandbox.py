"""End to end against the project's Reddio emulator, which checks STARK signatures, debits
balances and moves records: a real withdrawal, and exactly-once under injected faults."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from reddio_support import ETH_ASSET_ID, RECEIVER, Driver, Sleeps
from withdrawal_clients.reddio import (
    AsyncReddioClient,
    RecordStatus,
    StarkKeys,
    build_withdrawal_to,
)
from withdrawal_clients.sandbox import TEST_STARK_PRIVATE_KEY, Fault, Sandbox, SandboxConfig

pytestmark = pytest.mark.anyio
POST_PATH = "/reddio/v1/withdrawalto"


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(SandboxConfig.instant())


@pytest.fixture
def client(mode: str, sleeps: Sleeps, sandbox: Sandbox) -> Driver:
    transport = sandbox.transport() if mode == "sync" else sandbox.async_transport()
    return Driver(
        mode,
        sleeps,
        base_url=sandbox.reddio_url,
        transport=transport,
        stark_private_key=TEST_STARK_PRIVATE_KEY,
    )


async def withdraw(client: Driver) -> object:
    return await client(
        "withdraw_to",
        contract_address="ETH",
        asset_type="ETH",
        amount=Decimal("0.25"),
        receiver=RECEIVER,
    )


async def test_a_real_withdrawal_settles(client: Driver, sandbox: Sandbox) -> None:
    result = await withdraw(client)
    record = await client("wait_for_record", result.sequence_id, poll_interval=0.01)
    assert record.status == RecordStatus.ACCEPTED_ON_L1
    assert record.amount == result.body["amount"]
    assert sandbox.received("POST", POST_PATH) == 1
    await client.close()


async def test_a_lost_answer_is_found_not_resent(client: Driver, sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(POST_PATH, method="POST", drop=True))
    result = await withdraw(client)
    assert result.record is not None and result.record.sequence_id == result.sequence_id
    assert sandbox.received("POST", POST_PATH) == 1
    await client.close()


async def test_a_gateway_error_before_processing_is_resent_once(
    client: Driver, sandbox: Sandbox, sleeps: Sleeps
) -> None:
    sandbox.faults.add(Fault(POST_PATH, method="POST", status=502))
    result = await withdraw(client)
    assert result.record is None
    assert sandbox.received("POST", POST_PATH) == 2
    assert sandbox.received("GET", "/reddio/v1/record/by/signature") == 1
    assert len(sleeps) == 1
    await client.close()


async def test_the_same_signed_body_twice_is_one_withdrawal(client: Driver) -> None:
    keys = StarkKeys.of(TEST_STARK_PRIVATE_KEY)
    vault, receiver_vault = await client("vault_ids", ETH_ASSET_ID, [keys.stark_key, RECEIVER])
    signed = build_withdrawal_to(
        stark_private_key=keys,
        contract_address="ETH",
        asset_id=ETH_ASSET_ID,
        amount=10000,
        nonce=await client("nonce"),
        vault_id=vault,
        receiver=RECEIVER,
        receiver_vault_id=receiver_vault,
    )
    first = await client("submit_withdrawal_to", signed)
    second = await client("submit_withdrawal_to", signed)
    assert second.sequence_id == first.sequence_id
    assert second.record is not None
    await client.close()


async def test_concurrent_withdrawals_over_http_are_all_made(sandbox: Sandbox) -> None:
    with sandbox.serve() as served:
        async with AsyncReddioClient(
            served.reddio_url, stark_private_key=TEST_STARK_PRIVATE_KEY
        ) as client:
            results = await asyncio.gather(
                *(
                    client.withdraw_to(
                        contract_address="ETH",
                        asset_type="ETH",
                        amount=Decimal("0.25"),
                        receiver=RECEIVER,
                    )
                    for _ in range(3)
                )
            )
    assert len({result.sequence_id for result in results}) == 3
    assert sorted(result.body["nonce"] for result in results) == [0, 1, 2]
    assert sandbox.received("POST", POST_PATH) == 3
