"""Withdrawals: what is signed and posted, and that a lost answer never doubles a withdrawal."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from reddio_support import (
    ETH_ASSET_ID,
    ETH_INFO,
    EXPLICIT,
    RECEIVER,
    STARK_KEY,
    Driver,
    Reddio,
    Sleeps,
    failed,
    ok,
    record,
    url,
)
from withdrawal_clients import errors, starkex
from withdrawal_clients.reddio import WithdrawalResult, build_withdrawal_to

pytestmark = pytest.mark.anyio

ERC20 = "0x57f3560b6793dcc2cb274c39e8b8eba1dd18a086"
# StarkWare's assets_precomputed.json: an ERC20 with quantum 10^4, and ERC721 token 4100.
USDT = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
USDT_ASSET_ID = "0x352386d5b7c781d47ecd404765307d74edc4d43b0490b8e03c71ac7a7429653"
NFT = "0xB18ed4768F87b0fFAb83408014f1caF066b91380"
NFT_4100_ASSET_ID = "0x2b0ff0c09505bc40f9d1659becf16855a7b2298b010f8a54f4b05325885b40c"


def signed_hash(body: dict[str, Any]) -> int:
    """The transfer hash of a posted body, recomputed from the posted fields alone."""
    return starkex.get_transfer_msg_hash(
        amount=int(body["amount"]),
        nonce=body["nonce"],
        sender_vault_id=int(body["vault_id"]),
        asset_id=int(body["asset_id"], 16),
        receiver_vault_id=int(body["receiver_vault_id"]),
        receiver=int(body["receiver"], 16),
        expiration_timestamp=body["expiration_timestamp"],
    )


def assert_signature_verifies(body: dict[str, Any]) -> None:
    r, s = int(body["signature"]["r"], 16), int(body["signature"]["s"], 16)
    assert starkex.verify(signed_hash(body), r, s, int(body["stark_key"], 16))


async def test_withdraw_to_with_lookups_signs_what_it_posts(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/contract_info", ok(ETH_INFO))
    reddio.answer("GET", "/v1/vaults", ok({"vault_ids": ["11", "22"]}))
    reddio.answer("GET", "/v1/nonce", ok({"nonce": 5}))
    reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 42}))

    result = await client(
        "withdraw_to",
        contract_address="ETH",
        asset_type="ETH",
        amount=Decimal("0.01"),
        receiver=RECEIVER,
    )

    (body,) = reddio.posted("/v1/withdrawalto")
    assert body == {
        "contract_address": "ETH",
        "asset_id": ETH_ASSET_ID,  # Reddio's published ETH asset id, computed locally
        "stark_key": STARK_KEY,
        "amount": "10000",  # 0.01 ETH * 10^18 / 10^12
        "token_id": "",
        "nonce": 5,
        "vault_id": "11",
        "receiver": RECEIVER,
        "receiver_vault_id": "22",
        "expiration_timestamp": 4194303,
        "signature": body["signature"],
    }
    assert_signature_verifies(body)
    assert isinstance(result, WithdrawalResult)
    assert (result.sequence_id, result.msg_hash, result.record) == (42, signed_hash(body), None)
    assert dict(result.body, signature=dict(result.body["signature"])) == body
    assert reddio.query("GET", "/v1/vaults") == {
        "asset_id": ETH_ASSET_ID,
        "stark_keys": f"{STARK_KEY},{RECEIVER}",
    }
    assert reddio.query("GET", "/v1/nonce") == {"stark_key": STARK_KEY}


async def test_withdraw_to_erc20_human_int_is_whole_tokens(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/contract_info", ok({"decimals": "6", "quantum": 10000}))
    reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 1}))
    await client(
        "withdraw_to",
        contract_address=USDT,
        asset_type="ERC20",
        amount=3,
        receiver=RECEIVER,
        nonce=0,
        vault_id=1,
        receiver_vault_id=2,
    )
    (body,) = reddio.posted("/v1/withdrawalto")
    assert body["amount"] == "300"  # 3 * 10^6 / 10^4
    assert body["contract_address"] == USDT.lower()
    assert body["asset_id"] == USDT_ASSET_ID
    assert_signature_verifies(body)


async def test_withdraw_to_nft_needs_no_contract_info(client: Driver, reddio: Reddio) -> None:
    # An NFT's quantum is 1 and its amount 1: nothing to look up but vaults and nonce.
    reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 1}))
    await client(
        "withdraw_to",
        contract_address=NFT,
        asset_type="ERC721",
        amount=1,
        token_id=4100,
        receiver=RECEIVER,
        nonce=0,
        vault_id=1,
        receiver_vault_id=2,
    )
    (body,) = reddio.posted("/v1/withdrawalto")
    assert (body["amount"], body["token_id"]) == ("1", "4100")
    assert body["asset_id"] == NFT_4100_ASSET_ID
    assert_signature_verifies(body)


async def test_explicit_values_skip_every_lookup(client: Driver, reddio: Reddio) -> None:
    reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 7}))
    result = await client("withdraw_to", **EXPLICIT, expiration_timestamp=4_000_000)
    assert result.sequence_id == 7
    assert len(reddio.mock.get_requests()) == 1
    (body,) = reddio.posted("/v1/withdrawalto")
    assert (body["nonce"], body["vault_id"], body["receiver_vault_id"]) == (5, "11", "22")
    assert body["expiration_timestamp"] == 4_000_000
    assert_signature_verifies(body)


async def test_submit_a_cold_signed_body(client: Driver, reddio: Reddio) -> None:
    signed = build_withdrawal_to(
        stark_private_key=0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC,
        contract_address="ETH",
        asset_id=ETH_ASSET_ID,
        amount=10,
        nonce=0,
        vault_id=1,
        receiver=RECEIVER,
        receiver_vault_id=2,
    )
    reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 8}))
    result = await client("submit_withdrawal_to", signed)
    assert (result.sequence_id, result.msg_hash) == (8, signed.msg_hash)
    assert reddio.posted("/v1/withdrawalto") == [signed.to_dict()]


# --- exactly once ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lost",
    [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset"), httpx.WriteError("broken")],
)
async def test_lost_answer_found_by_signature_is_not_posted_again(
    client: Driver, reddio: Reddio, sleeps: Sleeps, lost: Exception
) -> None:
    reddio.fail("POST", "/v1/withdrawalto", lost)
    reddio.answer("GET", "/v1/record/by/signature", ok([record(42, 1)]))
    result = await client("withdraw_to", **EXPLICIT)
    assert (result.sequence_id, result.record.sequence_id) == (42, 42)
    (body,) = reddio.posted("/v1/withdrawalto")
    assert reddio.query("GET", "/v1/record/by/signature") == body["signature"]
    assert result.msg_hash == signed_hash(body)
    assert sleeps == []


@pytest.mark.parametrize(
    "answer",
    [
        {"status_code": 502, "html": "<html>Bad Gateway</html>"},
        {"status_code": 500, "json": failed(500, "system error")},
        {"status_code": 200, "json": failed(500, "system error")},
        {"status_code": 200, "text": '{"status": "OK", "da'},
    ],
)
async def test_answer_that_may_follow_a_write_is_reconciled(
    client: Driver, reddio: Reddio, answer: dict[str, Any]
) -> None:
    reddio.mock.add_response(method="POST", **answer)
    reddio.answer("GET", "/v1/record/by/signature", ok([record(42, 3)]))
    result = await client("withdraw_to", **EXPLICIT)
    assert result.sequence_id == 42
    assert len(reddio.posted("/v1/withdrawalto")) == 1


async def test_unknown_signature_reposts_the_very_same_body(
    client: Driver, reddio: Reddio, sleeps: Sleeps
) -> None:
    reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
    reddio.answer("GET", "/v1/record/by/signature", ok([]))
    reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 43}))
    result = await client("withdraw_to", **EXPLICIT)
    assert (result.sequence_id, result.record) == (43, None)
    first, second = reddio.posted("/v1/withdrawalto")
    assert first == second
    assert len(sleeps) == 1


async def test_duplicate_resolves_to_the_original_record(client: Driver, reddio: Reddio) -> None:
    reddio.answer("POST", "/v1/withdrawalto", failed(13, "duplicate transaction"))
    reddio.answer("GET", "/v1/record/by/signature", ok([record(41, 1)]))
    result = await client("withdraw_to", **EXPLICIT)
    assert (result.sequence_id, result.record.status) == (41, 1)
    assert len(reddio.posted("/v1/withdrawalto")) == 1


async def test_repost_after_a_lost_answer_meets_the_duplicate(
    client: Driver, reddio: Reddio
) -> None:
    # The first copy arrived but its answer was lost, and Reddio indexed it only later.
    reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
    reddio.answer("GET", "/v1/record/by/signature", ok(None))
    reddio.answer("POST", "/v1/withdrawalto", failed(13), status_code=400)
    reddio.answer("GET", "/v1/record/by/signature", ok([record(41, 0)]))
    result = await client("withdraw_to", **EXPLICIT)
    assert result.sequence_id == 41
    first, second = reddio.posted("/v1/withdrawalto")
    assert first == second


@pytest.mark.parametrize("found", [[record(41, 1)], []])
async def test_refused_repost_after_a_lost_answer_is_not_a_failure(
    client: Driver, reddio: Reddio, found: list[dict[str, Any]]
) -> None:
    # The first copy went through unseen; the copy is refused because its funds are gone.
    reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
    reddio.answer("GET", "/v1/record/by/signature", ok([]))
    reddio.answer("POST", "/v1/withdrawalto", failed(8, "insufficient"))
    reddio.answer("GET", "/v1/record/by/signature", ok(found))
    if found:
        assert (await client("withdraw_to", **EXPLICIT)).sequence_id == 41
    else:
        with pytest.raises(errors.OutcomeUnknown) as caught:
            await client("withdraw_to", **EXPLICIT)
        assert isinstance(caught.value.cause, errors.ApiError) and caught.value.cause.code == 8
    first, second = reddio.posted("/v1/withdrawalto")
    assert first == second


async def test_duplicate_without_record_is_outcome_unknown(client: Driver, reddio: Reddio) -> None:
    reddio.answer("POST", "/v1/withdrawalto", failed(13))
    reddio.answer("GET", "/v1/record/by/signature", ok([]))
    with pytest.raises(errors.OutcomeUnknown) as caught:
        await client("withdraw_to", **EXPLICIT)
    assert "record_by_signature" in caught.value.how_to_check


async def test_never_found_after_retries_is_outcome_unknown(
    make: Callable[..., Driver], reddio: Reddio, sleeps: Sleeps
) -> None:
    client = make(max_retries=2)
    for _ in range(3):
        reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
        reddio.answer("GET", "/v1/record/by/signature", ok([]))
    with pytest.raises(errors.OutcomeUnknown) as caught:
        await client("withdraw_to", **EXPLICIT)
    bodies = reddio.posted("/v1/withdrawalto")
    assert len(bodies) == 3 and all(body == bodies[0] for body in bodies)
    assert bodies[0]["signature"]["r"] in caught.value.how_to_check
    assert len(sleeps) == 2


async def test_failed_signature_lookup_is_outcome_unknown(
    make: Callable[..., Driver], reddio: Reddio
) -> None:
    client = make(max_retries=1)
    reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
    reddio.fail("GET", "/v1/record/by/signature", httpx.ConnectError("down"))
    reddio.fail("GET", "/v1/record/by/signature", httpx.ConnectError("down"))
    with pytest.raises(errors.OutcomeUnknown, match="signature lookup failed"):
        await client("withdraw_to", **EXPLICIT)
    assert len(reddio.posted("/v1/withdrawalto")) == 1


async def test_found_but_failed_record_is_rejected(client: Driver, reddio: Reddio) -> None:
    reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
    reddio.answer("GET", "/v1/record/by/signature", ok([record(42, 2)]))
    with pytest.raises(errors.WithdrawalRejected) as caught:
        await client("withdraw_to", **EXPLICIT)
    assert caught.value.reason == "FAILED_ON_REDDIO"
    assert caught.value.withdrawal.sequence_id == 42


async def test_connection_refused_is_resent_without_lookup(
    client: Driver, reddio: Reddio, sleeps: Sleeps
) -> None:
    reddio.fail("POST", "/v1/withdrawalto", httpx.ConnectError("refused"))
    reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 5}))
    assert (await client("withdraw_to", **EXPLICIT)).sequence_id == 5
    assert reddio.sent("GET", "/v1/record/by/signature") == []
    assert len(sleeps) == 1


async def test_429_on_post_waits_retry_after_and_resends(
    client: Driver, reddio: Reddio, sleeps: Sleeps
) -> None:
    reddio.answer(
        "POST", "/v1/withdrawalto", status_code=429, text="busy", headers={"Retry-After": "9"}
    )
    reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 6}))
    assert (await client("withdraw_to", **EXPLICIT)).sequence_id == 6
    assert sleeps == [9.0]
    first, second = reddio.posted("/v1/withdrawalto")
    assert first == second


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, failed(34, "invalid signature"), errors.ApiError),
        (200, failed(8, "insufficient"), errors.ApiError),
        (400, failed(19), errors.BadRequest),
        (401, failed(32), errors.AuthError),
    ],
)
async def test_definitive_refusals_are_raised_at_once(
    client: Driver, reddio: Reddio, status: int, body: Any, error: type[errors.ApiError]
) -> None:
    reddio.answer("POST", "/v1/withdrawalto", body, status_code=status)
    with pytest.raises(error) as caught:
        await client("withdraw_to", **EXPLICIT)
    assert caught.value.code == body["error_code"]
    assert len(reddio.mock.get_requests()) == 1


# --- the unsigned withdrawal ----------------------------------------------------------------


async def test_withdraw_posts_the_briefs_body(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/contract_info", ok({"decimals": 6, "quantum": "100"}))
    reddio.answer("POST", "/v1/withdrawal", ok({"sequence_id": 77}))
    result = await client("withdraw", contract_address=ERC20, amount="2.5", token_id="")
    assert (result.sequence_id, result.msg_hash) == (77, None)
    assert reddio.posted("/v1/withdrawal") == [
        {"contract_address": ERC20, "token_id": "", "stark_key": STARK_KEY, "amount": "25000"}
    ]
    assert reddio.query("GET", "/v1/contract_info") == {"type": "ERC20", "contract_address": ERC20}


async def test_withdraw_quantized_for_another_stark_key(
    make: Callable[..., Driver], reddio: Reddio
) -> None:
    client = make(stark_private_key=None)
    reddio.answer("POST", "/v1/withdrawal", ok({"sequence_id": 1}))
    await client("withdraw", contract_address="ETH", amount=5, quantized=True, stark_key="0xabc")
    assert reddio.posted("/v1/withdrawal")[0]["stark_key"] == "0xabc"


@pytest.mark.parametrize("lost", [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset")])
async def test_withdraw_is_never_resent_after_it_may_have_arrived(
    client: Driver, reddio: Reddio, lost: Exception
) -> None:
    reddio.fail("POST", "/v1/withdrawal", lost)
    with pytest.raises(errors.OutcomeUnknown) as caught:
        await client("withdraw", contract_address="ETH", amount=5, quantized=True)
    assert "before sending it again" in caught.value.how_to_check
    assert len(reddio.sent("POST", "/v1/withdrawal")) == 1


@pytest.mark.parametrize(
    "answer",
    [{"status_code": 503, "text": "unavailable"}, {"status_code": 200, "json": failed(500)}],
)
async def test_withdraw_server_error_is_outcome_unknown(
    client: Driver, reddio: Reddio, answer: dict[str, Any]
) -> None:
    reddio.mock.add_response(method="POST", **answer)
    with pytest.raises(errors.OutcomeUnknown) as caught:
        await client("withdraw", contract_address="ETH", amount=5, quantized=True)
    assert isinstance(caught.value.cause, errors.ServerError)
    assert len(reddio.mock.get_requests()) == 1


async def test_withdraw_connect_error_is_safe_to_resend(
    client: Driver, reddio: Reddio, sleeps: Sleeps
) -> None:
    reddio.fail("POST", "/v1/withdrawal", httpx.ConnectError("refused"))
    reddio.answer("POST", "/v1/withdrawal", ok({"sequence_id": 3}))
    result = await client("withdraw", contract_address="ETH", amount=5, quantized=True)
    assert result.sequence_id == 3
    assert len(sleeps) == 1


async def test_withdraw_refused_connections_give_up(
    make: Callable[..., Driver], reddio: Reddio
) -> None:
    client = make(max_retries=1)
    for _ in range(2):
        reddio.fail("POST", "/v1/withdrawal", httpx.ConnectError("refused"))
    with pytest.raises(errors.TransportError):
        await client("withdraw", contract_address="ETH", amount=5, quantized=True)


async def test_withdraw_rate_limited_is_not_resent(client: Driver, reddio: Reddio) -> None:
    reddio.answer("POST", "/v1/withdrawal", status_code=429, headers={"Retry-After": "4"})
    with pytest.raises(errors.RateLimited) as caught:
        await client("withdraw", contract_address="ETH", amount=5, quantized=True)
    assert caught.value.retry_after == 4.0


# --- one client, many withdrawals -----------------------------------------------------------


async def test_looked_up_nonces_are_taken_one_withdrawal_at_a_time(
    mode: str, sleeps: Sleeps, reddio: Reddio
) -> None:
    # Reddio's nonce moves only once a withdrawal is in: fetching it for two withdrawals at
    # once would sign both with one nonce (identical bodies would even be taken for one).
    client = Driver(mode, sleeps)
    nonces = iter((5, 6, 7))

    def next_nonce() -> httpx.Response:
        return httpx.Response(200, json=ok({"nonce": next(nonces)}))

    # The nonce lookup pauses, so that without the lock the withdrawals would interleave.
    def slow_nonce(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)
        return next_nonce()

    async def yielding_nonce(request: httpx.Request) -> httpx.Response:
        for _ in range(5):
            await asyncio.sleep(0)
        return next_nonce()

    for nonce in (5, 6, 7):
        reddio.mock.add_callback(
            slow_nonce if mode == "sync" else yielding_nonce, method="GET", url=url("/v1/nonce")
        )
        reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 100 + nonce}))
    explicit = {key: value for key, value in EXPLICIT.items() if key != "nonce"}

    async def one() -> int:
        return int((await client("withdraw_to", **explicit)).sequence_id)

    if mode == "sync":  # threads sharing one blocking client
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            done = list(pool.map(lambda _: asyncio.run(one()), range(3)))
    else:
        done = list(await asyncio.gather(one(), one(), one()))
    assert sorted(done) == [105, 106, 107]
    sent = [(request.method, request.url.path) for request in reddio.mock.get_requests()]
    assert sent == [("GET", "/v1/nonce"), ("POST", "/v1/withdrawalto")] * 3
    assert sorted(body["nonce"] for body in reddio.posted("/v1/withdrawalto")) == [5, 6, 7]
