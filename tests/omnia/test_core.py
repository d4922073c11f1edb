"""The pure parts of the Omnia client: conversions, answer reading, and plans driven by hand."""

from __future__ import annotations

import json
from decimal import Decimal
from http import HTTPStatus

import httpx
import pytest
from eth_utils import to_checksum_address
from hypothesis import given
from hypothesis import strategies as st
from omnia_client.models import Withdrawal as WithdrawalModel
from omnia_client.models import WithdrawalRequest
from omnia_client.types import Response
from withdrawal_clients import errors
from withdrawal_clients._omnia_core import (
    Get,
    NoAnswer,
    Post,
    RawAnswer,
    Sleep,
    Withdrawal,
    eip55,
    error_from_response,
    request_plan,
    to_base_units,
)
from withdrawal_clients._transport import RetryPolicy
from withdrawal_clients.signers import WithdrawalToSign

IID = "9a1f0c4e-2b7d-4e8a-9c3f-5d6e7f8a9b0c"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"


@given(st.binary(min_size=20, max_size=20))
def test_eip55_agrees_with_eth_utils(raw: bytes) -> None:
    address = "0x" + raw.hex()
    assert eip55(address) == to_checksum_address(address)


@given(st.integers(min_value=1, max_value=2**256), st.integers(min_value=0, max_value=36))
def test_base_units_round_trip_exactly(units: int, decimals: int) -> None:
    assert to_base_units(Decimal(f"{units}e-{decimals}"), decimals) == units


def test_base_units_refuse_extra_precision() -> None:
    assert to_base_units(Decimal("1.5"), 18) == 1_500_000_000_000_000_000
    with pytest.raises(errors.InvalidInput):
        to_base_units(Decimal("0.0000001"), 6)


def answer(status: int, body: bytes = b"", **headers: str) -> RawAnswer:
    return RawAnswer(status, body, headers)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, errors.BadRequest),
        (401, errors.AuthError),
        (403, errors.PermissionDenied),
        (404, errors.NotFound),
        (409, errors.ApiError),
        (429, errors.RateLimited),
        (500, errors.ServerError),
        (520, errors.ServerError),  # not an HTTPStatus member: still understood
    ],
)
def test_error_kinds_by_status(status: int, kind: type[errors.ApiError]) -> None:
    error = error_from_response(answer(status, b'{"code": "C", "description": "D"}'), "op")

    assert type(error) is kind
    assert (error.code, error.description, error.http_status) == ("C", "op: D", status)


def test_a_proxy_page_on_5xx_is_a_server_error_and_on_4xx_malformed() -> None:
    page = b"<html>Bad gateway</html>"

    assert type(error_from_response(answer(502, page), "op")) is errors.ServerError
    malformed = error_from_response(answer(404, page), "op")
    assert type(malformed) is errors.MalformedResponse and malformed.http_status == 404
    not_an_object = error_from_response(answer(400, b'["x"]'), "op")
    assert type(not_an_object) is errors.MalformedResponse


def test_completed_wins_over_a_stale_rejection_reason() -> None:
    withdrawal = Withdrawal(
        instruction_id=IID,
        order_source="ETHEREUM",
        token_address=USDC,
        amount=Decimal(1),
        status="COMPLETED",
        rejection_reason="retried after a gas spike",
    )

    assert withdrawal.is_success and withdrawal.is_final and not withdrawal.is_rejected


# --- the request plan, step by step ------------------------------------------------------------

TO_SIGN = WithdrawalToSign(
    instruction_id=IID,
    order_source="ETHEREUM",
    token_address=USDC,
    amount=Decimal("5.67"),
    amount_base_units=None,
    deadline_ms=4102444800000,
    chain_id=None,
)
FOUND = {
    "instructionId": IID,
    "orderSource": "ETHEREUM",
    "tokenAddress": USDC,
    "amount": "5.67",
    "status": "PENDING",
}


def found_answer() -> Response[WithdrawalModel]:
    return Response(
        status_code=HTTPStatus.OK,
        content=json.dumps(FOUND).encode(),
        headers={},
        parsed=WithdrawalModel.from_dict(FOUND),
    )


def test_the_plan_looks_up_before_repeating_and_repeats_the_same_body() -> None:
    plan = request_plan(TO_SIGN, "0x" + "ab" * 65, None, RetryPolicy(max_retries=2, jitter=False))

    first = next(plan)
    assert isinstance(first, Post) and isinstance(first.body, WithdrawalRequest)
    assert plan.send(NoAnswer(httpx.ReadTimeout("lost"), True)) == Get(IID)
    assert plan.send(answer(404, b'{"code": "UNKNOWN_WITHDRAWAL_REQUEST"}')) == Sleep(0.25)
    again = plan.send(None)
    assert again == first
    with pytest.raises(StopIteration) as done:
        plan.send(found_answer())
    assert done.value.value.instruction_id == IID
