"""The pure parts of the Omnia client: conversions, answer reading, and plans driven by hand."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
from eth_utils import to_checksum_address
from hypothesis import given
from hypothesis import strategies as st
from withdrawal_clients import errors
from withdrawal_clients._core.rules import eip55
from withdrawal_clients._core.steps import Answer, NoAnswer, Request, Sleep
from withdrawal_clients._core.transport import RetryPolicy
from withdrawal_clients.omnia.inputs import to_base_units
from withdrawal_clients.omnia.plans import OmniaPlans
from withdrawal_clients.omnia.plans import failure as error_from_response
from withdrawal_clients.omnia.results import Withdrawal
from withdrawal_clients.omnia.signers import WithdrawalToSign

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


def answer(status: int, body: bytes = b"", **headers: str) -> Answer:
    return Answer(status, httpx.Headers(headers), body)


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


def test_a_proxy_page_is_judged_by_its_status_and_quoted() -> None:
    # One rule for both APIs: the status says what happened, whatever the body.
    page = b"<html>Bad gateway</html>"

    assert type(error_from_response(answer(502, page), "op")) is errors.ServerError
    missing = error_from_response(answer(404, page), "op")
    assert type(missing) is errors.NotFound and missing.http_status == 404
    assert missing.body == page and "<html>Bad gateway" in str(missing)
    not_an_object = error_from_response(answer(400, b'["x"]'), "op")
    assert type(not_an_object) is errors.BadRequest and not_an_object.code is None


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


def found_answer() -> Answer:
    return answer(200, json.dumps(FOUND).encode())


def test_the_plan_looks_up_before_repeating_and_repeats_the_same_body() -> None:
    plans = OmniaPlans(max_retries=2, clock=lambda: 0.0, wall_clock_ms=lambda: 0)
    plans.policy = RetryPolicy(max_retries=2, jitter=False)
    plan = plans.post(TO_SIGN, "0x" + "ab" * 65)

    first = next(plan)
    assert isinstance(first, Request) and first.method == "POST" and not first.safe
    assert first.json["instructionId"] == IID
    lookup = plan.send(NoAnswer(errors.Timeout("lost"), True))
    assert isinstance(lookup, Request) and lookup.method == "GET" and lookup.path.endswith(IID)
    assert plan.send(answer(404, b'{"code": "UNKNOWN_WITHDRAWAL_REQUEST"}')) == Sleep(0.25)
    again = plan.send(None)
    assert again == first
    with pytest.raises(StopIteration) as done:
        plan.send(found_answer())
    assert done.value.value.instruction_id == IID
