"""The specs' examples are true: other teams test against them, so each one must pass the rules
it illustrates and agree with the others (signatures verify, asset ids are the StarkEx ones,
amounts and display values match, deadlines are in the future)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker
from withdrawal_clients import build_withdrawal_to, starkex
from withdrawal_clients.sandbox import TEST_STARK_PRIVATE_KEY, StarkexContracts

SPECS = Path(__file__).resolve().parents[2] / "openapi"
REDDIO: dict[str, Any] = yaml.safe_load((SPECS / "reddio.yaml").read_text())
OMNIA: dict[str, Any] = yaml.safe_load((SPECS / "omnia.yaml").read_text())
RDD20 = "0x57f3560b6793dcc2cb274c39e8b8eba1dd18a086"
ERC20_SELECTOR = "f47261b0"


def media_examples(content: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Any]]:
    for media in content.values():
        if "example" in media:
            yield media["schema"], media["example"]
        for named in media.get("examples", {}).values():
            yield media["schema"], named["value"]


def request_examples(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) of every request body and parameter example."""
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for schema, example in media_examples(
                operation.get("requestBody", {}).get("content", {})
            ):
                yield where, schema, example
            for parameter in operation.get("parameters", []):
                for example in (parameter.get("example"), parameter["schema"].get("example")):
                    if example is not None:
                        yield f"{where} {parameter['name']}", parameter["schema"], example


def response_example(path: str, method: str = "get") -> Any:
    content = REDDIO["paths"][path][method]["responses"]["200"]["content"]
    return next(media_examples(content))[1]


@pytest.mark.parametrize(
    ("spec", "where", "schema", "example"),
    [(spec, *found) for spec in (REDDIO, OMNIA) for found in request_examples(spec)],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_request_examples_keep_their_schemas(
    spec: dict[str, Any], where: str, schema: dict[str, Any], example: Any
) -> None:
    validator = OAS30WriteValidator(
        {**schema, "components": spec["components"]}, format_checker=oas30_format_checker
    )
    assert not list(validator.iter_errors(example)), where


def withdrawal_to_example() -> dict[str, Any]:
    body: dict[str, Any] = REDDIO["paths"]["/v1/withdrawalto"]["post"]["requestBody"]["content"][
        "application/json"
    ]["example"]
    return body


def test_the_withdrawalto_example_is_signed_over_its_own_fields() -> None:
    body = withdrawal_to_example()
    # Signing is deterministic: the package's signer, given the example's values and
    # StarkWare's public test key, must produce the example exactly.
    signed = build_withdrawal_to(
        stark_private_key=TEST_STARK_PRIVATE_KEY,
        contract_address=body["contract_address"],
        asset_id=body["asset_id"],
        amount=int(body["amount"]),
        nonce=body["nonce"],
        vault_id=body["vault_id"],
        receiver=body["receiver"],
        receiver_vault_id=body["receiver_vault_id"],
        token_id=body["token_id"],
        expiration_timestamp=body["expiration_timestamp"],
    )
    assert signed.to_dict() == body
    key = int(body["stark_key"], 16)
    assert starkex.verify(signed.msg_hash, signed.r, signed.s, key)
    assert not starkex.verify(signed.msg_hash + 1, signed.r, signed.s, key)


def test_the_rdd20_examples_agree_with_the_starkex_rules() -> None:
    info = response_example("/v1/contract_info")["data"]
    asset_id = starkex.get_asset_id(
        "ERC20", contract_address=info["contract_address"], quantum=int(info["quantum"])
    )
    # Reddio's docs give RDD20's asset id as 0x348d9f01...b159.
    assert hex(asset_id).startswith("0x348d9f01") and hex(asset_id).endswith("b159")
    assert info["asset_type"] == hex(asset_id)  # for an ERC20 the asset type is the asset id
    assert info["asset_info"] == "0x" + ERC20_SELECTOR + RDD20[2:].rjust(64, "0")
    assert withdrawal_to_example()["asset_id"] == hex(asset_id)
    (ready,) = response_example("/v1/withdrawal/status")["data"]
    assert (ready["asset_id"], ready["asset_type"]) == (hex(asset_id), hex(asset_id))
    units = Decimal(ready["amount"]) * int(info["quantum"]) / 10 ** info["decimals"]
    assert Decimal(ready["display_value"]) == units
    (record,) = response_example("/v1/record")["data"]
    assert (record["asset_id"], record["display_value"]) == (hex(asset_id), ready["display_value"])


def test_the_withdrawal_records_are_type_4() -> None:
    for path in ("/v1/record", "/v1/record/by/signature"):
        (record,) = response_example(path)["data"]
        assert record["record_type"] == 4
        assert record["stark_key"] == withdrawal_to_example()["stark_key"]
    (found,) = response_example("/v1/record/by/signature")["data"]
    assert found["status"] == 6  # as Reddio's Java SDK test finds a withdrawal's record


def test_the_starkex_contracts_example_is_what_the_sandbox_serves() -> None:
    assert response_example("/v1/starkex/contracts")["data"] == StarkexContracts().to_json()


def test_omnia_deadlines_in_examples_are_in_the_future() -> None:
    deadlines = [
        example["deadline"]
        for _, _, example in request_examples(OMNIA)
        if isinstance(example, dict)
    ]
    deadlines.append(
        OMNIA["components"]["schemas"]["WithdrawalRequest"]["properties"]["deadline"]["example"]
    )
    assert deadlines and all(deadline > time.time() * 1000 for deadline in deadlines)
