"""The generated Reddio client, exactly as the spec produces it.

For every operation: a success answer parses into the typed models, every documented error
status parses into the envelope, and an answer with fields the spec does not know still parses.
The request each call sends is checked too (method, path, query or JSON body).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from pytest_httpx import HTTPXMock
from reddio_client import Client
from reddio_client.api.accounts import get_nonce, get_vault_ids
from reddio_client.api.assets import get_asset_id, get_contract_info
from reddio_client.api.layer1 import get_starkex_contracts
from reddio_client.api.records import get_record, get_record_by_signature, get_withdrawal_status
from reddio_client.api.withdrawals import withdrawal, withdrawal_to
from reddio_client.models import (
    AssetIdEnvelope,
    ContractInfoEnvelope,
    Envelope,
    NonceEnvelope,
    RecordOrder,
    RecordsEnvelope,
    SequenceIdEnvelope,
    Signature,
    StarkexContractsEnvelope,
    VaultIdsEnvelope,
    WithdrawalRequest,
    WithdrawalStatusEnvelope,
    WithdrawalToRequest,
)

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "reddio.yaml"
BASE = "https://api-dev.reddio.com"
STARK_KEY = "0x6736f7449da3bf44bf0f7bdd6463818e1ef272641d43021e8bca17b32ec2df0"
ETH_ASSET = "0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e"
CONTRACT = "0x57f3560b6793dcc2cb274c39e8b8eba1dd18a086"
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"

WITHDRAWAL_TO_BODY: dict[str, Any] = {
    "contract_address": CONTRACT,
    "asset_id": ETH_ASSET,
    "stark_key": STARK_KEY,
    "amount": "1000",
    "token_id": "",
    "nonce": 7,
    "vault_id": "23400429",
    "receiver": RECEIVER,
    "receiver_vault_id": "23400430",
    "expiration_timestamp": 4194303,
    "signature": {"r": "0x1a2b", "s": "0x3c4d"},
}
WITHDRAWAL_BODY: dict[str, Any] = {
    "contract_address": CONTRACT,
    "token_id": "",
    "stark_key": STARK_KEY,
    "amount": "1000",
}
RECORD: dict[str, Any] = {
    "amount": "1000",
    "asset_id": ETH_ASSET,
    "record_type": 3,
    "sequence_id": 300524,
    "stark_key": STARK_KEY,
    "status": 3,
    "time": 1700000000,
    "token_id": "",
}


@dataclass(frozen=True)
class Op:
    """One operation: how to call it, what it must send, what a success answer looks like."""

    module: ModuleType
    kwargs: dict[str, Any]
    method: str
    path: str
    model: type
    data: Any
    check: Callable[[Any], None]
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.module.__name__.rsplit(".", 1)[-1]


def _check_sequence(parsed: Any) -> None:
    assert parsed.data.sequence_id == 300524


def _check_nonce(parsed: Any) -> None:
    assert parsed.data.nonce == 7


def _check_vaults(parsed: Any) -> None:
    assert parsed.data.vault_ids == ["23400429", "23400430"]


def _check_contract(parsed: Any) -> None:
    assert (parsed.data.quantum, parsed.data.decimals, parsed.data.symbol) == (
        "1000000000000",
        18,
        "RDD20",
    )
    assert parsed.data.asset_info is None


def _check_asset_id(parsed: Any) -> None:
    assert parsed.data.asset_id == ETH_ASSET


def _check_records(parsed: Any) -> None:
    (record,) = parsed.data
    assert (record.sequence_id, record.status, record.record_type) == (300524, 3, 3)
    assert (record.amount, record.stark_key) == ("1000", STARK_KEY)


def _check_withdrawable(parsed: Any) -> None:
    (asset,) = parsed.data
    assert (asset.asset_id, asset.amount, asset.type_) == (ETH_ASSET, 1000, "ERC20")


STARKEX_CONTRACTS = {
    "mainnet": "0xB62BcD40A24985f560b5a9745d478791d8F1945C",
    "testnet": "0x8Eb82154f314EC687957CE1e9c1A5Dc3A3234DF9",
    "sepolia": "0x682173dd52A16EC51Cb65Bbd6DA1D3baCf831b45",
}


def _check_contracts(parsed: Any) -> None:
    found = (parsed.data.mainnet, parsed.data.testnet, parsed.data.sepolia)
    assert found == tuple(STARKEX_CONTRACTS.values())


OPS = [
    Op(
        withdrawal,
        {"body": WithdrawalRequest.from_dict(WITHDRAWAL_BODY)},
        "POST",
        "/v1/withdrawal",
        SequenceIdEnvelope,
        {"sequence_id": 300524},
        _check_sequence,
        body=WITHDRAWAL_BODY,
    ),
    Op(
        withdrawal_to,
        {"body": WithdrawalToRequest.from_dict(WITHDRAWAL_TO_BODY)},
        "POST",
        "/v1/withdrawalto",
        SequenceIdEnvelope,
        {"sequence_id": 300524},
        _check_sequence,
        body=WITHDRAWAL_TO_BODY,
    ),
    Op(
        get_nonce,
        {"stark_key": STARK_KEY},
        "GET",
        "/v1/nonce",
        NonceEnvelope,
        {"nonce": 7},
        _check_nonce,
        query={"stark_key": STARK_KEY},
    ),
    Op(
        get_vault_ids,
        {"asset_id": ETH_ASSET, "stark_keys": f"{STARK_KEY},{RECEIVER}"},
        "GET",
        "/v1/vaults",
        VaultIdsEnvelope,
        {"vault_ids": ["23400429", "23400430"]},
        _check_vaults,
        query={"asset_id": ETH_ASSET, "stark_keys": f"{STARK_KEY},{RECEIVER}"},
    ),
    Op(
        get_contract_info,
        {"type_": "ERC20", "contract_address": CONTRACT},
        "GET",
        "/v1/contract_info",
        ContractInfoEnvelope,
        {
            "contract_address": CONTRACT,
            "type": "ERC20",
            "decimals": 18,
            "quantum": "1000000000000",
            "symbol": "RDD20",
            "asset_info": None,
        },
        _check_contract,
        query={"type": "ERC20", "contract_address": CONTRACT},
    ),
    Op(
        get_asset_id,
        {"type_": "ETH", "contract_address": "ETH", "quantum": "1000000000000"},
        "GET",
        "/v1/assetid",
        AssetIdEnvelope,
        {"asset_id": ETH_ASSET},
        _check_asset_id,
        query={"type": "ETH", "contract_address": "ETH", "quantum": "1000000000000"},
    ),
    Op(
        get_record,
        {"stark_key": STARK_KEY, "sequence_id": 300524},
        "GET",
        "/v1/record",
        RecordsEnvelope,
        [RECORD],
        _check_records,
        query={"stark_key": STARK_KEY, "sequence_id": "300524"},
    ),
    Op(
        get_record_by_signature,
        {"r": "0x1a2b", "s": "0x3c4d"},
        "GET",
        "/v1/record/by/signature",
        RecordsEnvelope,
        [RECORD],
        _check_records,
        query={"r": "0x1a2b", "s": "0x3c4d"},
    ),
    Op(
        get_withdrawal_status,
        {"stage": "withdrawarea", "ethaddress": RECEIVER},
        "GET",
        "/v1/withdrawal/status",
        WithdrawalStatusEnvelope,
        [{"asset_id": ETH_ASSET, "amount": 1000, "type": "ERC20", "symbol": "RDD20"}],
        _check_withdrawable,
        query={"stage": "withdrawarea", "ethaddress": RECEIVER},
    ),
    Op(
        get_starkex_contracts,
        {},
        "GET",
        "/v1/starkex/contracts",
        StarkexContractsEnvelope,
        STARKEX_CONTRACTS,
        _check_contracts,
    ),
]
OP_IDS = [op.name for op in OPS]


def ok(data: Any) -> dict[str, Any]:
    return {"status": "OK", "error": "", "error_code": 0, "data": data}


def client() -> Client:
    return Client(base_url=BASE)


def assert_request(op: Op, request: httpx.Request) -> None:
    assert request.method == op.method
    assert request.url.path == op.path
    assert dict(request.url.params) == op.query
    if op.body is not None:
        assert json.loads(request.content) == op.body


@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
def test_success_parses_into_models(op: Op, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=ok(op.data))
    response = op.module.sync_detailed(client=client(), **op.kwargs)
    assert response.status_code == 200
    assert isinstance(response.parsed, op.model)
    assert response.parsed.status == "OK"
    op.check(response.parsed)
    assert_request(op, httpx_mock.get_request())


@pytest.mark.anyio
@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
async def test_success_parses_async(op: Op, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=ok(op.data))
    response = await op.module.asyncio_detailed(client=client(), **op.kwargs)
    assert isinstance(response.parsed, op.model)
    op.check(response.parsed)
    assert_request(op, httpx_mock.get_request())


ERRORS = [
    (400, 19, "invalid param"),
    (401, 32, "invalid api key"),
    (429, 429, "slow down"),
    (500, 500, "system error"),
]


@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
@pytest.mark.parametrize(("http_status", "code", "text"), ERRORS)
def test_documented_error_statuses_parse_as_envelope(
    op: Op, http_status: int, code: int, text: str, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        status_code=http_status,
        json={"status": "FAILED", "error": text, "error_code": code},
        headers={"Retry-After": "3"} if http_status == 429 else {},
    )
    response = op.module.sync_detailed(client=client(), **op.kwargs)
    assert response.status_code == http_status
    assert isinstance(response.parsed, Envelope)
    assert (response.parsed.status, response.parsed.error_code, response.parsed.error) == (
        "FAILED",
        code,
        text,
    )
    if http_status == 429:
        assert response.headers["Retry-After"] == "3"


@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
def test_failure_with_http_200_and_null_data_parses(op: Op, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        json={"status": "FAILED", "error": "dup", "error_code": 13, "data": None}
    )
    parsed = op.module.sync_detailed(client=client(), **op.kwargs).parsed
    assert isinstance(parsed, op.model)
    assert (parsed.status, parsed.error_code, parsed.data) == ("FAILED", 13, None)


def _with_unknown_fields(data: Any) -> Any:
    if isinstance(data, list):
        return [_with_unknown_fields(item) for item in data]
    return {**data, "added_later": {"nested": [1, 2]}, "flag": True}


@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
def test_unknown_fields_still_parse(op: Op, httpx_mock: HTTPXMock) -> None:
    body = {**ok(_with_unknown_fields(op.data)), "trace_id": "abc", "took_ms": 4}
    httpx_mock.add_response(json=body)
    parsed = op.module.sync_detailed(client=client(), **op.kwargs).parsed
    assert isinstance(parsed, op.model)
    op.check(parsed)
    assert parsed.additional_properties == {"trace_id": "abc", "took_ms": 4}
    first = parsed.data[0] if isinstance(parsed.data, list) else parsed.data
    assert first.additional_properties == {"added_later": {"nested": [1, 2]}, "flag": True}


def test_open_value_sets_accept_unknown_values(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        json={**ok([{**RECORD, "status": 99, "record_type": 42}]), "error_code": 777}
    )
    parsed = get_record.sync_detailed(client=client(), stark_key=STARK_KEY, sequence_id=1).parsed
    assert isinstance(parsed, RecordsEnvelope)
    assert isinstance(parsed.data, list)
    assert (parsed.data[0].status, parsed.data[0].record_type, parsed.error_code) == (99, 42, 777)


@pytest.mark.parametrize(("quantum", "decimals"), [(1000, "6"), ("1", 0)])
def test_contract_info_numbers_arrive_as_numbers_or_strings(
    quantum: int | str, decimals: int | str, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=ok({"quantum": quantum, "decimals": decimals, "symbol": None}))
    parsed = get_contract_info.sync_detailed(
        client=client(), type_="ERC20", contract_address=CONTRACT
    ).parsed
    assert isinstance(parsed, ContractInfoEnvelope)
    assert parsed.data is not None
    assert (parsed.data.quantum, parsed.data.decimals, parsed.data.symbol) == (
        quantum,
        decimals,
        None,
    )


def test_withdrawal_to_request_round_trips_every_field() -> None:
    model = WithdrawalToRequest.from_dict(WITHDRAWAL_TO_BODY)
    assert isinstance(model.signature, Signature)
    assert model.to_dict() == WITHDRAWAL_TO_BODY


def test_undocumented_status_is_returned_unparsed(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=502, text="<html>Bad Gateway</html>")
    response = get_nonce.sync_detailed(client=client(), stark_key=STARK_KEY)
    assert (response.status_code, response.parsed) == (502, None)
    assert response.content == b"<html>Bad Gateway</html>"


def test_every_operation_of_the_spec_is_exercised() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    documented = {(m.upper(), path) for path, ops in spec["paths"].items() for m in ops}
    assert {(op.method, op.path) for op in OPS} == documented


@pytest.mark.parametrize("amount", [1000, "1000", 2**63 - 1])
def test_withdrawable_amounts_arrive_as_numbers_or_strings(
    amount: int | str, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=ok([{"asset_id": ETH_ASSET, "amount": amount}]))
    parsed = get_withdrawal_status.sync_detailed(
        client=client(), stage="withdrawarea", ethaddress=RECEIVER
    ).parsed
    assert isinstance(parsed, WithdrawalStatusEnvelope) and isinstance(parsed.data, list)
    assert parsed.data[0].amount == amount


def test_a_null_error_parses(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={"status": "OK", "error": None, "data": {"nonce": 3}})
    parsed = get_nonce.sync_detailed(client=client(), stark_key=STARK_KEY).parsed
    assert isinstance(parsed, NonceEnvelope)
    assert (parsed.error, parsed.data.nonce if parsed.data else None) == (None, 3)


def test_contract_info_without_a_type_sends_none(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=ok({"quantum": 1, "decimals": 6}))
    get_contract_info.sync_detailed(client=client(), contract_address=CONTRACT)
    assert dict(httpx_mock.get_request().url.params) == {"contract_address": CONTRACT}


@pytest.mark.parametrize("order", [{"price": "1.5", "direction": 0}, None])
def test_records_carry_resp_and_order(order: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=ok([{**RECORD, "resp": "ok", "order": order}]))
    parsed = get_record.sync_detailed(client=client(), stark_key=STARK_KEY, sequence_id=1).parsed
    assert isinstance(parsed, RecordsEnvelope) and isinstance(parsed.data, list)
    record = parsed.data[0]
    assert record.resp == "ok"
    if order is None:
        assert record.order is None
    else:
        assert isinstance(record.order, RecordOrder)
        assert record.order.additional_properties == order
    assert record.to_dict() == {**RECORD, "resp": "ok", "order": order}
