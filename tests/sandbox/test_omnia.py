"""The sandbox's Omnia: auth, validation, idempotency, timed completion, signature hook."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from withdrawal_clients.omnia import OmniaClient
from withdrawal_clients.omnia.signers import Eip712Layout, Eip712Signer, WithdrawalToSign
from withdrawal_clients.sandbox import (
    ManualClock,
    Sandbox,
    SandboxConfig,
    eip712_signature_check,
    eip712_signer_of,
)

WITHDRAWALS = "/omnia/api/v2/withdrawals"


@pytest.fixture
def post(http: httpx.Client, omnia_headers: dict[str, str], omnia_body: Any) -> Any:
    """POSTs a valid withdrawal body with ``changes`` (by default through ``http``)."""

    def send(
        client: httpx.Client = http, headers: dict[str, str] = omnia_headers, **changes: Any
    ) -> httpx.Response:
        return client.post(WITHDRAWALS, json=omnia_body(**changes), headers=headers)

    return send


def test_withdrawal_is_pending_then_completed_with_a_transaction_id(
    post: Any, http: httpx.Client, omnia_headers: dict[str, str], sandbox: Sandbox
) -> None:
    created = post()
    assert created.status_code == 200
    assert created.json()["status"] == "PENDING"
    assert "transactionId" not in created.json()

    sandbox.advance(sandbox.config.omnia_completed_after - 0.5)
    url = f"{WITHDRAWALS}/order-1"
    assert http.get(url, headers=omnia_headers).json()["status"] == "PENDING"

    sandbox.advance(0.5)
    done = http.get(url, headers=omnia_headers).json()
    assert done["status"] == "COMPLETED"
    assert done["transactionId"].startswith("0x") and len(done["transactionId"]) == 66
    assert {k: done[k] for k in ("instructionId", "orderSource", "tokenAddress", "amount")} == {
        "instructionId": "order-1",
        "orderSource": "ETHEREUM",
        "tokenAddress": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        "amount": "5.67",
    }


def test_repeated_instruction_id_returns_the_first_withdrawal(post: Any, sandbox: Sandbox) -> None:
    first = post(amount="1")
    again = post(amount="2")
    assert first.status_code == again.status_code == 200
    assert again.json()["amount"] == "1"
    assert sandbox.omnia.withdrawal_count() == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic sandbox-token"}],
)
def test_tokens_are_checked(post: Any, http: httpx.Client, headers: dict[str, str]) -> None:
    for response in (post(headers=headers), http.get(f"{WITHDRAWALS}/order-1", headers=headers)):
        assert response.status_code == 401
        assert response.json()["code"] == "INVALID_JWT_TOKEN"


def test_configured_tokens_are_accepted(checked_client: Any) -> None:
    client = checked_client(Sandbox(SandboxConfig(omnia_tokens=frozenset({"a", "b"}))))
    statuses = [
        client.get(f"{WITHDRAWALS}/x", headers={"Authorization": f"Bearer {token}"}).status_code
        for token in ("a", "b", "sandbox-token")
    ]
    assert statuses == [404, 404, 401]


def test_unknown_withdrawal_is_404(http: httpx.Client, omnia_headers: dict[str, str]) -> None:
    response = http.get(f"{WITHDRAWALS}/nope", headers=omnia_headers)
    assert response.status_code == 404
    assert response.json()["code"] == "UNKNOWN_WITHDRAWAL_REQUEST"


def test_unknown_order_source_is_refused(post: Any, sandbox: Sandbox) -> None:
    response = post(orderSource="MOONCHAIN")
    assert response.status_code == 400
    assert response.json()["code"] == "ORDER_SOURCE_NOT_FOUND"
    assert sandbox.omnia.withdrawal_count() == 0


def test_past_deadline_is_refused(post: Any, clock: ManualClock, sandbox: Sandbox) -> None:
    now_ms = int(clock.now() * 1000)
    refused = post(deadline=now_ms)
    assert refused.status_code == 400
    assert sandbox.omnia.withdrawal_count() == 0
    assert post(deadline=now_ms + 1).status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("instructionId", ""),
        ("instructionId", "x" * 65),
        ("tokenAddress", "0x1234"),
        ("amount", "0"),
        ("amount", "-1"),
        ("amount", "1e3"),
        ("amount", "01.5"),
        ("amount", 5),
        ("deadline", "1653480000000"),
        ("deadline", True),
        ("signature", "abc"),
        ("signature", "0xabc"),
        ("orderSource", "ethereum"),
    ],
)
def test_malformed_bodies_are_invalid_schema(
    post: Any, field: str, value: Any, sandbox: Sandbox
) -> None:
    response = post(**{field: value})
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_SCHEMA"
    assert field in response.json()["description"]
    assert sandbox.omnia.withdrawal_count() == 0


def test_missing_field_and_non_json_are_invalid_schema(
    http: httpx.Client, omnia_headers: dict[str, str], omnia_body: Any
) -> None:
    incomplete = omnia_body()
    del incomplete["signature"]
    for response in (
        http.post(WITHDRAWALS, json=incomplete, headers=omnia_headers),
        http.post(WITHDRAWALS, content=b"{not json", headers=omnia_headers),
        http.post(WITHDRAWALS, json=[1], headers=omnia_headers),
    ):
        assert response.status_code == 400
        assert response.json()["code"] == "INVALID_SCHEMA"


def test_a_max_length_instruction_id_is_accepted(
    post: Any, http: httpx.Client, omnia_headers: dict[str, str]
) -> None:
    long_id = "i" * 64
    assert post(instructionId=long_id).status_code == 200
    got = http.get(f"{WITHDRAWALS}/{long_id}", headers=omnia_headers)
    assert got.json()["instructionId"] == long_id


def test_signature_check_rejects_with_a_reason(post: Any, checked_client: Any) -> None:
    seen: list[dict[str, Any]] = []

    def check(posted: Any) -> bool:
        seen.append(dict(posted))
        return bool(posted["signature"] == "0x" + "01" * 65)

    sandbox = Sandbox(SandboxConfig(omnia_signature_check=check), clock=ManualClock())
    client = checked_client(sandbox)
    headers = {"Authorization": f"Bearer {sandbox.omnia_token}"}
    good = post(client, headers, signature="0x" + "01" * 65)
    bad = post(client, headers, instructionId="order-2")
    assert good.json()["status"] == "PENDING"
    assert bad.status_code == 200
    assert bad.json()["status"] == "REJECTED"
    assert bad.json()["rejectionReason"] == "INVALID_SIGNATURE"
    assert [s["instructionId"] for s in seen] == ["order-1", "order-2"]


LAYOUT = Eip712Layout(
    domain={"name": "sandbox test", "version": "1", "chainId": 1},
    primary_type="Withdrawal",
    fields=[
        ("instructionId", "string", "instruction_id"),
        ("token", "address", "token_address"),
        ("amount", "string", "amount"),
        ("deadline", "uint256", "deadline_ms"),
    ],
)


def test_eip712_signature_check_recovers_the_signer() -> None:
    good, bad = Eip712Signer("0x" + "11" * 32, LAYOUT), Eip712Signer("0x" + "22" * 32, LAYOUT)
    config = SandboxConfig(omnia_signature_check=eip712_signature_check(LAYOUT, good.address))
    sandbox = Sandbox(config, clock=ManualClock())
    with OmniaClient(
        sandbox.omnia_url, token=sandbox.omnia_token, transport=sandbox.transport()
    ) as client:
        args = {"order_source": "ETHEREUM", "token_address": "0x" + "11" * 20, "amount": "1.5"}
        accepted = client.request_withdrawal(**args, signer=good)
        refused = client.request_withdrawal(**args, signer=bad)
    assert accepted.status == "PENDING"
    assert (refused.status, refused.rejection_reason) == ("REJECTED", "INVALID_SIGNATURE")
    body = {
        "instructionId": "x",
        "orderSource": "ETHEREUM",
        "tokenAddress": "0x" + "11" * 20,
        "amount": "1.5",
        "deadline": 1,
    }
    signed = good.sign_withdrawal(
        WithdrawalToSign(
            instruction_id="x",
            order_source="ETHEREUM",
            token_address="0x" + "11" * 20,
            amount=Decimal("1.5"),
            amount_base_units=None,
            deadline_ms=1,
            chain_id=None,
        )
    )
    assert eip712_signer_of({**body, "signature": signed}, LAYOUT) == good.address
    assert eip712_signer_of({**body, "amount": "1.6", "signature": signed}, LAYOUT) != good.address
    assert eip712_signer_of({**body, "signature": "0x1234"}, LAYOUT) is None
