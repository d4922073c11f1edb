"""Bad input is refused with InvalidInput naming the field, before any request is sent.

Each case runs with both clients; pytest-httpx fails any test that sends a request nobody
expected, and each test also checks that none was sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pytest_httpx import HTTPXMock
from withdrawal_clients import errors
from withdrawal_clients.omnia.inputs import resolve_deadline
from withdrawal_clients.omnia.signers import ExternalSigner

pytestmark = pytest.mark.anyio

IID = "f0e1d2c3-0000-4000-8000-000000000001"


class NotASigner:
    def sign(self, withdrawal: object) -> str:
        return "0x00"


BAD_REQUESTS: list[tuple[str, dict[str, Any], str]] = [
    # amounts
    ("float", {"amount": 1.5}, "amount"),
    ("bool", {"amount": True}, "amount"),
    ("word", {"amount": "five"}, "amount"),
    ("empty", {"amount": ""}, "amount"),
    ("nan", {"amount": "NaN"}, "amount"),
    ("infinite", {"amount": Decimal("Infinity")}, "amount"),
    ("zero", {"amount": 0}, "amount"),
    ("zero string", {"amount": "0.000"}, "amount"),
    ("negative", {"amount": "-1"}, "amount"),
    ("negative decimal", {"amount": Decimal("-0.5")}, "amount"),
    ("list", {"amount": [1]}, "amount"),
    ("finer than the token", {"amount": "1.0000001", "token_decimals": 6}, "amount"),
    # instruction ids
    ("empty id", {"instruction_id": ""}, "instruction_id"),
    ("65 characters", {"instruction_id": "x" * 65}, "instruction_id"),
    ("control character", {"instruction_id": "abc\n"}, "instruction_id"),
    ("padded", {"instruction_id": " abc"}, "instruction_id"),
    ("not a string", {"instruction_id": 12345}, "instruction_id"),
    # deadlines
    ("past datetime", {"deadline": datetime(2020, 1, 1).astimezone()}, "deadline"),
    ("naive datetime", {"deadline": datetime(2100, 1, 1)}, "deadline"),
    ("past timedelta", {"deadline": timedelta(seconds=-1)}, "deadline"),
    ("zero timedelta", {"deadline": timedelta(0)}, "deadline"),
    ("past epoch ms", {"deadline": 1653480000000}, "deadline"),
    ("epoch seconds", {"deadline": 4102444800}, "deadline"),
    ("float deadline", {"deadline": 4102444800000.0}, "deadline"),
    ("text deadline", {"deadline": "tomorrow"}, "deadline"),
    # token addresses
    ("short address", {"token_address": "0x1234"}, "token_address"),
    ("no 0x", {"token_address": "A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"}, "token_address"),
    ("not hex", {"token_address": "0x" + "g" * 40}, "token_address"),
    (
        "bad checksum",
        {"token_address": "0xa0B86991c6218b36c1d19D4a2e9Eb0cE3606eB48"},
        "token_address",
    ),
    ("address as int", {"token_address": 0xA0B8}, "token_address"),
    # order sources
    ("empty source", {"order_source": ""}, "order_source"),
    ("lower-case source", {"order_source": "ethereum"}, "order_source"),
    ("source with space", {"order_source": "ETHEREUM "}, "order_source"),
    ("no source", {"order_source": None}, "order_source"),
    # signing
    ("no signature and no signer", {"signature": None}, "signature"),
    ("odd hex signature", {"signature": "0xabc"}, "signature"),
    ("signature without 0x", {"signature": "ab" * 65}, "signature"),
    ("empty signature", {"signature": "0x"}, "signature"),
    ("both", {"signer": ExternalSigner(lambda w: "0x00"), "signature": "0x00"}, "signer"),
    ("not a signer", {"signature": None, "signer": NotASigner()}, "signer"),
    (
        "signer returns junk",
        {"signature": None, "signer": ExternalSigner(lambda w: "nope")},
        "signer",
    ),
    # signer context
    ("negative decimals", {"token_decimals": -1}, "token_decimals"),
    ("huge decimals", {"token_decimals": 256}, "token_decimals"),
    ("bool decimals", {"token_decimals": True}, "token_decimals"),
    ("zero chain id", {"chain_id": 0}, "chain_id"),
    ("text chain id", {"chain_id": "1"}, "chain_id"),
]


@pytest.mark.parametrize(
    ("case", "changes", "field"), BAD_REQUESTS, ids=[case for case, _, _ in BAD_REQUESTS]
)
async def test_bad_request_input_is_refused_before_sending(
    case: str, changes: dict[str, Any], field: str, omnia: Any, httpx_mock: HTTPXMock
) -> None:
    arguments: dict[str, Any] = {"instruction_id": IID, **changes}
    if arguments.get("signature", "") is None:
        del arguments["signature"]
        arguments.setdefault("signer", None)

    with pytest.raises(errors.InvalidInput) as caught:
        await omnia.request_withdrawal(**arguments)

    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field, case
    assert caught.value.rule and str(caught.value).startswith(f"{field}: ")
    assert httpx_mock.get_requests() == []


def test_the_seconds_hint_is_given_for_a_deadline_in_seconds() -> None:
    with pytest.raises(errors.InvalidInput, match="looks like seconds"):
        resolve_deadline(4102444800, now_ms=1_700_000_000_000)


@pytest.mark.parametrize("instruction_id", ["", "y" * 65, None])
async def test_bad_ids_are_refused_by_get_and_wait(
    instruction_id: Any, omnia: Any, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        await omnia.get_withdrawal(instruction_id)
    assert caught.value.field == "instruction_id"

    with pytest.raises(errors.InvalidInput) as caught:
        await omnia.wait_for_withdrawal(instruction_id)
    assert caught.value.field == "instruction_id"

    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": -5}, "timeout"),
        ({"timeout": timedelta(0)}, "timeout"),
        ({"timeout": "600"}, "timeout"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"poll_interval": True}, "poll_interval"),
    ],
)
async def test_bad_wait_durations_are_refused(
    changes: dict[str, Any], field: str, omnia: Any, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        await omnia.wait_for_withdrawal(IID, **changes)

    assert caught.value.field == field
    assert httpx_mock.get_requests() == []
