"""Bad input is refused before any request; offline signing; secrets stay secret."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from reddio_support import (
    ETH_ASSET_ID,
    ETH_INFO,
    EXPLICIT,
    PRIVATE_KEY,
    RECEIVER,
    STARK_KEY,
    Driver,
    Reddio,
    ok,
)
from withdrawal_clients import errors, starkex
from withdrawal_clients.reddio import (
    AsyncReddioClient,
    RecordStatus,
    ReddioClient,
    SignedWithdrawalTo,
    StarkKeys,
    build_withdrawal_to,
)

pytestmark = pytest.mark.anyio

ERC721 = "0xb18ed4768f87b0ffab83408014f1caf066b91380"
GOOD = EXPLICIT

BAD_WITHDRAW_TO = [
    ({"amount": 0.5, "quantized": False}, "amount", "float"),
    ({"amount": Decimal("-1"), "quantized": False}, "amount", "positive"),
    ({"amount": "0", "quantized": False}, "amount", "positive"),
    ({"amount": Decimal("NaN"), "quantized": False}, "amount", "finite"),
    ({"amount": "1,5", "quantized": False}, "amount", "decimal"),
    ({"amount": True, "quantized": False}, "amount", ""),
    ({"amount": 0}, "amount", "positive"),
    ({"amount": -3}, "amount", "positive"),
    ({"amount": 2**63}, "amount", "2^63"),
    ({"amount": Decimal(5)}, "amount", "quantized=True"),
    ({"amount": 2}, "amount", None),  # placeholder replaced below for the NFT case
    ({"receiver": "0xZZ"}, "receiver", "hex"),
    ({"receiver": RECEIVER[2:]}, "receiver", "hex"),
    ({"receiver": "0x" + "f" * 64}, "receiver", "2^251"),
    ({"contract_address": "0x1234"}, "contract_address", "Ethereum address"),
    ({"asset_type": "ERC1155"}, "asset_type", "must be one of"),
    ({"asset_type": "ERC20"}, "contract_address", "ETH"),
    ({"asset_id": "0x" + "f" * 64}, "asset_id", "2^251"),
    ({"asset_id": "352f9f"}, "asset_id", "hex"),
    ({"vault_id": 2**31}, "vault_id", "2^31"),
    ({"vault_id": -1}, "vault_id", "2^31"),
    ({"vault_id": "12a"}, "vault_id", "int"),
    ({"receiver_vault_id": 2**31}, "receiver_vault_id", "2^31"),
    ({"nonce": 2**31}, "nonce", "2^31"),
    ({"nonce": -1}, "nonce", "2^31"),
    ({"nonce": 1.0}, "nonce", "int"),
    ({"expiration_timestamp": 1_700_000_000}, "expiration_timestamp", "HOURS"),
    ({"expiration_timestamp": 2**22}, "expiration_timestamp", "HOURS"),
    ({"expiration_timestamp": -1}, "expiration_timestamp", "hours"),
    ({"token_id": "5"}, "token_id", "empty for ETH"),
]
BAD_WITHDRAW_TO[10] = (
    {"contract_address": ERC721, "asset_type": "ERC721", "token_id": 1, "amount": 2},
    "amount",
    "exactly 1",
)


@pytest.mark.parametrize(("change", "field", "rule"), BAD_WITHDRAW_TO)
async def test_bad_withdraw_to_input_is_refused_before_any_request(
    client: Driver, reddio: Reddio, change: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        await client("withdraw_to", **{**GOOD, **change})
    assert caught.value.field == field
    assert rule in caught.value.rule
    assert reddio.mock.get_requests() == []


async def test_nft_without_token_id_is_refused(client: Driver, reddio: Reddio) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        await client("withdraw_to", **{**GOOD, "contract_address": ERC721, "asset_type": "ERC721"})
    assert caught.value.field == "token_id"
    assert reddio.mock.get_requests() == []


async def test_missing_private_key_is_refused(make: Callable[..., Driver], reddio: Reddio) -> None:
    client = make(stark_private_key=None)
    with pytest.raises(errors.InvalidInput) as caught:
        await client("withdraw_to", **GOOD)
    assert caught.value.field == "stark_private_key"
    assert reddio.mock.get_requests() == []


@pytest.mark.parametrize(
    ("amount", "info", "rule"),
    [
        (Decimal("0.0000000000001"), ETH_INFO, "whole number of quanta"),  # 0.1 quantum
        (Decimal(10) ** 8, {"decimals": 18, "quantum": 1}, "too large"),
    ],
)
async def test_amounts_that_do_not_quantize_are_refused_before_the_post(
    client: Driver, reddio: Reddio, amount: Decimal, info: dict[str, Any], rule: str
) -> None:
    reddio.answer("GET", "/v1/contract_info", ok(info))
    change = {"amount": amount, "quantized": False}
    with pytest.raises(errors.InvalidInput) as caught:
        await client("withdraw_to", **{**GOOD, **change})
    assert (caught.value.field, rule in caught.value.rule) == ("amount", True)
    assert reddio.sent("POST", "/v1/withdrawalto") == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"contract_address": "ETH", "amount": 1.5}, "amount"),
        (
            {"contract_address": "ETH", "amount": 1, "quantized": True, "stark_key": "xyz"},
            "stark_key",
        ),
        ({"contract_address": "0xabc", "amount": 1}, "contract_address"),
        ({"contract_address": "ETH", "amount": 1, "token_id": "9"}, "token_id"),
    ],
)
async def test_bad_withdraw_input(
    client: Driver, reddio: Reddio, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        await client("withdraw", **kwargs)
    assert caught.value.field == field
    assert reddio.mock.get_requests() == []


async def test_withdraw_without_any_stark_key(make: Callable[..., Driver], reddio: Reddio) -> None:
    client = make(stark_private_key=None)
    with pytest.raises(errors.InvalidInput) as caught:
        await client("withdraw", contract_address="ETH", amount=1, quantized=True)
    assert caught.value.field == "stark_key"
    assert reddio.mock.get_requests() == []


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "field"),
    [
        ("get_record", (-1,), {}, "sequence_id"),
        ("get_record", ("5",), {}, "sequence_id"),
        ("vault_ids", (ETH_ASSET_ID, STARK_KEY), {}, "stark_keys"),
        ("vault_ids", (ETH_ASSET_ID, []), {}, "stark_keys"),
        ("vault_ids", ("nothex", [STARK_KEY]), {}, "asset_id"),
        ("withdrawal_status", ("0x123",), {}, "eth_address"),
        ("record_by_signature", ("zz", "0x1"), {}, "r"),
        ("contract_info", ("ETH", "DOGE"), {}, "asset_type"),
        ("wait_for_record", (1,), {"timeout": 0}, "timeout"),
        ("wait_for_record", (1,), {"poll_interval": -1}, "poll_interval"),
        ("nonce", ("0xnothex",), {}, "stark_key"),
    ],
)
async def test_bad_lookup_input(
    client: Driver,
    reddio: Reddio,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        await client(method, *args, **kwargs)
    assert caught.value.field == field
    assert reddio.mock.get_requests() == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"network": "moon"}, "network"),
        ({"stark_private_key": 0}, "stark_private_key"),
        ({"stark_private_key": "0xnothex"}, "stark_private_key"),
        ({"stark_private_key": starkex.EC_ORDER}, "stark_private_key"),
        ({"max_retries": -1}, "max_retries"),
    ],
)
@pytest.mark.parametrize("cls", [ReddioClient, AsyncReddioClient])
def test_bad_constructor_input(cls: type, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        cls(**kwargs)
    assert caught.value.field == field


# --- offline signing ------------------------------------------------------------------------

# StarkWare's signature_test_data.json, transfer_order: fields, private key, message hash, and
# the deterministic (RFC 6979, no seed) signature of that hash under that key.
VECTOR = {
    "private_key": 0x7CC2767A160D4EA112B436DC6F79024DB70B26B11ED7AA2CB6D7EEF19ACE703,
    "public_key": "0x59a543d42bcc9475917247fa7f136298bb385a6388c3df7309955fcb39b8dd4",
    "amount": 2154549703648910716,
    "nonce": 1,
    "sender_vault_id": 34,
    "receiver_vault_id": 21,
    "token": "0x3003a65651d3b9fb2eff934a4416db301afd112a8492aaf8d7297fc87dcd9f4",
    "receiver": "0x5fa3383597691ea9d827a79e1a4f0f7949435ced18ca9619de8ab97e661020",
    "expiration_timestamp": 438953,
    "message_hash": 0x6366B00C218FB4C8A8B142CA482145E8513C78E00FAA0DE76298BA14FC37AE7,
    "r": 0x4C21B3DF630EAB38D75B5538E8F635167F4F7107A885D7ADF542A7525240323,
    "s": 0x5EACFAA59ED1B63D75241A1DBD9256D2EFBE97F9451F2CF2A2AF0BAD5B5AB69,
}


def sign_vector(private_key: Any = VECTOR["private_key"]) -> SignedWithdrawalTo:
    return build_withdrawal_to(
        stark_private_key=private_key,
        contract_address="ETH",
        asset_id=VECTOR["token"],
        amount=VECTOR["amount"],
        nonce=VECTOR["nonce"],
        vault_id=VECTOR["sender_vault_id"],
        receiver=VECTOR["receiver"],
        receiver_vault_id=VECTOR["receiver_vault_id"],
        expiration_timestamp=VECTOR["expiration_timestamp"],
    )


def test_build_withdrawal_to_matches_starkwares_vector() -> None:
    signed = sign_vector()
    assert (signed.msg_hash, signed.r, signed.s) == (
        VECTOR["message_hash"],
        VECTOR["r"],
        VECTOR["s"],
    )
    assert signed.to_dict() == {
        "contract_address": "ETH",
        "asset_id": VECTOR["token"],
        "stark_key": VECTOR["public_key"],
        "amount": "2154549703648910716",
        "token_id": "",
        "nonce": 1,
        "vault_id": "34",
        "receiver": VECTOR["receiver"],
        "receiver_vault_id": "21",
        "expiration_timestamp": 438953,
        "signature": {"r": hex(VECTOR["r"]), "s": hex(VECTOR["s"])},
    }


def test_build_withdrawal_to_accepts_hex_secret_and_derived_keys() -> None:
    from withdrawal_clients._core.secret import Secret

    keys = StarkKeys.of(VECTOR["private_key"])
    assert keys.stark_key == VECTOR["public_key"]
    assert VECTOR["public_key"] in repr(keys) and "7cc2767a" not in repr(keys)
    for key in (hex(VECTOR["private_key"]), Secret(VECTOR["private_key"]), keys):
        assert sign_vector(key) == sign_vector()


def test_signed_withdrawal_is_immutable() -> None:
    signed = sign_vector()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        signed.msg_hash = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        signed.body["amount"] = "1"  # type: ignore[index]
    copy = signed.to_dict()
    copy["signature"]["r"] = "0x1"
    assert signed.body["signature"]["r"] == hex(VECTOR["r"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": 2**63}, "amount"),
        ({"amount": "10"}, "amount"),
        ({"nonce": 2**31}, "nonce"),
        ({"vault_id": 2**31}, "vault_id"),
        ({"receiver": "nothex"}, "receiver"),
        ({"expiration_timestamp": 1_700_000_000}, "expiration_timestamp"),
        ({"stark_private_key": None}, "stark_private_key"),
        ({"token_id": "x1"}, "token_id"),
        ({"token_id": "1", "amount": 2}, "amount"),
    ],
)
def test_build_withdrawal_to_refuses_bad_input(change: dict[str, Any], field: str) -> None:
    kwargs: dict[str, Any] = {
        "stark_private_key": PRIVATE_KEY,
        "contract_address": "ETH",
        "asset_id": ETH_ASSET_ID,
        "amount": 10,
        "nonce": 0,
        "vault_id": 1,
        "receiver": RECEIVER,
        "receiver_vault_id": 2,
        **change,
    }
    with pytest.raises(errors.InvalidInput) as caught:
        build_withdrawal_to(**kwargs)
    assert caught.value.field == field


def test_record_status_sets() -> None:
    accepted = [s for s in range(8) if RecordStatus(s).is_accepted]
    failed = [s for s in range(8) if RecordStatus(s).is_failed]
    final = [s for s in range(8) if RecordStatus(s).is_final]
    assert (accepted, failed, final) == ([1, 3, 6], [2, 4, 5], [2, 4, 5, 6])
    assert RecordStatus.ROLLED == 5
    assert repr(RecordStatus(7)) == "RecordStatus.UNKNOWN_7(7)"


# --- secrets --------------------------------------------------------------------------------

SECRET_FORMS = [hex(PRIVATE_KEY), hex(PRIVATE_KEY)[2:], str(PRIVATE_KEY)]


def assert_no_secret(text: str) -> None:
    lowered = text.lower()
    for form in SECRET_FORMS:
        assert form not in lowered


async def test_private_key_never_shows(
    client: Driver, reddio: Reddio, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
    reddio.answer("GET", "/v1/record/by/signature", ok([]))
    reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
    reddio.answer("GET", "/v1/record/by/signature", ok([]))
    reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
    reddio.answer("GET", "/v1/record/by/signature", ok([]))
    reddio.fail("POST", "/v1/withdrawalto", httpx.ReadTimeout("slow"))
    reddio.answer("GET", "/v1/record/by/signature", ok([]))
    with pytest.raises(errors.OutcomeUnknown) as caught:
        await client("withdraw_to", **GOOD)
    shown = [
        repr(client.client),
        str(client.client),
        repr(vars(client.client)),
        repr(vars(client.client._plans)),
        str(caught.value),
        repr(caught.value),
        caught.value.how_to_check,
        caplog.text,
        *(str(request.content) for request in reddio.mock.get_requests()),
    ]
    assert "OutcomeUnknown" in repr(caught.value) and "StarkKeys(stark_key=" in shown[3]
    assert caplog.text  # the reconciliation was logged
    for text in shown:
        assert_no_secret(text)


@pytest.mark.parametrize(
    "key", [starkex.EC_ORDER + 12345, "0x" + "9" * 64, -PRIVATE_KEY, "0x" + hex(PRIVATE_KEY)]
)
def test_bad_private_key_errors_do_not_quote_it(key: Any) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        ReddioClient(stark_private_key=key)
    assert caught.value.field == "stark_private_key"
    assert_no_secret(str(caught.value))
    assert str(key).lower()[-20:] not in str(caught.value).lower()


def test_clients_cannot_be_pickled_with_their_key() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(ReddioClient(stark_private_key=PRIVATE_KEY)._plans.keys)


# --- keys from an Ethereum wallet -----------------------------------------------------------


def test_keys_from_a_wallet_signature() -> None:
    # StarkWare's key-derivation test vector (getPrivateKeyFromEthSignature).
    signature = (
        "0x21fbf0696d5e0aa2ef41a2b4ffb623bcaf070461d61cf7251c74161f82fec3a4"
        "370854bc0a34b3ab487c1bc021cd318c734c51ae29374f2beb0e6f2dd49b4bf41c"
    )
    keys = StarkKeys.from_eth_signature(signature)
    assert (
        keys.private.reveal() == 0x766F11E90CD7C7B43085B56DA35C781F8C067AC0D578EABDCEEBC4886435BDA
    )
    assert keys.stark_key == hex(starkex.private_to_stark_key(keys.private))
    assert "766f11e9" not in repr(keys)


def test_keys_from_an_eth_key_sign_reddios_payload() -> None:
    from eth_account import Account
    from eth_account.messages import encode_typed_data

    eth_key = "0x" + "4f" * 32
    # Reddio's payload, written out from its documentation: domain {chainId} only, primary
    # type "reddio" with one string field, and the fixed contents.
    payload = {
        "types": {
            "EIP712Domain": [{"name": "chainId", "type": "uint256"}],
            "reddio": [{"name": "contents", "type": "string"}],
        },
        "domain": {"chainId": 11155111},
        "primaryType": "reddio",
        "message": {"contents": "Generate layer 2 key"},
    }
    signed = Account.sign_message(encode_typed_data(full_message=payload), private_key=eth_key)
    expected = StarkKeys.from_eth_signature("0x" + bytes(signed.signature).hex())
    assert StarkKeys.from_eth_key(eth_key, chain_id=11155111) == expected
    assert StarkKeys.from_eth_key(eth_key, chain_id=1) != expected


def test_a_bad_eth_key_is_not_quoted() -> None:
    bad = "0x" + "ff" * 32  # above the secp256k1 order
    with pytest.raises(errors.InvalidInput) as caught:
        StarkKeys.from_eth_key(bad, chain_id=1)
    assert caught.value.field == "eth_private_key"
    assert "ff" * 8 not in str(caught.value)
