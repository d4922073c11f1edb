"""The sandbox's Reddio: assets, vaults, nonces, signed withdrawalto, records, faults of input."""

from __future__ import annotations

import concurrent.futures
from decimal import Decimal
from typing import Any

import httpx
import pytest
from Crypto.Hash import keccak
from withdrawal_clients import starkex
from withdrawal_clients.sandbox import Sandbox, SandboxConfig

TEST_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
ETH_ASSET_ID = 0x352F9FFD821A525051DE2D71126113505A7B0A73D98DBC0AC0FF343CFBDEF5E
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
ERC20 = "0x5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d0020"
ERC721 = "0x5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d0721"
MASK_250 = 2**250 - 1


def keccak_int(*parts: bytes) -> int:
    return int.from_bytes(keccak.new(digest_bits=256, data=b"".join(parts)).digest(), "big")


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


# The StarkEx asset-id rules, written out here independently of the package.
ERC20_ID = keccak_int(bytes.fromhex("f47261b0"), word(int(ERC20, 16)), word(1)) & MASK_250
ERC721_TYPE = keccak_int(bytes.fromhex("02571792"), word(int(ERC721, 16)), word(1)) & MASK_250


def nft_id(token_id: int) -> int:
    return keccak_int(b"NFT:", word(ERC721_TYPE), word(token_id)) & MASK_250


def data(response: httpx.Response) -> Any:
    body = response.json()
    assert body["status"] == "OK", body
    return body["data"]


def failure(response: httpx.Response) -> tuple[int, int]:
    body = response.json()
    assert body["status"] == "FAILED"
    return response.status_code, body["error_code"]


def stark_key(private_key: int = TEST_KEY) -> str:
    return hex(starkex.private_to_stark_key(private_key))


def nonce(http: httpx.Client, key: str) -> int:
    value: int = data(http.get("/reddio/v1/nonce", params={"stark_key": key}))["nonce"]
    return value


def post_to(http: httpx.Client, body: Any) -> httpx.Response:
    return http.post("/reddio/v1/withdrawalto", json=body)


def records(http: httpx.Client, key: str, sequence_id: int) -> list[dict[str, Any]]:
    params = {"stark_key": key, "sequence_id": sequence_id}
    found: list[dict[str, Any]] = data(http.get("/reddio/v1/record", params=params))
    return found


def test_eth_contract_info_and_asset_ids(http: httpx.Client) -> None:
    info = data(
        http.get("/reddio/v1/contract_info", params={"type": "ETH", "contract_address": "ETH"})
    )
    assert (info["quantum"], info["decimals"], info["type"]) == (10**12, 18, "ETH")
    assert int(info["asset_type"], 16) == ETH_ASSET_ID

    def asset_id(**params: str) -> int:
        return int(data(http.get("/reddio/v1/assetid", params=params))["asset_id"], 16)

    assert asset_id(type="ETH", contract_address="ETH") == ETH_ASSET_ID
    assert asset_id(type="ERC20", contract_address=ERC20, quantum="1") == ERC20_ID
    assert asset_id(type="ERC721", contract_address=ERC721, token_id="2") == nft_id(2)
    assert failure(
        http.get("/reddio/v1/assetid", params={"type": "ERC20", "contract_address": ERC721})
    ) == (200, 6)


def test_unknown_contract_is_no_such_asset(http: httpx.Client) -> None:
    params = {"type": "ERC20", "contract_address": "0x" + "99" * 20}
    assert failure(http.get("/reddio/v1/contract_info", params=params)) == (200, 6)


def test_vault_ids_are_stable_per_key_and_asset(http: httpx.Client) -> None:
    def vaults(asset: int, *keys: str) -> list[str]:
        params = {"asset_id": hex(asset), "stark_keys": ",".join(keys)}
        found: list[str] = data(http.get("/reddio/v1/vaults", params=params))["vault_ids"]
        return found

    key = stark_key()
    first = vaults(ETH_ASSET_ID, key, RECEIVER)
    assert vaults(ETH_ASSET_ID, RECEIVER, key) == first[::-1]
    assert len({*first, *vaults(ERC20_ID, key, RECEIVER)}) == 4
    assert all(0 <= int(v) < 2**31 for v in first)


def test_withdrawal_to_debits_records_and_moves_through_statuses(
    http: httpx.Client, withdrawal_to_body: Any, sandbox: Sandbox
) -> None:
    key = stark_key()
    before = sandbox.reddio.balance(int(key, 16), ETH_ASSET_ID)
    assert before == 10 * 10**18 // 10**12  # the configured 10 ETH, in quanta
    body = withdrawal_to_body(amount=250_000)
    sequence_id = data(post_to(http, body))["sequence_id"]

    assert sandbox.reddio.balance(int(key, 16), ETH_ASSET_ID) == before - 250_000
    assert nonce(http, key) == body["nonce"] + 1
    (record,) = records(http, key, sequence_id)
    assert record["status"] == 0
    assert (record["amount"], record["display_value"], record["record_type"]) == (
        "250000",
        "0.25",
        4,  # a withdrawal: the receiver is an Ethereum address
    )
    assert (record["to"], record["token_id"]) == (RECEIVER, "")
    by_signature = http.get("/reddio/v1/record/by/signature", params=body["signature"])
    assert [r["sequence_id"] for r in data(by_signature)] == [sequence_id]
    ready = {"stage": "withdrawarea", "ethaddress": RECEIVER}
    assert data(http.get("/reddio/v1/withdrawal/status", params=ready)) == []

    start, config = sandbox.clock.now(), sandbox.config

    def status_at(elapsed: float) -> int:
        sandbox.advance(start + elapsed - sandbox.clock.now())
        status: int = records(http, key, sequence_id)[0]["status"]
        return status

    assert status_at(config.reddio_accepted_after) == 1
    assert status_at(config.reddio_on_l2_after) == 3
    assert status_at(config.reddio_on_l1_after - 0.5) == 3
    assert data(http.get("/reddio/v1/withdrawal/status", params=ready)) == []
    assert status_at(config.reddio_on_l1_after) == 6
    (withdrawable,) = data(http.get("/reddio/v1/withdrawal/status", params=ready))
    assert (withdrawable["amount"], withdrawable["display_value"]) == (250_000, "0.25")
    assert int(withdrawable["asset_id"], 16) == ETH_ASSET_ID


def flip_bit(hex_value: str, bit: int) -> str:
    return hex(int(hex_value, 16) ^ (1 << bit))


@pytest.mark.parametrize(("part", "bit"), [("r", 0), ("s", 0), ("s", 200), ("r", 250)])
def test_a_signature_with_one_bit_flipped_is_refused(
    http: httpx.Client, withdrawal_to_body: Any, sandbox: Sandbox, part: str, bit: int
) -> None:
    body = withdrawal_to_body()
    tampered = {**body["signature"], part: flip_bit(body["signature"][part], bit)}
    assert failure(post_to(http, {**body, "signature": tampered})) == (200, 34)
    assert sandbox.reddio.record_count() == 0
    assert nonce(http, body["stark_key"]) == body["nonce"]
    assert data(post_to(http, body))["sequence_id"]  # the untouched body is accepted


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "250001"},
        {"receiver": "0x76f2fc7ed90039d986e3eb4db294f05e160c8f04"},
        {"expiration_timestamp": 2**22 - 2},
        {"stark_key": hex(starkex.private_to_stark_key(TEST_KEY + 1))},
    ],
)
def test_fields_changed_after_signing_are_refused(
    http: httpx.Client, withdrawal_to_body: Any, change: dict[str, Any]
) -> None:
    code = failure(post_to(http, withdrawal_to_body(after=change)))
    assert code == (200, 34)


def test_duplicates_are_refused(
    http: httpx.Client, withdrawal_to_body: Any, sandbox: Sandbox
) -> None:
    body = withdrawal_to_body()
    assert data(post_to(http, body))
    assert failure(post_to(http, body)) == (200, 13)
    same_nonce = withdrawal_to_body(nonce=body["nonce"], amount=1)
    assert failure(post_to(http, same_nonce)) == (200, 13)
    assert sandbox.reddio.record_count() == 1


def test_concurrent_copies_give_exactly_one_record(
    http: httpx.Client, withdrawal_to_body: Any, sandbox: Sandbox
) -> None:
    body = withdrawal_to_body()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: post_to(http, body).json(), range(8)))
    assert sorted(a["error_code"] for a in answers) == [0] + [13] * 7
    assert sandbox.reddio.record_count() == 1


def test_insufficient_balance(http: httpx.Client, withdrawal_to_body: Any) -> None:
    too_much = 10 * 10**6 + 1  # quanta: 10 ETH is 10^7 quanta of 10^12 wei
    assert failure(post_to(http, withdrawal_to_body(amount=too_much))) == (200, 8)
    assert data(post_to(http, withdrawal_to_body(amount=10 * 10**6)))


def test_json_integers_are_refused_as_the_spec_says(
    http: httpx.Client, withdrawal_to_body: Any, sandbox: Sandbox
) -> None:
    body = withdrawal_to_body()
    assert failure(post_to(http, {**body, "amount": int(body["amount"])})) == (400, 2)
    for field in ("vault_id", "receiver_vault_id"):
        assert failure(post_to(http, {**body, field: int(body[field])})) == (400, 19)
    assert sandbox.reddio.record_count() == 0
    assert data(post_to(http, body))["sequence_id"]  # the same values as strings go through


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"amount": "0"}, (400, 2)),
        ({"amount": str(2**63)}, (400, 2)),
        ({"amount": "-5"}, (400, 2)),
        ({"amount": 2.5}, (400, 2)),
        ({"amount": "0001000"}, (400, 2)),
        ({"amount": "1" * 5000}, (400, 2)),
        ({"stark_key": "0X" + stark_key()[2:]}, (400, 18)),
        ({"stark_key": "0x0" + stark_key()[2:]}, (400, 18)),
        ({"stark_key": hex(2**251)}, (400, 18)),
        ({"contract_address": "Eth"}, (400, 19)),
        ({"token_id": None}, (400, 19)),
        ({"token_id": "1" * 5000}, (400, 19)),
        ({"vault_id": "0" + "1"}, (400, 19)),
        ({"nonce": 2**31}, (400, 19)),
        ({"nonce": "seven"}, (400, 19)),
        ({"vault_id": str(2**31)}, (400, 19)),
        ({"expiration_timestamp": 2**22}, (400, 19)),
        ({"expiration_timestamp": 1_700_000_000}, (400, 19)),  # seconds, not hours
        ({"expiration_timestamp": 1}, (400, 19)),  # hours, but long past
        ({"asset_id": "1234"}, (400, 19)),
        ({"stark_key": "0xzz"}, (400, 18)),
        ({"signature": {"r": "0x1"}}, (400, 19)),
        ({"signature": "0x1234"}, (400, 19)),
        ({"receiver": "0x0"}, (400, 19)),
        ({"receiver": "0x" + "0" * 40}, (400, 19)),
        ({"contract_address": ERC20}, (200, 6)),
    ],
)
def test_bad_fields_are_refused_before_anything_changes(
    http: httpx.Client,
    withdrawal_to_body: Any,
    sandbox: Sandbox,
    change: dict[str, Any],
    expected: tuple[int, int],
) -> None:
    body = withdrawal_to_body(after=change)
    assert failure(post_to(http, body)) == expected
    assert sandbox.reddio.record_count() == 0


def test_missing_fields_and_bad_json(http: httpx.Client, withdrawal_to_body: Any) -> None:
    body = withdrawal_to_body()
    del body["receiver_vault_id"]
    assert failure(post_to(http, body)) == (400, 19)
    broken = http.post("/reddio/v1/withdrawalto", content=b"{", headers={"content-type": "json"})
    assert failure(broken) == (400, 401)


def test_an_nft_is_withdrawn_once(
    http: httpx.Client, withdrawal_to_body: Any, sandbox: Sandbox
) -> None:
    nft = {"contract_address": ERC721, "asset_id": nft_id(2), "token_id": "2"}
    assert data(post_to(http, withdrawal_to_body(amount=1, **nft)))
    assert failure(post_to(http, withdrawal_to_body(amount=1, **nft))) == (200, 8)
    other_token = {**nft, "asset_id": nft_id(9)}
    assert failure(post_to(http, withdrawal_to_body(amount=1, **other_token))) == (200, 6)
    assert sandbox.reddio.record_count() == 1


def test_unsigned_withdrawal_debits_and_records(http: httpx.Client, sandbox: Sandbox) -> None:
    key = stark_key(TEST_KEY + 7)
    body = {"contract_address": ERC20, "token_id": "", "stark_key": key, "amount": "1500000"}
    sequence_id = data(http.post("/reddio/v1/withdrawal", json=body))["sequence_id"]
    (record,) = records(http, key, sequence_id)
    assert (record["record_type"], record["amount"], record["display_value"]) == (
        4,
        "1500000",
        "1.5",
    )
    assert sandbox.reddio.balance(int(key, 16), ERC20_ID) == 10_000 * 10**6 - 1_500_000
    assert records(http, stark_key(), sequence_id) == []  # another key sees nothing
    over = {**body, "amount": str(10**12)}
    assert failure(http.post("/reddio/v1/withdrawal", json=over)) == (200, 8)


def test_vaults_must_belong_to_sender_and_receiver(
    http: httpx.Client, withdrawal_to_body: Any
) -> None:
    real = withdrawal_to_body()
    sender, receiver = real["vault_id"], real["receiver_vault_id"]
    for wrong in (("5", receiver), (sender, "5"), (receiver, sender)):
        assert failure(post_to(http, withdrawal_to_body(vault_ids=wrong))) == (200, 19)


def test_amounts_stay_exact_up_to_the_largest_quantized_value(
    checked_client: Any, withdrawal_to_body: Any
) -> None:
    largest = 2**63 - 1  # quanta of 10^12 wei: 9223372036854.775807 ETH
    sandbox = Sandbox(SandboxConfig(starting_eth=Decimal("9223372036854.775807")))
    http = checked_client(sandbox)
    body = withdrawal_to_body(client=http, amount=largest)
    sequence_id = data(post_to(http, body))["sequence_id"]
    (record,) = records(http, body["stark_key"], sequence_id)
    assert (record["amount"], record["display_value"]) == (str(largest), "9223372036854.775807")


def test_starting_balances_are_configurable(checked_client: Any, withdrawal_to_body: Any) -> None:
    http = checked_client(Sandbox(SandboxConfig(starting_eth=Decimal(0))))
    assert failure(post_to(http, withdrawal_to_body(client=http, amount=1))) == (200, 8)
    with pytest.raises(ValueError, match="whole number of quanta"):
        Sandbox(SandboxConfig(starting_eth=Decimal("0.0000001")))
