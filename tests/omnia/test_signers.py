"""Signers: the configurable EIP-712 signer, the external-signer adapter and their use by the
clients. None of this is Omnia's published scheme (there is none): the layouts here are examples.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from pytest_httpx import HTTPXMock
from withdrawal_clients import errors
from withdrawal_clients._core.secret import Secret
from withdrawal_clients.omnia import AsyncOmniaClient, OmniaClient
from withdrawal_clients.omnia.signers import (
    Eip712Field,
    Eip712Layout,
    Eip712Signer,
    ExternalSigner,
    WithdrawalSigner,
    WithdrawalToSign,
)

# The private key and address of eth-account's documentation examples (a public test key).
KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
CONTRACT = "0x1111111111111111111111111111111111111111"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
IID = "375b23de-febf-4a6e-a517-e7b5dfa9357c"

LAYOUT = Eip712Layout(
    domain={"name": "Example DTW", "version": "1", "chainId": 1, "verifyingContract": CONTRACT},
    primary_type="Withdrawal",
    fields=[
        ("instructionId", "string", "instruction_id"),
        ("token", "address", "token_address"),
        ("amount", "uint256", "amount_base_units"),
        ("deadline", "uint256", "deadline_ms"),
    ],
)
WITHDRAWAL = WithdrawalToSign(
    instruction_id=IID,
    order_source="ETHEREUM",
    token_address=USDC,
    amount=Decimal("5.67"),
    amount_base_units=5_670_000,
    deadline_ms=4102444800000,
    chain_id=1,
)


def test_eip712_signature_recovers_to_the_signer_address() -> None:
    signer = Eip712Signer(KEY, LAYOUT)

    signature = signer.sign_withdrawal(WITHDRAWAL)

    assert signer.address == ADDRESS
    typed = LAYOUT.typed_data(WITHDRAWAL)
    recovered = Account.recover_message(encode_typed_data(full_message=typed), signature=signature)
    assert recovered == ADDRESS
    assert signature.startswith("0x") and len(signature) == 2 + 65 * 2


def test_eip712_signature_matches_eth_account_own_typed_data_signing() -> None:
    # Built by hand from the layout, independently of Eip712Layout.typed_data.
    expected = Account.sign_typed_data(
        KEY,
        domain_data={
            "name": "Example DTW",
            "version": "1",
            "chainId": 1,
            "verifyingContract": CONTRACT,
        },
        message_types={
            "Withdrawal": [
                {"name": "instructionId", "type": "string"},
                {"name": "token", "type": "address"},
                {"name": "amount", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ]
        },
        message_data={
            "instructionId": IID,
            "token": USDC,
            "amount": 5_670_000,
            "deadline": 4102444800000,
        },
    )

    assert Eip712Signer(KEY, LAYOUT).sign_withdrawal(WITHDRAWAL) == "0x" + expected.signature.hex()


def test_a_different_withdrawal_gives_a_different_signature() -> None:
    signer = Eip712Signer(KEY, LAYOUT)
    other = attrs.evolve(WITHDRAWAL, amount_base_units=5_670_001)

    assert signer.sign_withdrawal(other) != signer.sign_withdrawal(WITHDRAWAL)


def test_amounts_reach_the_struct_exactly() -> None:
    layout = Eip712Layout(
        domain={"name": "x"},
        primary_type="W",
        fields=[
            Eip712Field("text", "string", "amount"),
            Eip712Field("whole", "uint256", lambda w: w.amount * 100),
            Eip712Field("source", "string", "order_source"),
        ],
    )

    message = layout.typed_data(WITHDRAWAL)["message"]

    assert message == {"text": "5.67", "whole": 567, "source": "ETHEREUM"}
    assert layout.typed_data(WITHDRAWAL)["types"]["EIP712Domain"] == [
        {"name": "name", "type": "string"}
    ]


def test_a_fractional_amount_is_refused_for_an_integer_member() -> None:
    layout = Eip712Layout(
        domain={"name": "x"}, primary_type="W", fields=[("a", "uint256", "amount")]
    )

    with pytest.raises(errors.InvalidInput, match="amount_base_units"):
        layout.typed_data(WITHDRAWAL)


def test_base_units_are_needed_when_the_layout_uses_them() -> None:
    unknown_decimals = attrs.evolve(WITHDRAWAL, amount_base_units=None)

    with pytest.raises(errors.InvalidInput, match="token_decimals") as caught:
        Eip712Signer(KEY, LAYOUT).sign_withdrawal(unknown_decimals)

    assert caught.value.field == "signer"


def test_a_chain_id_other_than_the_domain_is_refused() -> None:
    on_polygon = attrs.evolve(WITHDRAWAL, chain_id=137)

    with pytest.raises(errors.InvalidInput) as caught:
        LAYOUT.typed_data(on_polygon)

    assert caught.value.field == "chain_id"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"domain": {"name": "x", "color": "red"}}, "domain"),
        ({"primary_type": ""}, "primary_type"),
        ({"primary_type": "EIP712Domain"}, "primary_type"),
        ({"fields": []}, "fields"),
        ({"fields": [("a", "uint256", "amount_in_wei")]}, "fields"),
        ({"fields": [("", "uint256", "amount")]}, "fields"),
    ],
)
def test_bad_layouts_are_refused(arguments: dict[str, Any], field: str) -> None:
    defaults: dict[str, Any] = {
        "domain": {"name": "x"},
        "primary_type": "W",
        "fields": [("a", "string", "instruction_id")],
    }

    with pytest.raises(errors.InvalidInput) as caught:
        Eip712Layout(**{**defaults, **arguments})

    assert caught.value.field == field


@pytest.mark.parametrize(
    "key", ["0x1234", "not hex at all" * 5, b"\x01" * 31, "0x" + "00" * 32, "0x" + "ff" * 32]
)
def test_bad_private_keys_are_refused_without_showing_them(key: str | bytes) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        Eip712Signer(key, LAYOUT)

    assert caught.value.field == "private_key"
    shown = str(caught.value) + repr(caught.value)
    text = key if isinstance(key, str) else key.hex()
    assert text.removeprefix("0x") not in shown
    # No chained error from the key library in tracebacks either.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_the_private_key_never_shows() -> None:
    signer = Eip712Signer(Secret(KEY), LAYOUT)

    shown = repr(signer) + str(signer) + repr(vars(signer))

    assert KEY[2:] not in shown and KEY[2:].upper() not in shown
    assert ADDRESS in repr(signer)


def test_signers_satisfy_the_protocol() -> None:
    assert isinstance(Eip712Signer(KEY, LAYOUT), WithdrawalSigner)
    assert isinstance(ExternalSigner(lambda w: "0x00"), WithdrawalSigner)
    assert not isinstance(object(), WithdrawalSigner)


def test_external_typed_data_signer_gets_what_a_wallet_signs() -> None:
    seen: list[dict[str, Any]] = []

    def wallet(typed_data: dict[str, Any]) -> str:
        seen.append(typed_data)
        signed = Account.sign_message(encode_typed_data(full_message=typed_data), KEY)
        return "0x" + signed.signature.hex()

    signer = ExternalSigner.typed_data(LAYOUT, wallet)

    signature = signer.sign_withdrawal(WITHDRAWAL)

    assert signature == Eip712Signer(KEY, LAYOUT).sign_withdrawal(WITHDRAWAL)
    json.dumps(seen[0])  # plain JSON, as eth_signTypedData_v4 takes
    assert seen[0]["primaryType"] == "Withdrawal"
    assert "wallet" in repr(signer)


# --- through the clients -----------------------------------------------------------------------


def _echo(kit: Any) -> Any:
    """Omnia answering a POST with the withdrawal it asked for, as recorded."""

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        echoed = {key: body[key] for key in ("amount", "orderSource", "tokenAddress")}
        return httpx.Response(
            200, json=kit.withdrawal_json(body["instructionId"], status="PENDING", **echoed)
        )

    return answer


def test_sync_client_signs_with_the_signer_and_passes_everything_it_knows(
    httpx_mock: HTTPXMock, kit: Any
) -> None:
    httpx_mock.add_callback(_echo(kit))
    received: list[WithdrawalToSign] = []
    eip712 = Eip712Signer(KEY, LAYOUT)

    def sign(withdrawal: WithdrawalToSign) -> str:
        received.append(withdrawal)
        return eip712.sign_withdrawal(withdrawal)

    with OmniaClient(kit.BASE_URL, token=kit.TOKEN) as client:
        client.request_withdrawal(
            order_source="ETHEREUM",
            token_address=USDC,
            amount="5.67",
            instruction_id=IID,
            deadline=4102444800000,
            signer=ExternalSigner(sign),
            token_decimals=6,
            chain_id=1,
        )

    assert received == [WITHDRAWAL]
    request = httpx_mock.get_request()
    assert request is not None
    sent = json.loads(request.content)["signature"]
    typed = LAYOUT.typed_data(WITHDRAWAL)
    assert Account.recover_message(encode_typed_data(full_message=typed), signature=sent) == ADDRESS


@pytest.mark.anyio
async def test_async_client_awaits_an_async_external_signer(
    httpx_mock: HTTPXMock, kit: Any
) -> None:
    httpx_mock.add_callback(_echo(kit))

    async def kms(withdrawal: WithdrawalToSign) -> str:
        return "0x" + "c3" * 65

    async with AsyncOmniaClient(kit.BASE_URL, token=kit.TOKEN) as client:
        await client.request_withdrawal(
            order_source="POLYGON", token_address=USDC, amount=1, signer=ExternalSigner(kms)
        )

    request = httpx_mock.get_request()
    assert request is not None
    assert json.loads(request.content)["signature"] == "0x" + "c3" * 65


def test_sync_client_refuses_an_async_signer_before_sending(
    httpx_mock: HTTPXMock, kit: Any
) -> None:
    async def kms(withdrawal: WithdrawalToSign) -> str:
        return "0x00"

    with (
        OmniaClient(kit.BASE_URL, token=kit.TOKEN) as client,
        pytest.raises(errors.InvalidInput) as caught,
    ):
        client.request_withdrawal(
            order_source="ETHEREUM", token_address=USDC, amount=1, signer=ExternalSigner(kms)
        )

    assert caught.value.field == "signer"
    assert httpx_mock.get_requests() == []


def test_the_signer_is_asked_once_even_when_the_request_is_repeated(
    httpx_mock: HTTPXMock, kit: Any
) -> None:
    asked: list[str] = []
    httpx_mock.add_exception(httpx.ReadTimeout("lost"), method="POST")
    httpx_mock.add_response(method="GET", status_code=404, json={"code": "UNKNOWN"})
    httpx_mock.add_callback(_echo(kit), method="POST")

    def sign(withdrawal: WithdrawalToSign) -> str:
        asked.append(withdrawal.instruction_id)
        return "0x" + "ab" * 65

    with OmniaClient(kit.BASE_URL, token=kit.TOKEN, sleep=lambda s: None) as client:
        client.request_withdrawal(
            order_source="ETHEREUM", token_address=USDC, amount=1, signer=ExternalSigner(sign)
        )

    assert len(asked) == 1
    first, second = httpx_mock.get_requests(method="POST")
    assert first.content == second.content


def test_a_string_amount_member_signs_the_text_that_is_sent(
    httpx_mock: HTTPXMock, kit: Any
) -> None:
    httpx_mock.add_callback(_echo(kit))
    layout = Eip712Layout(
        domain={"name": "x", "chainId": 1},
        primary_type="W",
        fields=[("instructionId", "string", "instruction_id"), ("amount", "string", "amount")],
    )
    signer = Eip712Signer(KEY, layout)

    with OmniaClient(kit.BASE_URL, token=kit.TOKEN) as client:
        client.request_withdrawal(
            order_source="ETHEREUM",
            token_address=USDC,
            amount="1.50",
            instruction_id=IID,
            signer=signer,
        )

    request = httpx_mock.get_request()
    assert request is not None
    body = json.loads(request.content)
    signed = {"instructionId": body["instructionId"], "amount": body["amount"]}
    typed = {
        **layout.typed_data(attrs.evolve(WITHDRAWAL, amount=Decimal("1.5"))),
        "message": signed,
    }
    assert body["amount"] == "1.5"
    recovered = Account.recover_message(
        encode_typed_data(full_message=typed), signature=body["signature"]
    )
    assert recovered == ADDRESS
