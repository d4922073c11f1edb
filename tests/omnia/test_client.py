"""OmniaClient and AsyncOmniaClient (each test runs with both): requests, answers, errors,
tokens and polling."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock
from withdrawal_clients import errors
from withdrawal_clients._core.secret import Secret
from withdrawal_clients.omnia import AsyncOmniaClient, OmniaClient, Withdrawal

pytestmark = pytest.mark.anyio

IID = "375b23de-febf-4a6e-a517-e7b5dfa9357c"


def get_url(kit: SimpleNamespace, instruction_id: str = IID) -> str:
    return f"{kit.BASE_URL}/v2/withdrawals/{instruction_id}"


# --- request_withdrawal ------------------------------------------------------------------------


async def test_request_withdrawal_sends_the_documented_body(
    omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(
        method="POST", url=kit.POST_URL, json=kit.withdrawal_json(IID, status="PENDING")
    )
    deadline = datetime(2100, 1, 1, tzinfo=UTC)

    withdrawal = await omnia.request_withdrawal(
        instruction_id=IID, amount=Decimal("5.670"), deadline=deadline
    )

    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Authorization"] == f"Bearer {kit.TOKEN}"
    assert json.loads(request.content) == {
        "instructionId": IID,
        "orderSource": "ETHEREUM",
        "tokenAddress": kit.USDC,
        "amount": "5.67",
        "deadline": 4102444800000,  # 2100-01-01T00:00:00Z in epoch milliseconds
        "signature": kit.SIGNATURE,
    }
    assert withdrawal.instruction_id == IID
    assert withdrawal.amount == Decimal("5.67")
    assert withdrawal.status == "PENDING"
    assert not withdrawal.is_final


@pytest.mark.parametrize(
    ("amount", "sent"),
    [(5, "5"), ("0.000001", "0.000001"), (Decimal("1E+2"), "100"), ("12.50", "12.5")],
)
async def test_amounts_are_sent_as_plain_decimal_strings(
    amount: object, sent: str, omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(method="POST", json=kit.withdrawal_json(IID, amount=sent))

    await omnia.request_withdrawal(instruction_id=IID, amount=amount)

    request = httpx_mock.get_request()
    assert request is not None and json.loads(request.content)["amount"] == sent


async def test_defaults_are_a_new_uuid4_and_a_deadline_five_minutes_ahead(
    omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    httpx_mock.add_callback(
        lambda request: httpx.Response(
            200, json=kit.withdrawal_json(json.loads(request.content)["instructionId"])
        )
    )
    before = time.time_ns() // 1_000_000

    withdrawal = await omnia.request_withdrawal()

    after = time.time_ns() // 1_000_000
    request = httpx_mock.get_request()
    assert request is not None
    body = json.loads(request.content)
    assert uuid.UUID(body["instructionId"]).version == 4
    assert withdrawal.instruction_id == body["instructionId"]
    assert before + 300_000 <= body["deadline"] <= after + 300_000


async def test_deadline_as_timedelta_and_epoch_milliseconds(
    omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(method="POST", json=kit.withdrawal_json(IID), is_reusable=True)
    before = time.time_ns() // 1_000_000

    await omnia.request_withdrawal(instruction_id=IID, deadline=timedelta(minutes=1))
    await omnia.request_withdrawal(instruction_id=IID, deadline=4102444800123)

    first, second = (json.loads(r.content)["deadline"] for r in httpx_mock.get_requests())
    assert before + 60_000 <= first <= time.time_ns() // 1_000_000 + 60_000
    assert second == 4102444800123


async def test_a_64_character_instruction_id_is_accepted(
    omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    longest = "x" * 64
    httpx_mock.add_response(method="POST", json=kit.withdrawal_json(longest))

    withdrawal = await omnia.request_withdrawal(instruction_id=longest)

    assert withdrawal.instruction_id == longest


# --- get_withdrawal and the Withdrawal model ---------------------------------------------------


async def test_get_withdrawal_reads_every_field_and_keeps_unknown_ones(
    omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    body = kit.withdrawal_json(IID, amount="0.1", feePaid="0.001", route={"hops": 2})
    httpx_mock.add_response(method="GET", url=get_url(kit), json=body)

    withdrawal = await omnia.get_withdrawal(IID)

    assert withdrawal == Withdrawal(
        instruction_id=IID,
        order_source="ETHEREUM",
        token_address=kit.USDC,
        amount=Decimal("0.1"),
        status="COMPLETED",
        transaction_id=kit.TX_HASH,
        extra={"feePaid": "0.001", "route": {"hops": 2}},
    )
    assert withdrawal.is_final and withdrawal.is_success


async def test_unknown_status_is_kept_and_means_in_progress(
    omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(json=kit.withdrawal_json(IID, status="AWAITING_L1_CONFIRMATION"))

    withdrawal = await omnia.get_withdrawal(IID)

    assert withdrawal.status == "AWAITING_L1_CONFIRMATION"
    assert not withdrawal.is_final and not withdrawal.is_success


@pytest.mark.parametrize(
    ("status", "reason"),
    [("REJECTED", None), ("expired", None), ("PROCESSING", "Insufficient balance")],
)
async def test_failure_statuses_and_rejection_reasons_are_final_failures(
    status: str,
    reason: str | None,
    omnia: Any,
    httpx_mock: HTTPXMock,
    kit: SimpleNamespace,
) -> None:
    httpx_mock.add_response(json=kit.withdrawal_json(IID, status=status, rejectionReason=reason))

    withdrawal = await omnia.get_withdrawal(IID)

    assert withdrawal.is_final and withdrawal.is_rejected and not withdrawal.is_success
    assert withdrawal.rejection_reason == reason


async def test_instruction_id_is_escaped_in_the_path(
    omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(
        url=get_url(kit, "order%3F7%23x"), json=kit.withdrawal_json("order?7#x")
    )

    withdrawal = await omnia.get_withdrawal("order?7#x")

    assert withdrawal.instruction_id == "order?7#x"


# --- documented errors -------------------------------------------------------------------------

POST_ERRORS = [
    (400, "ORDER_SOURCE_NOT_FOUND", errors.BadRequest),
    (401, "INVALID_JWT_TOKEN", errors.AuthError),
    (403, "INVALID_PERMISSIONS", errors.PermissionDenied),
]
GET_ERRORS = [
    (401, "INVALID_JWT_TOKEN", errors.AuthError),
    (403, "INVALID_PERMISSIONS", errors.PermissionDenied),
    (404, "UNKNOWN_WITHDRAWAL_REQUEST", errors.NotFound),
]


@pytest.mark.parametrize("shape", ["code/description", "error_code/error_message"])
@pytest.mark.parametrize(("status", "code", "kind"), POST_ERRORS)
async def test_request_withdrawal_documented_errors(
    status: int,
    code: str,
    kind: type[errors.ApiError],
    shape: str,
    omnia: Any,
    httpx_mock: HTTPXMock,
) -> None:
    code_key, text_key = shape.split("/")
    httpx_mock.add_response(
        method="POST", status_code=status, json={code_key: code, text_key: "no"}
    )

    with pytest.raises(kind) as caught:
        await omnia.request_withdrawal(instruction_id=IID)

    assert type(caught.value) is kind
    assert (caught.value.code, caught.value.description) == (code, "request_withdrawal: no")
    assert caught.value.http_status == status
    assert len(httpx_mock.get_requests()) == 1  # a refusal is final: nothing repeated


@pytest.mark.parametrize("shape", ["code/description", "error_code/error_message"])
@pytest.mark.parametrize(("status", "code", "kind"), GET_ERRORS)
async def test_get_withdrawal_documented_errors(
    status: int,
    code: str,
    kind: type[errors.ApiError],
    shape: str,
    omnia: Any,
    httpx_mock: HTTPXMock,
) -> None:
    code_key, text_key = shape.split("/")
    httpx_mock.add_response(method="GET", status_code=status, json={code_key: code, text_key: "no"})

    with pytest.raises(kind) as caught:
        await omnia.get_withdrawal(IID)

    assert type(caught.value) is kind
    assert (caught.value.code, caught.value.http_status) == (code, status)
    assert "no" in caught.value.description


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_non_json_error_body_is_judged_by_its_status(
    method: str, omnia: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(method=method, status_code=403, text="<html>Forbidden</html>")

    with pytest.raises(errors.PermissionDenied) as caught:
        if method == "POST":
            await omnia.request_withdrawal(instruction_id=IID)
        else:
            await omnia.get_withdrawal(IID)

    assert "<html>Forbidden" in str(caught.value)


async def test_a_success_body_that_breaks_the_spec_is_a_malformed_response(
    omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(method="GET", json={"instructionId": IID})  # no status, no amount
    httpx_mock.add_response(method="GET", json=kit.withdrawal_json(IID, amount="lots"))
    httpx_mock.add_response(method="GET", text="{truncated")

    for _ in range(3):
        with pytest.raises(errors.MalformedResponse):
            await omnia.get_withdrawal(IID)


async def test_get_retries_5xx_then_reports_a_server_error(
    make_omnia: Callable[..., Any], httpx_mock: HTTPXMock, fake_time: Any
) -> None:
    omnia = make_omnia(max_retries=2)
    httpx_mock.add_response(method="GET", status_code=502, text="<html>bad gateway</html>")
    httpx_mock.add_response(method="GET", status_code=502, text="<html>bad gateway</html>")
    httpx_mock.add_response(method="GET", status_code=503, json={"code": "DOWN"})

    with pytest.raises(errors.ServerError) as caught:
        await omnia.get_withdrawal(IID)

    assert (caught.value.http_status, caught.value.code) == (503, "DOWN")
    assert len(httpx_mock.get_requests()) == 3
    assert len(fake_time.sleeps) == 2


async def test_get_honours_retry_after(
    omnia: Any, httpx_mock: HTTPXMock, fake_time: Any, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(method="GET", status_code=429, headers={"Retry-After": "7"})
    httpx_mock.add_response(method="GET", status_code=503, headers={"Retry-After": "2"})
    httpx_mock.add_response(method="GET", json=kit.withdrawal_json(IID))

    withdrawal = await omnia.get_withdrawal(IID)

    assert withdrawal.is_success
    assert fake_time.sleeps == [7.0, 2.0]


async def test_rate_limited_after_retries_carries_retry_after(
    make_omnia: Callable[..., Any], httpx_mock: HTTPXMock, fake_time: Any
) -> None:
    omnia = make_omnia(max_retries=1)
    for _ in range(2):
        httpx_mock.add_response(method="GET", status_code=429, headers={"Retry-After": "3"})

    with pytest.raises(errors.RateLimited) as caught:
        await omnia.get_withdrawal(IID)

    assert caught.value.retry_after == 3.0
    assert fake_time.sleeps == [3.0]


async def test_get_retries_a_connection_failure(
    omnia: Any, httpx_mock: HTTPXMock, fake_time: Any, kit: SimpleNamespace
) -> None:
    httpx_mock.add_exception(httpx.ConnectError("refused"), method="GET")
    httpx_mock.add_response(method="GET", json=kit.withdrawal_json(IID))

    assert (await omnia.get_withdrawal(IID)).is_success
    assert len(fake_time.sleeps) == 1


async def test_get_timeouts_become_our_timeout_error(
    make_omnia: Callable[..., Any], httpx_mock: HTTPXMock
) -> None:
    omnia = make_omnia(max_retries=0)
    httpx_mock.add_exception(httpx.ReadTimeout("slow"), method="GET")

    with pytest.raises(errors.Timeout):
        await omnia.get_withdrawal(IID)


# --- tokens ------------------------------------------------------------------------------------


async def test_token_provider_is_asked_again_once_after_invalid_jwt(
    make_omnia: Callable[..., Any], httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    tokens = iter(["jwt-old", "jwt-new"])
    asked: list[str] = []

    def provider() -> str:
        asked.append("asked")
        return next(tokens)

    omnia = make_omnia(token_provider=provider)
    answers = [
        httpx.Response(401, json={"code": "INVALID_JWT_TOKEN", "description": "Invalid JWT"}),
        httpx.Response(200, json=kit.withdrawal_json(IID)),
        httpx.Response(200, json=kit.withdrawal_json(IID)),
    ]
    seen: list[tuple[str, str, bytes]] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.headers["Authorization"], request.content))
        return answers.pop(0)

    httpx_mock.add_callback(server, is_reusable=True)

    await omnia.request_withdrawal(instruction_id=IID)
    await omnia.get_withdrawal(IID)

    assert [(method, auth) for method, auth, _ in seen] == [
        ("POST", "Bearer jwt-old"),
        ("POST", "Bearer jwt-new"),
        ("GET", "Bearer jwt-new"),
    ]
    assert len(asked) == 2
    assert seen[0][2] == seen[1][2]  # the very same request, repeated


async def test_a_token_still_refused_after_refresh_is_an_auth_error(
    make_omnia: Callable[..., Any], httpx_mock: HTTPXMock
) -> None:
    asked: list[int] = []
    omnia = make_omnia(token_provider=lambda: f"jwt-{asked.append(1) or len(asked)}")
    httpx_mock.add_response(
        status_code=401, json={"error_code": "INVALID_JWT_TOKEN"}, is_reusable=True
    )

    with pytest.raises(errors.AuthError) as caught:
        await omnia.get_withdrawal(IID)

    assert caught.value.code == "INVALID_JWT_TOKEN"
    assert len(asked) == 2
    assert len(httpx_mock.get_requests()) == 2


async def test_a_fixed_token_is_not_refreshed(omnia: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=401, json={"code": "INVALID_JWT_TOKEN"})

    with pytest.raises(errors.AuthError):
        await omnia.get_withdrawal(IID)

    assert len(httpx_mock.get_requests()) == 1


async def test_another_401_code_does_not_refresh(
    make_omnia: Callable[..., Any], httpx_mock: HTTPXMock
) -> None:
    asked: list[int] = []
    omnia = make_omnia(token_provider=lambda: asked.append(1) or "jwt")
    httpx_mock.add_response(status_code=401, json={"code": "ACCOUNT_SUSPENDED"})

    with pytest.raises(errors.AuthError):
        await omnia.get_withdrawal(IID)

    assert len(asked) == 1


async def test_a_failing_token_provider_is_an_auth_error_and_nothing_is_sent(
    make_omnia: Callable[..., Any], httpx_mock: HTTPXMock
) -> None:
    def broken() -> str:
        raise RuntimeError("vault unreachable")

    for provider in (broken, lambda: "", lambda: None):
        omnia = make_omnia(token_provider=provider)
        with pytest.raises(errors.AuthError):
            await omnia.get_withdrawal(IID)

    assert httpx_mock.get_requests() == []


async def test_async_client_accepts_an_async_token_provider(
    httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    async def provider() -> str:
        return "jwt-from-async-provider"

    httpx_mock.add_response(json=kit.withdrawal_json(IID))
    async with AsyncOmniaClient(kit.BASE_URL, token_provider=provider) as client:
        await client.get_withdrawal(IID)

    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Authorization"] == "Bearer jwt-from-async-provider"


def test_sync_client_refuses_an_async_token_provider(
    httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    async def provider() -> str:
        return "jwt"

    client = OmniaClient(kit.BASE_URL, token_provider=provider)  # type: ignore[arg-type]
    with client, pytest.raises(errors.InvalidInput) as caught:
        client.get_withdrawal(IID)

    assert caught.value.field == "token_provider"
    assert httpx_mock.get_requests() == []


# --- secrets -----------------------------------------------------------------------------------


async def test_the_token_never_shows_in_repr_str_errors_or_logs(
    make_omnia: Callable[..., Any],
    httpx_mock: HTTPXMock,
    kit: SimpleNamespace,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    omnia = make_omnia(token=Secret(kit.TOKEN))
    httpx_mock.add_response(status_code=401, json={"code": "INVALID_JWT_TOKEN"})
    httpx_mock.add_exception(httpx.ReadTimeout("slow"), is_reusable=True)

    seen: list[str] = [repr(omnia.client), str(omnia.client), repr(vars(omnia.client))]
    for _ in range(2):
        with pytest.raises(errors.WithdrawalClientError) as caught:
            await omnia.get_withdrawal(IID)
        seen += [str(caught.value), repr(caught.value), repr(caught.value.__dict__)]

    assert caplog.records  # httpx did log the requests
    seen += [record.getMessage() for record in caplog.records]
    secret_part = kit.TOKEN.split(".")[-1]
    assert not [text for text in seen if secret_part in text]
    assert httpx_mock.get_requests()[0].headers["Authorization"] == f"Bearer {kit.TOKEN}"


def test_the_token_is_only_sent_under_the_base_url(
    httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(url=get_url(kit), json=kit.withdrawal_json(IID))
    httpx_mock.add_response(url="https://elsewhere.test/api/v2/withdrawals/x")
    shared = httpx.Client(base_url=kit.BASE_URL)

    with OmniaClient(token=kit.TOKEN, http_client=shared) as client:
        client.get_withdrawal(IID)
    shared.get("https://elsewhere.test/api/v2/withdrawals/x")

    ours, other = httpx_mock.get_requests()
    assert ours.headers["Authorization"] == f"Bearer {kit.TOKEN}"
    assert "Authorization" not in other.headers
    assert not shared.is_closed  # a caller's client stays the caller's to close
    shared.close()


def test_a_caller_client_with_its_own_auth_is_refused(kit: SimpleNamespace) -> None:
    with (
        httpx.Client(auth=("user", "pass")) as shared,
        pytest.raises(errors.InvalidInput) as caught,
    ):
        OmniaClient(kit.BASE_URL, token=kit.TOKEN, http_client=shared)

    assert caught.value.field == "http_client"


# --- construction ------------------------------------------------------------------------------


def test_environments_choose_the_documented_servers(kit: SimpleNamespace) -> None:
    with (
        OmniaClient(token=kit.TOKEN) as demo,
        OmniaClient(environment="production", token=kit.TOKEN) as production,
        OmniaClient("https://proxy.test/omnia", token=kit.TOKEN) as custom,
    ):
        urls = [repr(demo), repr(production), repr(custom)]

    assert urls == [
        "OmniaClient(base_url='https://api.demo.omniaexchange.com/api')",
        "OmniaClient(base_url='https://api.production.omniaexchange.com/api')",
        "OmniaClient(base_url='https://proxy.test/omnia')",
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"environment": "staging", "token": "t"}, "environment"),
        ({}, "token"),
        ({"token": ""}, "token"),
        ({"token": "two words"}, "token"),
        ({"token": "t", "max_retries": -1}, "max_retries"),
    ],
)
def test_bad_construction_is_refused(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        OmniaClient(**kwargs)

    assert caught.value.field == field


# --- wait_for_withdrawal -----------------------------------------------------------------------


async def test_wait_polls_until_completed(
    omnia: Any, httpx_mock: HTTPXMock, fake_time: Any, kit: SimpleNamespace
) -> None:
    for status in ("PENDING", "PROCESSING", "COMPLETED"):
        httpx_mock.add_response(method="GET", json=kit.withdrawal_json(IID, status=status))

    withdrawal = await omnia.wait_for_withdrawal(IID, timeout=60, poll_interval=5)

    assert withdrawal.is_success and withdrawal.transaction_id == kit.TX_HASH
    assert fake_time.sleeps == [5.0, 5.0]


async def test_wait_raises_withdrawal_rejected_with_the_reason(
    omnia: Any, httpx_mock: HTTPXMock, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(json=kit.withdrawal_json(IID, status="PENDING"))
    httpx_mock.add_response(
        json=kit.withdrawal_json(IID, status="REJECTED", rejectionReason="Signature invalid")
    )

    with pytest.raises(errors.WithdrawalRejected) as caught:
        await omnia.wait_for_withdrawal(IID, timeout=60, poll_interval=1)

    assert caught.value.reason == "Signature invalid"
    assert caught.value.withdrawal.status == "REJECTED"


async def test_wait_times_out_with_the_last_state_seen(
    omnia: Any, httpx_mock: HTTPXMock, fake_time: Any, kit: SimpleNamespace
) -> None:
    httpx_mock.add_response(json=kit.withdrawal_json(IID, status="PENDING"), is_reusable=True)

    with pytest.raises(errors.WaitTimeout) as caught:
        await omnia.wait_for_withdrawal(IID, timeout=timedelta(seconds=10), poll_interval=4)

    assert caught.value.last_seen.status == "PENDING"
    assert fake_time.sleeps == [4.0, 4.0, 2.0]  # never past the deadline
    assert len(httpx_mock.get_requests()) == 4


async def test_wait_reports_an_unknown_withdrawal(omnia: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=404, json={"code": "UNKNOWN_WITHDRAWAL_REQUEST"})

    with pytest.raises(errors.NotFound):
        await omnia.wait_for_withdrawal(IID, timeout=10, poll_interval=1)


async def test_an_unusual_status_on_get_is_a_server_error(
    omnia: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(method="GET", status_code=520, text="origin error")

    with pytest.raises(errors.ServerError) as caught:
        await omnia.get_withdrawal(IID)

    assert caught.value.http_status == 520
