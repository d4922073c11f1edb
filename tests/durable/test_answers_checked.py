"""Answers are checked against the request they answer, and the journal refuses a key reused
with other arguments: a lie is never a success, and a conflict sends nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from withdrawal_clients import IdempotencyConflict, Journal, OmniaClient, ReddioClient, errors
from withdrawal_clients.omnia.plans import instruction_id_for
from withdrawal_clients.sandbox import Sandbox, SandboxConfig

PRIVATE_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
OMNIA = "https://omnia.test/api"
ARGS: dict[str, Any] = {
    "order_source": "ETHEREUM",
    "token_address": USDC,
    "amount": "1.5",
    "signature": "0xabcd",
}


def omnia_answering(answer: Any, journal: Journal | None = None) -> tuple[OmniaClient, list[str]]:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return answer(request)

    client = OmniaClient(
        OMNIA,
        token="t",
        transport=httpx.MockTransport(handler),
        sleep=lambda _: None,
        journal=journal,
    )
    return client, seen


def echo(request: httpx.Request, status: int = 200, **changes: Any) -> httpx.Response:
    sent = json.loads(request.content) if request.method == "POST" else None
    body = {
        "instructionId": sent["instructionId"] if sent else request.url.path.rsplit("/", 1)[1],
        "orderSource": "ETHEREUM",
        "tokenAddress": USDC,
        "amount": "1.5",
        "status": "PENDING",
    }
    return httpx.Response(status, json={**body, **changes})


@pytest.mark.parametrize(
    "lie",
    [
        {"instructionId": "another-id"},
        {"amount": "999"},
        {"amount": "-5"},
        {"tokenAddress": "0x" + "11" * 20},
        {"orderSource": "POLYGON"},
    ],
)
def test_an_omnia_answer_about_another_withdrawal_is_never_success(lie: dict[str, Any]) -> None:
    client, seen = omnia_answering(lambda request: echo(request, **lie))
    with client, pytest.raises((errors.OutcomeUnknown, errors.InvalidInput)):
        client.request_withdrawal(**ARGS, instruction_id="iid-1")
    assert seen[0] == "POST" and "GET" in seen  # the lie was checked by a lookup


@pytest.mark.parametrize("status", [201, 202])
def test_an_omnia_2xx_carrying_the_withdrawal_is_success(status: int) -> None:
    client, seen = omnia_answering(lambda request: echo(request, status))
    with client:
        found = client.request_withdrawal(**ARGS, instruction_id="iid-2")
    assert found.instruction_id == "iid-2" and seen == ["POST"]


@pytest.mark.parametrize("status", [204, 302, 307])
def test_other_2xx_and_3xx_answers_are_looked_up_not_refused(status: int) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(status, headers={"Location": "https://elsewhere.test/"})
        return echo(request)

    client, seen = omnia_answering(answer)
    with client:
        found = client.request_withdrawal(**ARGS, instruction_id="iid-3")
    assert found.instruction_id == "iid-3" and seen == ["POST", "GET"]


def test_the_same_key_with_other_arguments_is_a_conflict_and_sends_nothing(
    tmp_path: Path,
) -> None:
    with Journal.open(tmp_path / "j.db") as journal:
        client, seen = omnia_answering(echo, journal)
        with client:
            first = client.request_withdrawal(**ARGS, idempotency_key="pay-1")
            assert first.instruction_id == instruction_id_for("pay-1")
            again = client.request_withdrawal(**ARGS, idempotency_key="pay-1")
            assert again == first and seen == ["POST"]
            with pytest.raises(IdempotencyConflict) as caught:
                client.request_withdrawal(**{**ARGS, "amount": "2"}, idempotency_key="pay-1")
        assert caught.value.fields == ["amount"] and caught.value.field == "idempotency_key"
        assert seen == ["POST"]


def test_a_journal_requires_a_key_and_a_key_requires_a_journal(tmp_path: Path) -> None:
    client, seen = omnia_answering(echo)
    with client, pytest.raises(errors.InvalidInput, match="idempotency_key"):
        client.request_withdrawal(**ARGS, idempotency_key="pay-2")
    with Journal.open(tmp_path / "j.db") as journal:
        client, seen = omnia_answering(echo, journal)
        with client, pytest.raises(errors.InvalidInput, match="idempotency_key"):
            client.request_withdrawal(**ARGS)
    assert seen == []


@pytest.mark.parametrize(
    "field",
    [("amount", "999"), ("stark_key", "0x1"), ("asset_id", "0x2"), ("token_id", "7"), None],
)
def test_a_record_found_by_signature_must_match_the_signed_body(
    field: tuple[str, str] | None,
) -> None:
    sandbox = Sandbox(SandboxConfig.instant())
    inner = sandbox.transport()
    name, value = field or ("status", 1)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            raise httpx.ReadTimeout("answer lost", request=request)
        if request.url.path.endswith("/v1/record/by/signature"):
            record = {
                "sequence_id": 1001,
                "status": 1,
                "record_type": 4,
                "stark_key": "0x77a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43",
                "amount": "1000",  # 0.001 ETH in quanta of 10^12 wei
                "asset_id": "0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e",
                "token_id": "",
                name: value,
            }
            return httpx.Response(200, json={"status": "OK", "error": "", "data": [record]})
        return inner.handle_request(request)

    client = ReddioClient(
        "http://reddio.test/reddio",
        stark_private_key=PRIVATE_KEY,
        transport=httpx.MockTransport(handler),
        sleep=lambda _: None,
    )
    pay = {"contract_address": "ETH", "asset_type": "ETH", "amount": "0.001", "receiver": RECEIVER}
    with client:
        if field is None:  # the honest record is the withdrawal's outcome
            assert client.withdraw_to(**pay).sequence_id == 1001
            return
        with pytest.raises(errors.OutcomeUnknown) as caught:
            client.withdraw_to(**pay)
    assert f"differs from the signed body in {name}" in str(caught.value.cause)


def reddio_answering(handler: Any) -> ReddioClient:
    return ReddioClient(
        "http://reddio.test",
        stark_private_key=PRIVATE_KEY,
        transport=httpx.MockTransport(handler),
        sleep=lambda _: None,
    )


def record_json(sequence_id: int, status: int = 1) -> dict[str, Any]:
    return {"sequence_id": sequence_id, "status": status, "record_type": 4, "amount": "5"}


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([], errors.NotFound),
        ([record_json(8)], errors.MalformedResponse),  # another id
        ([record_json(7), record_json(7, status=2)], errors.MalformedResponse),  # conflicting
    ],
)
def test_get_record_returns_that_record_or_a_typed_error(
    records: list[dict[str, Any]], expected: type[Exception]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": "OK", "error": "", "data": records})

    with reddio_answering(handler) as client, pytest.raises(expected):
        client.get_record(7)


def test_get_record_accepts_repeats_of_one_record() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        data = [record_json(7), record_json(7)]
        return httpx.Response(200, json={"status": "OK", "error": "", "data": data})

    with reddio_answering(handler) as client:
        assert client.get_record(7).sequence_id == 7


@pytest.mark.parametrize("then", ["429", "refused"])
def test_a_slow_commit_then_unsendable_copies_is_an_unknown_outcome(then: str) -> None:
    # The POST reached Reddio but its answer was lost; the lookup finds nothing yet (a slow
    # commit); every copy after it is refused at the door. A caller told "rate limited" or
    # "no connection" would pay again: it must be told the outcome is unknown.
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/v1/record/by/signature"):
            return httpx.Response(200, json={"status": "OK", "error": "", "data": []})
        if request.method == "POST" and not posted:
            posted.append(1)
            raise httpx.ReadTimeout("answer lost", request=request)
        if then == "429":
            return httpx.Response(429, headers={"Retry-After": "0"})
        raise httpx.ConnectError("refused", request=request)

    posted: list[int] = []
    explicit = {"nonce": 1, "vault_id": 2, "receiver_vault_id": 3, "asset_id": "0x5"}
    with reddio_answering(handler) as client, pytest.raises(errors.OutcomeUnknown) as caught:
        client.withdraw_to(
            contract_address="ETH",
            asset_type="ETH",
            amount=10,
            quantized=True,
            receiver=RECEIVER,
            **explicit,
        )
    assert caught.value.request_body is not None and "signature" in caught.value.request_body
