"""Amounts and integer inputs: ASCII digits only, no surrounding spaces, bounded size.

Each is refused with InvalidInput before any request: never a ValueError from Python's int
digit limit, never a 401-digit amount posted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hardening_support import (
    ETH_ASSET_ID,
    EXPLICIT,
    PRIVATE_KEY,
    RECEIVER,
    SIGNATURE,
    TOKEN,
    USDC,
)
from pytest_httpx import HTTPXMock
from withdrawal_clients import InvalidInput, amounts
from withdrawal_clients.omnia import OmniaClient
from withdrawal_clients.reddio import ReddioClient, build_withdrawal_to

NOT_ASCII_OR_PADDED = [
    "\u0663",  # Arabic-Indic three
    "\uff15",  # full-width five
    "1\u0660",  # Arabic-Indic zero after an ASCII one
    "\u0661.5",
    " 5",
    "5 ",
    "5\n",
    "\t5",
    "1e\u0662",
]
HUGE: list[object] = [2**300, -(2**300), 10**400, "1e400", "1" + "0" * 400, Decimal("1e300")]


@pytest.mark.parametrize("text", NOT_ASCII_OR_PADDED)
def test_amount_text_must_be_plain_ascii(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        amounts.to_decimal(text, "amount")
    assert raised.value.field == "amount"


@pytest.mark.parametrize("value", HUGE)
def test_huge_amounts_are_refused(value: object) -> None:
    with pytest.raises(InvalidInput):
        amounts.to_decimal(value, "amount")


def test_the_largest_uint256_amount_is_still_a_number() -> None:
    assert amounts.to_decimal(2**256 - 1, "amount") == Decimal(2**256 - 1)


@pytest.mark.parametrize("amount", [*NOT_ASCII_OR_PADDED, *HUGE])
def test_omnia_posts_no_such_amount(httpx_mock: HTTPXMock, amount: object) -> None:
    omnia = OmniaClient(base_url="https://omnia.test/api", token=TOKEN)
    with omnia, pytest.raises(InvalidInput) as raised:
        omnia.request_withdrawal(
            order_source="ETHEREUM", token_address=USDC, amount=amount, signature=SIGNATURE
        )
    assert raised.value.field == "amount"
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("amount", [*NOT_ASCII_OR_PADDED, *HUGE])
def test_reddio_refuses_such_amounts_before_any_lookup(
    httpx_mock: HTTPXMock, amount: object
) -> None:
    reddio = ReddioClient(stark_private_key=PRIVATE_KEY)
    with reddio, pytest.raises(InvalidInput) as raised:
        reddio.withdraw_to(
            contract_address="ETH", asset_type="ETH", amount=amount, receiver=RECEIVER
        )
    assert raised.value.field == "amount"
    assert httpx_mock.get_requests() == []


LONG = "9" * 5000


@pytest.mark.parametrize("field", ["nonce", "vault_id", "receiver_vault_id"])
@pytest.mark.parametrize("text", [LONG, "\u0665", " 5", "5\n"])
def test_long_or_foreign_vault_ids_and_nonces_are_invalid_input(
    httpx_mock: HTTPXMock, field: str, text: str
) -> None:
    reddio = ReddioClient(stark_private_key=PRIVATE_KEY)
    with reddio, pytest.raises(InvalidInput) as raised:
        reddio.withdraw_to(**{**EXPLICIT, field: text})
    assert raised.value.field == field
    assert httpx_mock.get_requests() == []


def test_leading_zeros_are_still_the_number() -> None:
    signed = build_withdrawal_to(
        stark_private_key=PRIVATE_KEY,
        contract_address="ETH",
        asset_id=ETH_ASSET_ID,
        amount=1,
        nonce="0" * 5000 + "5",  # type: ignore[arg-type]
        vault_id="011",
        receiver=RECEIVER,
        receiver_vault_id=22,
    )
    assert (signed.body["nonce"], signed.body["vault_id"]) == (5, "11")


@pytest.mark.parametrize("token_id", [LONG, 2**256, str(2**256), "\u0667"])
def test_long_token_ids_are_invalid_input(httpx_mock: HTTPXMock, token_id: object) -> None:
    nft = "0x" + "ab" * 20
    reddio = ReddioClient(stark_private_key=PRIVATE_KEY)
    with reddio, pytest.raises(InvalidInput) as raised:
        reddio.withdraw_to(
            contract_address=nft,
            asset_type="ERC721",
            amount=1,
            quantized=True,
            token_id=token_id,
            receiver=RECEIVER,
            nonce=5,
            vault_id=11,
            receiver_vault_id=22,
        )
    assert raised.value.field == "token_id"
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("field", ["nonce", "vault_id"])
def test_build_refuses_long_digit_strings(field: str) -> None:
    kwargs: dict[str, Any] = {
        "stark_private_key": PRIVATE_KEY,
        "contract_address": "ETH",
        "asset_id": ETH_ASSET_ID,
        "amount": 1,
        "nonce": 5,
        "vault_id": 11,
        "receiver": RECEIVER,
        "receiver_vault_id": 22,
    }
    with pytest.raises(InvalidInput) as raised:
        build_withdrawal_to(**{**kwargs, field: LONG})
    assert raised.value.field == field
