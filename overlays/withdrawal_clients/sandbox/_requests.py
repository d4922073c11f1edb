"""What each request must look like: the rules of ``openapi/*.yaml``, checked before anything else.

The patterns are the specs' own, verbatim (a test compares the two), and are matched with
:func:`re.fullmatch`, so a trailing newline is refused as JSON Schema refuses it. A request that
breaks one of these rules is answered 400 whatever else is wrong with it: the same malformed
field always gets the same answer, before any signature or balance is looked at.

What a schema cannot say (an amount below 2^63, an expiry in the future, a signature that
verifies) is checked afterwards, by each API's own module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

#: Non-zero, below 2^251, no leading zeros: stark keys, asset ids, signature halves.
HEX_251 = "^0x([1-7][0-9a-fA-F]{62}|[1-9a-fA-F][0-9a-fA-F]{0,61})$"
#: An Ethereum address (40 hex digits) or a value as HEX_251 describes.
RECEIVER = "^0x([0-9a-fA-F]{40}|[1-7][0-9a-fA-F]{62}|[1-9a-fA-F][0-9a-fA-F]{0,61})$"
STARK_KEYS = (
    "^0x([0-9a-fA-F]{40}|[1-7][0-9a-fA-F]{62}|[1-9a-fA-F][0-9a-fA-F]{0,61})"
    "(,0x([0-9a-fA-F]{40}|[1-7][0-9a-fA-F]{62}|[1-9a-fA-F][0-9a-fA-F]{0,61}))*$"
)
ETH_ADDRESS = "^0x[0-9a-fA-F]{40}$"
CONTRACT_ADDRESS = "^(ETH|eth|0x[0-9a-fA-F]{40})$"
#: 0 to 2^31 - 1 as a decimal string without leading zeros.
VAULT_ID = (
    "^(0|[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}"
    "|2147[0-3][0-9]{5}|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}"
    "|21474836[0-3][0-9]|214748364[0-7])$"
)
QUANTIZED_AMOUNT = "^[1-9][0-9]{0,18}$"
TOKEN_ID = "^(0|[1-9][0-9]{0,77})?$"
QUANTUM = "^[1-9][0-9]{0,38}$"
OMNIA_AMOUNT = "^([1-9][0-9]*(\\.[0-9]+)?|0\\.[0-9]*[1-9][0-9]*)$"
ORDER_SOURCE = "^[A-Z][A-Z0-9_]*$"
SIGNATURE_HEX = "^0x([0-9a-fA-F]{2})+$"
INT64_MAX = 2**63 - 1

# A query integer as text: digits with an optional sign, short enough to convert cheaply.
_QUERY_INT = re.compile(r"-?[0-9]{1,20}")


class Invalid(ValueError):
    """A request field breaks its rule; ``field`` names it (``signature.r`` for nested ones)."""

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}")


@attrs.frozen
class Rule:
    """One field's rule, in the terms of a JSON Schema (``fields`` for a nested object)."""

    type: str  # "string", "integer" or "object"
    required: bool = True
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    fields: Mapping[str, Rule] | None = None

    def check(self, name: str, value: Any) -> None:
        if self.type == "object":
            if not isinstance(value, dict):
                raise Invalid(name, "must be a JSON object")
            check_fields(self.fields or {}, value, prefix=f"{name}.")
        elif self.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise Invalid(name, "must be an integer")
            if self.minimum is not None and value < self.minimum:
                raise Invalid(name, f"must be at least {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise Invalid(name, f"must be at most {self.maximum}")
        else:
            if not isinstance(value, str):
                raise Invalid(name, "must be a string")
            if self.min_length is not None and len(value) < self.min_length:
                raise Invalid(name, f"must be at least {self.min_length} character(s)")
            if self.max_length is not None and len(value) > self.max_length:
                raise Invalid(name, f"must be at most {self.max_length} characters")
            if self.pattern is not None and not re.fullmatch(self.pattern, value):
                raise Invalid(name, f"must match {self.pattern}")


def text(
    pattern: str | None = None,
    *,
    required: bool = True,
    min_length: int | None = None,
    max_length: int | None = None,
) -> Rule:
    return Rule("string", required, pattern, min_length=min_length, max_length=max_length)


def integer(minimum: int, maximum: int, *, required: bool = True) -> Rule:
    return Rule("integer", required, minimum=minimum, maximum=maximum)


def check_fields(rules: Mapping[str, Rule], values: Mapping[str, Any], prefix: str = "") -> None:
    """Raise :class:`Invalid` for the first field (in the rules' order) that breaks its rule."""
    missing = [
        prefix + name for name, rule in rules.items() if rule.required and name not in values
    ]
    if missing:
        raise Invalid(", ".join(missing), "required")
    for name, rule in rules.items():
        if name in values:
            rule.check(prefix + name, values[name])


def check_body(rules: Mapping[str, Rule], body: Any) -> dict[str, Any]:
    """The body as a dict, once it is a JSON object whose fields keep their rules."""
    if not isinstance(body, dict):
        raise Invalid("body", "must be a JSON object")
    check_fields(rules, body)
    return body


def check_query(rules: Mapping[str, Rule], query: Mapping[str, str]) -> dict[str, Any]:
    """The query parameters the rules name, integers converted, once all keep their rules."""
    values: dict[str, Any] = {}
    for name, rule in rules.items():
        if name not in query:
            continue
        raw = query[name]
        values[name] = int(raw) if rule.type == "integer" and _QUERY_INT.fullmatch(raw) else raw
    check_fields(rules, values)
    return values


# --- the operations, by (method, path in the spec) ---------------------------------------------

_HEX = text(HEX_251)
_SIGNATURE = Rule("object", fields={"r": _HEX, "s": _HEX})

REDDIO: dict[tuple[str, str], dict[str, Rule]] = {
    ("POST", "/v1/withdrawal"): {
        "contract_address": text(CONTRACT_ADDRESS),
        "token_id": text(TOKEN_ID),
        "stark_key": _HEX,
        "amount": text(QUANTIZED_AMOUNT),
    },
    ("POST", "/v1/withdrawalto"): {
        "contract_address": text(CONTRACT_ADDRESS),
        "asset_id": _HEX,
        "stark_key": _HEX,
        "amount": text(QUANTIZED_AMOUNT),
        "token_id": text(TOKEN_ID),
        "nonce": integer(0, 2**31 - 1),
        "vault_id": text(VAULT_ID),
        "receiver": text(RECEIVER),
        "receiver_vault_id": text(VAULT_ID),
        "expiration_timestamp": integer(0, 2**22 - 1, required=False),
        "signature": _SIGNATURE,
    },
    ("GET", "/v1/nonce"): {"stark_key": _HEX},
    ("GET", "/v1/vaults"): {"asset_id": _HEX, "stark_keys": text(STARK_KEYS)},
    ("GET", "/v1/contract_info"): {
        "type": text(required=False, min_length=1),
        "contract_address": text(CONTRACT_ADDRESS),
    },
    ("GET", "/v1/assetid"): {
        "type": text(min_length=1),
        "contract_address": text(CONTRACT_ADDRESS),
        "token_id": text(TOKEN_ID, required=False),
        "quantum": text(QUANTUM, required=False),
    },
    ("GET", "/v1/starkex/contracts"): {},
    ("GET", "/v1/record"): {"stark_key": _HEX, "sequence_id": integer(0, INT64_MAX)},
    ("GET", "/v1/record/by/signature"): {"r": _HEX, "s": _HEX},
    ("GET", "/v1/withdrawal/status"): {
        "stage": text(min_length=1),
        "ethaddress": text(ETH_ADDRESS),
    },
}

OMNIA: dict[tuple[str, str], dict[str, Rule]] = {
    ("POST", "/v2/withdrawals"): {
        "instructionId": text(min_length=1, max_length=64),
        "orderSource": text(ORDER_SOURCE),
        "tokenAddress": text(ETH_ADDRESS),
        "amount": text(OMNIA_AMOUNT),
        "deadline": integer(0, INT64_MAX),
        "signature": text(SIGNATURE_HEX),
    },
    ("GET", "/v2/withdrawals/{instructionId}"): {
        "instructionId": text(min_length=1, max_length=64),
    },
}
