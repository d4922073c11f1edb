"""The sandbox checks exactly the specs' request rules, and the specs' patterns say what their
prose says (non-zero and below 2^251, below 2^31, positive, no leading zeros)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from withdrawal_clients.sandbox import _requests

SPECS = Path(__file__).resolve().parents[2] / "openapi"
TABLES = {"reddio": _requests.REDDIO, "omnia": _requests.OMNIA}


def load(api: str) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load((SPECS / f"{api}.yaml").read_text())
    return spec


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def rule_of(spec: dict[str, Any], schema: dict[str, Any], required: bool) -> _requests.Rule:
    """The sandbox's Rule that a JSON Schema states."""
    schema = resolve(spec, schema)
    fields = None
    if schema["type"] == "object":
        fields = {
            name: rule_of(spec, sub, name in schema.get("required", []))
            for name, sub in schema["properties"].items()
        }
    return _requests.Rule(
        schema["type"],
        required,
        schema.get("pattern"),
        schema.get("minimum"),
        schema.get("maximum"),
        schema.get("minLength"),
        schema.get("maxLength"),
        fields,
    )


def spec_rules(api: str) -> dict[tuple[str, str], dict[str, _requests.Rule]]:
    spec = load(api)
    found = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            rules = {
                p["name"]: rule_of(spec, p["schema"], p.get("required", False))
                for p in (resolve(spec, p) for p in operation.get("parameters", []))
            }
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                rules.update(rule_of(spec, body["schema"], True).fields or {})
            found[(method.upper(), path)] = rules
    return found


@pytest.mark.parametrize("api", ["reddio", "omnia"])
def test_the_sandbox_checks_exactly_the_rules_of_the_spec(api: str) -> None:
    assert TABLES[api] == spec_rules(api)


def spec_pattern(api: str, schema: str, field: str | None = None) -> re.Pattern[str]:
    node = load(api)["components"]["schemas"][schema]
    return re.compile((node["properties"][field] if field else node)["pattern"])


HEX_251 = spec_pattern("reddio", "StarkKey")
VAULT_ID = spec_pattern("reddio", "VaultId")
RECEIVER = spec_pattern("reddio", "WithdrawalToRequest", "receiver")
QUANTIZED = spec_pattern("reddio", "WithdrawalToRequest", "amount")
OMNIA_AMOUNT = spec_pattern("omnia", "WithdrawalRequest", "amount")


def matches(pattern: re.Pattern[str], text: str) -> bool:
    # JSON Schema patterns are ECMA-262: their $ does not match before a final newline.
    return pattern.fullmatch(text) is not None


def test_the_hex_components_share_one_pattern() -> None:
    spec = load("reddio")
    schemas = spec["components"]["schemas"]
    found = {schemas[name]["pattern"] for name in ("StarkKey", "AssetId", "SignatureComponent")}
    found |= {schemas["Signature"]["properties"][half]["pattern"] for half in ("r", "s")}
    assert found == {HEX_251.pattern}


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**253), st.sampled_from(["0x", "0X"]), st.integers(0, 2), st.booleans())
def test_hex_251_means_non_zero_below_2_251_without_leading_zeros(
    value: int, prefix: str, zeros: int, upper: bool
) -> None:
    digits = format(value, "X" if upper else "x")
    text = prefix + "0" * zeros + digits
    canonical = prefix == "0x" and zeros == 0
    assert matches(HEX_251, text) == (canonical and 0 < value < 2**251)


@pytest.mark.parametrize("value", [1, 2**250, 2**251 - 1, 2**251, 2**252, 0])
def test_hex_251_edges(value: int) -> None:
    assert matches(HEX_251, hex(value)) == (0 < value < 2**251)
    assert not matches(HEX_251, hex(value) + "\n")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(0, 2**34), st.integers(2**31 - 50, 2**31 + 50)), st.booleans())
def test_vault_id_means_below_2_31_without_leading_zeros(value: int, padded: bool) -> None:
    text = ("0" if padded else "") + str(value)
    assert matches(VAULT_ID, text) == (not padded and value < 2**31)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**170), st.integers(0, 2))
def test_a_receiver_is_an_address_or_a_canonical_stark_key(value: int, zeros: int) -> None:
    digits = "0" * zeros + format(value, "x")
    expected = len(digits) == 40 or (zeros == 0 and 0 < value < 2**251)
    assert matches(RECEIVER, "0x" + digits) == expected


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("1", True),
        ("1000", True),
        ("0", False),
        ("0001000", False),
        ("-1", False),
        ("1" * 20, False),
    ],
)
def test_quantized_amounts_are_positive_without_leading_zeros(text: str, valid: bool) -> None:
    assert matches(QUANTIZED, text) == valid


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("5.67", True),
        ("0.000001", True),
        ("10", True),
        ("0", False),
        ("0.00", False),
        ("00.5", False),
        ("1.", False),
        ("1e3", False),
        ("-1", False),
        ("+1", False),
    ],
)
def test_omnia_amounts_are_positive_plain_decimals(text: str, valid: bool) -> None:
    assert matches(OMNIA_AMOUNT, text) == valid


def test_refusals_name_the_field_and_come_first() -> None:
    rules = _requests.REDDIO[("POST", "/v1/withdrawalto")]
    with pytest.raises(_requests.Invalid) as missing:
        _requests.check_body(rules, {"amount": 5})
    assert missing.value.field.startswith("contract_address, asset_id")
    signature = {"r": "0x1", "s": "0x01"}
    body = {name: "x" for name in rules} | {"signature": signature}
    with pytest.raises(_requests.Invalid, match=r"^contract_address: must match"):
        _requests.check_body(rules, body)
    with pytest.raises(_requests.Invalid) as nested:
        _requests.check_fields({"signature": rules["signature"]}, {"signature": signature})
    assert nested.value.field == "signature.s"


def test_query_integers_are_parsed_only_when_they_are_integers() -> None:
    rules = _requests.REDDIO[("GET", "/v1/record")]
    key = "0x1"
    assert _requests.check_query(rules, {"stark_key": key, "sequence_id": "17"}) == {
        "stark_key": key,
        "sequence_id": 17,
    }
    for bad in ("-1", "1.5", "x", "", "9" * 20, "9" * 5000, str(2**63)):
        with pytest.raises(_requests.Invalid, match=r"^sequence_id"):
            _requests.check_query(rules, {"stark_key": key, "sequence_id": bad})
