"""Lookups (every read method, sync and async), error mapping and retries of safe calls."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from reddio_support import (
    ETH_ASSET_ID,
    PRIVATE_KEY,
    RECEIVER,
    STARK_KEY,
    Driver,
    Reddio,
    Sleeps,
    failed,
    ok,
    record,
)
from withdrawal_clients import errors
from withdrawal_clients.reddio import ContractInfo, Record, RecordStatus, ReddioClient

pytestmark = pytest.mark.anyio


async def test_nonce_of_our_stark_key(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/nonce", ok({"nonce": 7}))
    assert await client("nonce") == 7
    assert reddio.query("GET", "/v1/nonce") == {"stark_key": STARK_KEY}


async def test_nonce_of_another_key(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/nonce", ok({"nonce": 0}))
    assert await client("nonce", "0x1234") == 0
    assert reddio.query("GET", "/v1/nonce") == {"stark_key": "0x1234"}


async def test_vault_ids_in_key_order_as_ints(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/vaults", ok({"vault_ids": ["23400429", "7"]}))
    assert await client("vault_ids", ETH_ASSET_ID, [STARK_KEY, RECEIVER]) == [23400429, 7]
    assert reddio.query("GET", "/v1/vaults") == {
        "asset_id": ETH_ASSET_ID,
        "stark_keys": f"{STARK_KEY},{RECEIVER}",
    }


async def test_vault_ids_count_must_match(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/vaults", ok({"vault_ids": ["1"]}))
    with pytest.raises(errors.MalformedResponse, match="1 vault ids for 2 keys"):
        await client("vault_ids", ETH_ASSET_ID, [STARK_KEY, RECEIVER])


@pytest.mark.parametrize(("quantum", "decimals"), [("1000000000000", "18"), (10**12, 18)])
async def test_contract_info_numbers_become_ints(
    client: Driver, reddio: Reddio, quantum: object, decimals: object
) -> None:
    reddio.answer(
        "GET",
        "/v1/contract_info",
        ok({"quantum": quantum, "decimals": decimals, "symbol": "ETH", "name": None, "x": 1}),
    )
    info = await client("contract_info", "ETH", "ETH")
    assert isinstance(info, ContractInfo)
    assert (info.quantum, info.decimals, info.symbol, info.name) == (10**12, 18, "ETH", None)
    assert reddio.query("GET", "/v1/contract_info") == {"type": "ETH", "contract_address": "ETH"}


async def test_contract_info_with_a_zero_quantum_is_malformed(
    client: Driver, reddio: Reddio
) -> None:
    reddio.answer("GET", "/v1/contract_info", ok({"quantum": 0, "decimals": 18}))
    with pytest.raises(errors.MalformedResponse, match="quantum"):
        await client("contract_info", "ETH", "ETH")


async def test_get_record_parses_status_as_open_enum(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/record", ok([record(42, 3, new_field="x")]))
    found = await client("get_record", 42)
    assert isinstance(found, Record)
    assert (found.sequence_id, found.status, found.amount) == (42, 3, "10000")
    assert found.status is not None and found.status.name == "ACCEPTED_ON_L2"
    assert (found.is_accepted, found.is_failed, found.is_final) == (True, False, False)
    assert found.raw["new_field"] == "x"
    assert reddio.query("GET", "/v1/record") == {"stark_key": STARK_KEY, "sequence_id": "42"}


async def test_unknown_record_status_is_kept(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/record", ok([record(42, 99)]))
    found = await client("get_record", 42)
    assert (int(found.status), found.status.name) == (99, "UNKNOWN_99")
    assert (found.is_accepted, found.is_failed, found.is_final) == (False, False, False)


@pytest.mark.parametrize("data", [[], None])
async def test_get_record_without_records_is_not_found(
    client: Driver, reddio: Reddio, data: object
) -> None:
    reddio.answer("GET", "/v1/record", ok(data))
    with pytest.raises(errors.NotFound, match="sequence_id 42"):
        await client("get_record", 42)


async def test_record_by_signature(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/record/by/signature", ok([record(9, 1)]))
    found = await client("record_by_signature", 0x1A2B, "0x3c4d")
    assert found.sequence_id == 9
    assert reddio.query("GET", "/v1/record/by/signature") == {"r": "0x1a2b", "s": "0x3c4d"}


@pytest.mark.parametrize("data", [[], None])
async def test_record_by_signature_none(client: Driver, reddio: Reddio, data: object) -> None:
    reddio.answer("GET", "/v1/record/by/signature", ok(data))
    assert await client("record_by_signature", "0x1", "0x2") is None


async def test_withdrawal_status(client: Driver, reddio: Reddio) -> None:
    asset = {"contract_address": "ETH", "asset_id": ETH_ASSET_ID, "type": "ETH", "amount": "5"}
    reddio.answer("GET", "/v1/withdrawal/status", ok([asset]))
    (found,) = await client("withdrawal_status", RECEIVER)
    assert (found.asset_id, found.type, found.amount, found.symbol) == (
        ETH_ASSET_ID,
        "ETH",
        "5",
        None,
    )
    assert reddio.query("GET", "/v1/withdrawal/status") == {
        "stage": "withdrawarea",
        "ethaddress": RECEIVER,
    }


async def test_wait_for_record_polls_until_final(
    make: Callable[..., Driver], reddio: Reddio, sleeps: Sleeps
) -> None:
    now = [0.0]
    client = make(clock=lambda: now[0])
    reddio.answer("GET", "/v1/record", ok([]))  # not visible yet
    reddio.answer("GET", "/v1/record", ok([record(42, 0)]))
    reddio.answer("GET", "/v1/record", ok([record(42, 3)]))
    reddio.answer("GET", "/v1/record", ok([record(42, 6)]))
    found = await client("wait_for_record", 42, timeout=60, poll_interval=2)
    assert found.status == RecordStatus.ACCEPTED_ON_L1
    assert sleeps == [2, 2, 2]


async def test_wait_for_record_until_predicate(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/record", ok([record(42, 3)]))
    found = await client("wait_for_record", 42, until=lambda r: r.is_accepted)
    assert found.status == 3


async def test_wait_for_record_returns_a_failed_record(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/record", ok([record(42, 4)]))
    found = await client("wait_for_record", 42)
    assert (found.is_failed, found.is_final) == (True, True)


async def test_wait_for_record_times_out_with_last_seen(
    make: Callable[..., Driver], reddio: Reddio, sleeps: Sleeps
) -> None:
    now = [0.0]
    client = make(clock=lambda: now[0])

    def tick(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    async def atick(seconds: float) -> None:
        tick(seconds)

    client.client._driver.sleep = tick if client.mode == "sync" else atick
    for _ in range(4):  # at t = 0, 4, 8 and 10
        reddio.answer("GET", "/v1/record", ok([record(42, 1)]))
    with pytest.raises(errors.WaitTimeout) as caught:
        await client("wait_for_record", 42, timeout=10, poll_interval=4)
    assert caught.value.last_seen.status == 1
    assert sleeps == [4, 4, 2]


# --- errors ---------------------------------------------------------------------------------


async def test_failed_envelope_with_http_200_is_an_api_error(
    client: Driver, reddio: Reddio
) -> None:
    reddio.answer("GET", "/v1/nonce", failed(18, "stark key invalid"))
    with pytest.raises(errors.ApiError) as caught:
        await client("nonce")
    assert type(caught.value) is errors.ApiError
    assert (caught.value.code, caught.value.http_status) == (18, 200)
    assert "stark key invalid" in str(caught.value)


@pytest.mark.parametrize(
    ("status", "body", "error", "code"),
    [
        (200, failed(32, "invalid api key"), errors.AuthError, 32),
        (401, failed(32), errors.AuthError, 32),
        (401, None, errors.AuthError, None),
        (400, failed(19, "invalid param"), errors.BadRequest, 19),
        (403, None, errors.PermissionDenied, None),
        (404, None, errors.NotFound, None),
        (409, failed(77), errors.ApiError, 77),
    ],
)
async def test_error_mapping(
    client: Driver,
    reddio: Reddio,
    status: int,
    body: object,
    error: type[errors.ApiError],
    code: int | None,
) -> None:
    if body is None:
        reddio.answer("GET", "/v1/nonce", status_code=status, text="404 page not found")
    else:
        reddio.answer("GET", "/v1/nonce", body, status_code=status)
    with pytest.raises(error) as caught:
        await client("nonce")
    assert type(caught.value) is error
    assert (caught.value.code, caught.value.http_status) == (code, status)


async def test_html_502_is_retried_then_a_server_error(
    client: Driver, reddio: Reddio, sleeps: Sleeps
) -> None:
    for _ in range(4):
        reddio.answer("GET", "/v1/nonce", status_code=502, html="<html>Bad Gateway</html>")
    with pytest.raises(errors.ServerError) as caught:
        await client("nonce")
    assert caught.value.http_status == 502
    assert "Bad Gateway" in str(caught.value)
    assert len(reddio.sent("GET", "/v1/nonce")) == 4  # 1 + max_retries
    assert len(sleeps) == 3


async def test_html_500_is_judged_by_status_not_json_error(
    client: Driver, reddio: Reddio, sleeps: Sleeps
) -> None:
    # 500 is documented with a JSON body: the generated parser fails on HTML, we do not.
    reddio.answer("GET", "/v1/nonce", status_code=500, html="<html>oops</html>")
    reddio.answer("GET", "/v1/nonce", ok({"nonce": 3}))
    assert await client("nonce") == 3
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    "content",
    [b"<html>maintenance</html>", b'{"status": "OK", "data": {"non', b"[1, 2]", b'{"x": 1}'],
)
async def test_unreadable_2xx_is_malformed(client: Driver, reddio: Reddio, content: bytes) -> None:
    reddio.answer("GET", "/v1/nonce", content=content)
    with pytest.raises(errors.MalformedResponse) as caught:
        await client("nonce")
    assert caught.value.http_status == 200
    assert caught.value.body == content


@pytest.mark.parametrize("data", [None, {"nonce": "seven"}, {"count": 1}, [1], {"nonce": 2**31}])
async def test_wrong_data_is_malformed(client: Driver, reddio: Reddio, data: object) -> None:
    reddio.answer("GET", "/v1/nonce", ok(data))
    with pytest.raises(errors.MalformedResponse):
        await client("nonce")


async def test_record_missing_status_is_malformed(client: Driver, reddio: Reddio) -> None:
    reddio.answer("GET", "/v1/record", ok([{"sequence_id": 1}]))
    with pytest.raises(errors.MalformedResponse):
        await client("get_record", 1)


async def test_odd_http_status_is_still_judged(client: Driver, reddio: Reddio) -> None:
    # Cloudflare's 520 is not an HTTPStatus member: the generated code fails on it. It is not
    # in the shared retry list either, so it is answered at once.
    reddio.answer("GET", "/v1/nonce", status_code=520, text="origin error")
    with pytest.raises(errors.ServerError) as caught:
        await client("nonce")
    assert caught.value.http_status == 520


async def test_429_retry_after_is_honoured(client: Driver, reddio: Reddio, sleeps: Sleeps) -> None:
    reddio.answer("GET", "/v1/nonce", failed(429), status_code=429, headers={"Retry-After": "7"})
    reddio.answer(
        "GET", "/v1/nonce", status_code=429, text="slow down", headers={"Retry-After": "2"}
    )
    reddio.answer("GET", "/v1/nonce", ok({"nonce": 1}))
    assert await client("nonce") == 1
    assert sleeps == [7.0, 2.0]


async def test_429_after_retries_is_rate_limited(
    client: Driver, reddio: Reddio, sleeps: Sleeps
) -> None:
    for _ in range(4):
        reddio.answer("GET", "/v1/nonce", status_code=429, headers={"Retry-After": "1"})
    with pytest.raises(errors.RateLimited) as caught:
        await client("nonce")
    assert caught.value.retry_after == 1.0
    assert sleeps == [1.0, 1.0, 1.0]


async def test_connection_errors_are_retried_then_transport_error(
    client: Driver, reddio: Reddio, sleeps: Sleeps
) -> None:
    reddio.fail("GET", "/v1/nonce", httpx.ConnectError("refused"))
    reddio.fail("GET", "/v1/nonce", httpx.ReadTimeout("slow"))
    reddio.answer("GET", "/v1/nonce", ok({"nonce": 4}))
    assert await client("nonce") == 4
    assert len(sleeps) == 2


async def test_timeouts_after_retries_are_timeout(
    make: Callable[..., Driver], reddio: Reddio
) -> None:
    client = make(max_retries=1)
    reddio.fail("GET", "/v1/nonce", httpx.ReadTimeout("slow"))
    reddio.fail("GET", "/v1/nonce", httpx.ReadTimeout("slow"))
    with pytest.raises(errors.Timeout):
        await client("nonce")


# --- construction ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("network", "base_url"),
    [
        ("mainnet", "https://api.reddio.com"),
        ("testnet", "https://api-dev.reddio.com"),
        ("sepolia", "https://api-sepolia.reddio.com"),
    ],
)
def test_networks(network: str, base_url: str) -> None:
    with ReddioClient(network=network) as client:
        assert client.base_url == base_url
    with ReddioClient("http://127.0.0.1:9", network=network) as client:
        assert client.base_url == "http://127.0.0.1:9"


def test_stark_key_is_derived_from_the_private_key() -> None:
    for key in (PRIVATE_KEY, hex(PRIVATE_KEY)):
        assert ReddioClient(stark_private_key=key).stark_key == STARK_KEY
    assert ReddioClient().stark_key is None


def test_owned_client_is_closed_and_a_callers_is_not() -> None:
    with ReddioClient() as client:
        owned = client._driver.http
    assert owned.is_closed
    mine = httpx.Client(base_url="http://127.0.0.1:9")
    with ReddioClient(http_client=mine) as client:
        assert client.base_url == "http://127.0.0.1:9"
    assert not mine.is_closed
    mine.close()


async def test_a_callers_transport_is_used(sleeps: Sleeps) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=ok({"nonce": 11}))

    with ReddioClient(transport=httpx.MockTransport(handler), stark_private_key=PRIVATE_KEY) as c:
        assert c.nonce() == 11
    assert seen == [f"https://api-dev.reddio.com/v1/nonce?stark_key={STARK_KEY}"]


BAD_DURATIONS = [("timeout", "60"), ("timeout", 0), ("poll_interval", None), ("poll_interval", -1)]


@pytest.mark.parametrize(("field", "value"), BAD_DURATIONS)
def test_wait_for_record_refuses_bad_durations_unsent(field: str, value: object) -> None:
    def no_request(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    client = ReddioClient("http://reddio.test", transport=httpx.MockTransport(no_request))
    with client, pytest.raises(errors.InvalidInput, match=field):
        client.wait_for_record(1, **{field: value})  # type: ignore[arg-type]


def test_starkex_contracts_lists_the_layer_1_addresses() -> None:
    from withdrawal_clients.sandbox import Sandbox

    sandbox = Sandbox()
    with ReddioClient("http://sandbox/reddio", transport=sandbox.transport()) as client:
        listed = client.starkex_contracts()
    assert listed["mainnet"] == "0xB62BcD40A24985f560b5a9745d478791d8F1945C"
    assert listed["sepolia"] == "0x682173dd52A16EC51Cb65Bbd6DA1D3baCf831b45"


@pytest.mark.parametrize("address", ["0x12", "0xb62bcd40a24985f560b5a9745d478791d8F1945C", 5])
def test_a_bad_starkex_contract_address_is_malformed(address: object) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=ok({"mainnet": address}))

    with (
        ReddioClient("http://r.test", transport=httpx.MockTransport(handler)) as client,
        pytest.raises(errors.MalformedResponse),
    ):
        client.starkex_contracts()
