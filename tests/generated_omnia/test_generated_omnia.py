"""The generated Omnia client against the contract in openapi/omnia.yaml.

For both operations: the success body parses into models, every documented error status parses
into the shared error model (both of Omnia's error shapes), and unknown fields are kept rather
than refused.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from omnia_client import AuthenticatedClient
from omnia_client.api.withdrawals import get_withdrawal, request_withdrawal
from omnia_client.models import Error, Withdrawal, WithdrawalRequest
from pytest_httpx import HTTPXMock

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "omnia.yaml"

INSTRUCTION_ID = "375b23de-febf-4a6e-a517-e7b5dfa9357c"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
TX_HASH = "0x99687859ddbe6050ca9615b7a5ae7b202f856ff289255758216b16887cd072f6"
SIGNATURE = "0x" + "ab" * 65

REQUEST_BODY: dict[str, Any] = {
    "instructionId": INSTRUCTION_ID,
    "orderSource": "ETHEREUM",
    "tokenAddress": USDC,
    "amount": "5.67",
    "deadline": 1653480000000,
    "signature": SIGNATURE,
}
WITHDRAWAL: dict[str, Any] = {
    "instructionId": INSTRUCTION_ID,
    "orderSource": "ETHEREUM",
    "tokenAddress": USDC,
    "amount": "5.67",
    "status": "COMPLETED",
    "transactionId": TX_HASH,
}
EXTRA_FIELDS: dict[str, Any] = {"fee": "0.01", "chainId": 1, "history": [{"status": "PENDING"}]}

POST_URL = "https://omnia.test/api/v2/withdrawals"
GET_URL = f"https://omnia.test/api/v2/withdrawals/{INSTRUCTION_ID}"

ERRORS_BY_OPERATION = {
    "request": {
        400: "ORDER_SOURCE_NOT_FOUND",
        401: "INVALID_JWT_TOKEN",
        403: "INVALID_PERMISSIONS",
    },
    "get": {
        401: "INVALID_JWT_TOKEN",
        403: "INVALID_PERMISSIONS",
        404: "UNKNOWN_WITHDRAWAL_REQUEST",
    },
}
ERROR_CASES = [
    (operation, status, code)
    for operation, statuses in ERRORS_BY_OPERATION.items()
    for status, code in statuses.items()
]


def call(operation: str, client: AuthenticatedClient) -> Any:
    if operation == "request":
        return request_withdrawal.sync_detailed(
            client=client, body=WithdrawalRequest.from_dict(REQUEST_BODY)
        )
    return get_withdrawal.sync_detailed(INSTRUCTION_ID, client=client)


def expect(httpx_mock: HTTPXMock, operation: str, **response: Any) -> None:
    method, url = ("POST", POST_URL) if operation == "request" else ("GET", GET_URL)
    httpx_mock.add_response(method=method, url=url, **response)


# --- success bodies ----------------------------------------------------------------------------


def test_request_withdrawal_sends_the_body_and_parses_the_withdrawal(
    client: AuthenticatedClient, httpx_mock: HTTPXMock, token: str
) -> None:
    expect(httpx_mock, "request", json=WITHDRAWAL)

    response = call("request", client)

    sent = httpx_mock.get_request()
    assert sent is not None
    assert json.loads(sent.content) == REQUEST_BODY
    assert sent.headers["Authorization"] == f"Bearer {token}"
    assert sent.headers["Content-Type"] == "application/json"
    assert response.status_code == HTTPStatus.OK
    parsed = response.parsed
    assert isinstance(parsed, Withdrawal)
    assert (parsed.instruction_id, parsed.order_source, parsed.token_address) == (
        INSTRUCTION_ID,
        "ETHEREUM",
        USDC,
    )
    assert (parsed.amount, parsed.status, parsed.transaction_id) == ("5.67", "COMPLETED", TX_HASH)
    assert parsed.additional_properties == {}


def test_get_withdrawal_parses_the_withdrawal(
    client: AuthenticatedClient, httpx_mock: HTTPXMock, token: str
) -> None:
    expect(httpx_mock, "get", json=WITHDRAWAL)

    response = call("get", client)

    sent = httpx_mock.get_request()
    assert sent is not None and sent.method == "GET"
    assert sent.headers["Authorization"] == f"Bearer {token}"
    assert isinstance(response.parsed, Withdrawal)
    assert response.parsed.to_dict() == WITHDRAWAL


def test_absent_and_null_optional_fields_parse(
    client: AuthenticatedClient, httpx_mock: HTTPXMock
) -> None:
    in_flight = {k: v for k, v in WITHDRAWAL.items() if k != "transactionId"}
    expect(httpx_mock, "get", json={**in_flight, "status": "PENDING", "rejectionReason": None})

    parsed = call("get", client).parsed

    assert isinstance(parsed, Withdrawal)
    assert parsed.status == "PENDING"
    assert parsed.rejection_reason is None
    assert not parsed.transaction_id


def test_status_and_order_source_are_open_values(
    client: AuthenticatedClient, httpx_mock: HTTPXMock
) -> None:
    # A value the spec does not list must not fail the call (no enums in the contract).
    expect(
        httpx_mock,
        "get",
        json={**WITHDRAWAL, "status": "AWAITING_SETTLEMENT", "orderSource": "ARBITRUM"},
    )

    parsed = call("get", client).parsed

    assert isinstance(parsed, Withdrawal)
    assert (parsed.status, parsed.order_source) == ("AWAITING_SETTLEMENT", "ARBITRUM")


def test_instruction_id_is_escaped_in_the_path(
    client: AuthenticatedClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url="https://omnia.test/api/v2/withdrawals/a%2Fb%3Fc", json=WITHDRAWAL)

    get_withdrawal.sync_detailed("a/b?c", client=client)

    sent = httpx_mock.get_request()
    assert sent is not None and sent.url.raw_path == b"/api/v2/withdrawals/a%2Fb%3Fc"


# --- unknown fields ----------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["request", "get"])
def test_unknown_fields_in_a_withdrawal_are_kept(
    operation: str, client: AuthenticatedClient, httpx_mock: HTTPXMock
) -> None:
    expect(httpx_mock, operation, json={**WITHDRAWAL, **EXTRA_FIELDS})

    parsed = call(operation, client).parsed

    assert isinstance(parsed, Withdrawal)
    assert parsed.status == "COMPLETED"
    assert parsed.additional_properties == EXTRA_FIELDS
    assert parsed.to_dict() == {**WITHDRAWAL, **EXTRA_FIELDS}


@pytest.mark.parametrize(("operation", "status", "code"), ERROR_CASES)
def test_unknown_fields_in_an_error_are_kept(
    operation: str, status: int, code: str, client: AuthenticatedClient, httpx_mock: HTTPXMock
) -> None:
    expect(
        httpx_mock,
        operation,
        status_code=status,
        json={"code": code, "description": "refused", "traceId": "abc-123"},
    )

    parsed = call(operation, client).parsed

    assert isinstance(parsed, Error)
    assert parsed.code == code
    assert parsed.additional_properties == {"traceId": "abc-123"}


# --- documented errors -------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "status", "code"), ERROR_CASES)
def test_documented_errors_parse_into_the_error_model(
    operation: str, status: int, code: str, client: AuthenticatedClient, httpx_mock: HTTPXMock
) -> None:
    expect(httpx_mock, operation, status_code=status, json={"code": code, "description": "refused"})

    response = call(operation, client)

    assert response.status_code == status
    assert isinstance(response.parsed, Error)
    assert (response.parsed.code, response.parsed.description) == (code, "refused")
    assert not response.parsed.error_code


@pytest.mark.parametrize(("operation", "status", "code"), ERROR_CASES)
def test_the_alternative_error_shape_parses_too(
    operation: str, status: int, code: str, client: AuthenticatedClient, httpx_mock: HTTPXMock
) -> None:
    expect(
        httpx_mock,
        operation,
        status_code=status,
        json={"error_code": code, "error_message": "refused"},
    )

    parsed = call(operation, client).parsed

    assert isinstance(parsed, Error)
    assert (parsed.error_code, parsed.error_message) == (code, "refused")
    assert not parsed.code


@pytest.mark.parametrize("operation", ["request", "get"])
def test_an_undocumented_status_is_returned_unparsed(
    operation: str, client: AuthenticatedClient, httpx_mock: HTTPXMock
) -> None:
    # The generated layer leaves 5xx (often HTML from a proxy) to the caller: raw body, no parse.
    expect(httpx_mock, operation, status_code=502, text="<html>Bad gateway</html>")

    response = call(operation, client)

    assert response.status_code == 502
    assert response.parsed is None
    assert response.content == b"<html>Bad gateway</html>"


# --- async -------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_operations_parse_success_errors_and_extra_fields(
    httpx_mock: HTTPXMock, base_url: str, token: str
) -> None:
    httpx_mock.add_response(method="POST", url=POST_URL, json={**WITHDRAWAL, **EXTRA_FIELDS})
    httpx_mock.add_response(
        method="POST", url=POST_URL, status_code=400, json={"code": "INVALID_SCHEMA"}
    )
    httpx_mock.add_response(method="GET", url=GET_URL, json=WITHDRAWAL)
    httpx_mock.add_response(
        method="GET",
        url=GET_URL,
        status_code=404,
        json={"code": "UNKNOWN_WITHDRAWAL_REQUEST", "description": "Unknown withdrawal request"},
    )
    body = WithdrawalRequest.from_dict(REQUEST_BODY)

    async with AuthenticatedClient(base_url=base_url, token=token) as client:
        created = await request_withdrawal.asyncio_detailed(client=client, body=body)
        refused = await request_withdrawal.asyncio_detailed(client=client, body=body)
        found = await get_withdrawal.asyncio_detailed(INSTRUCTION_ID, client=client)
        missing = await get_withdrawal.asyncio_detailed(INSTRUCTION_ID, client=client)

    assert isinstance(created.parsed, Withdrawal)
    assert created.parsed.additional_properties == EXTRA_FIELDS
    assert isinstance(refused.parsed, Error) and refused.parsed.code == "INVALID_SCHEMA"
    assert isinstance(found.parsed, Withdrawal) and found.parsed.to_dict() == WITHDRAWAL
    assert isinstance(missing.parsed, Error)
    assert missing.parsed.code == "UNKNOWN_WITHDRAWAL_REQUEST"
    assert all(r.headers["Authorization"] == f"Bearer {token}" for r in httpx_mock.get_requests())


# --- the spec's own examples -------------------------------------------------------------------


def spec_examples() -> list[tuple[str, dict[str, Any]]]:
    """Every example body in the spec, with the schema it illustrates."""
    spec = yaml.safe_load(SPEC.read_text())
    found: list[tuple[str, dict[str, Any]]] = []

    def media_examples(content: dict[str, Any]) -> None:
        media = content["application/json"]
        schema = media["schema"]["$ref"].rsplit("/", 1)[-1]
        if "example" in media:
            found.append((schema, media["example"]))
        for named in media.get("examples", {}).values():
            found.append((schema, named["value"]))

    for path in spec["paths"].values():
        for operation in path.values():
            if "requestBody" in operation:
                media_examples(operation["requestBody"]["content"])
            for response in operation["responses"].values():
                if "content" in response:
                    media_examples(response["content"])
    for response in spec["components"]["responses"].values():
        media_examples(response["content"])
    return found


MODELS = {"WithdrawalRequest": WithdrawalRequest, "Withdrawal": Withdrawal, "Error": Error}


@pytest.mark.parametrize(("schema", "example"), spec_examples())
def test_every_spec_example_round_trips_through_its_model(
    schema: str, example: dict[str, Any]
) -> None:
    assert MODELS[schema].from_dict(example).to_dict() == example


def test_the_spec_shows_both_operations_and_all_error_shapes() -> None:
    # Guards the parametrised test above against silently finding nothing.
    schemas = [schema for schema, _ in spec_examples()]
    assert schemas.count("WithdrawalRequest") == 1
    assert schemas.count("Withdrawal") == 2
    assert schemas.count("Error") >= 5
    assert any("error_code" in example for _, example in spec_examples())


def test_every_operation_requires_the_bearer_token() -> None:
    # Operation-level security is what makes the generator demand an AuthenticatedClient.
    spec = yaml.safe_load(SPEC.read_text())
    operations = [op for path in spec["paths"].values() for op in path.values()]
    assert len(operations) == 2
    assert all(op["security"] == [{"bearerAuth": []}] for op in operations)
    hosts = [httpx.URL(server["url"]).host for server in spec["servers"]]
    assert hosts == ["api.demo.omniaexchange.com", "api.production.omniaexchange.com"]
