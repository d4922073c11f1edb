"""Omnia's documented refusal codes reach the caller as one typed error: the order-source error
under both of its documented names, and INVALID_SCHEMA, are each a BadRequest carrying the code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pytest_httpx import HTTPXMock
from withdrawal_clients import errors
from withdrawal_clients.omnia import OmniaClient

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "omnia.yaml"
BASE_URL = "https://omnia.test/api"
CODES = ["ORDER_SOURCE_NOT_FOUND", "INVALID_ORDER_SOURCE", "INVALID_SCHEMA"]


def test_the_spec_documents_every_code() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    examples = spec["components"]["responses"]["BadRequest"]["content"]["application/json"]
    assert sorted(e["value"]["code"] for e in examples["examples"].values()) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("field", ["code", "error_code"])
def test_each_code_is_a_bad_request(httpx_mock: HTTPXMock, code: str, field: str) -> None:
    httpx_mock.add_response(
        method="POST", url=f"{BASE_URL}/v2/withdrawals", status_code=400, json={field: code}
    )
    with OmniaClient(BASE_URL, token="t") as client, pytest.raises(errors.BadRequest) as refused:
        client.request_withdrawal(
            order_source="ETHEREUM",
            token_address="0x" + "11" * 20,
            amount="1",
            signature="0x" + "ab" * 65,
        )
    assert (refused.value.code, refused.value.http_status) == (code, 400)
