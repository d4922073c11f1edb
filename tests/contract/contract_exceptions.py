"""The one list of what the conformance run excuses, each entry with its reason.

Every entry is a rule the specs state in prose because JSON Schema cannot state it: a request
that keeps every schema rule but breaks this one is refused by the sandbox with HTTP 400, which
Schemathesis's positive-data check would otherwise report ("schema-valid request rejected").
An answer is excused only when it is that 400 and the refusal names the entry's field and rule
(the sandbox's refusals read "<field>: <rule>"); anything else fails the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Unexpressible:
    """A rule no schema can state; ``where`` lists (operation, refusal text it starts with)."""

    rule: str
    reason: str
    where: frozenset[tuple[str, str]]


EXCEPTIONS = (
    Unexpressible(
        "an expiry in the future",
        "a schema cannot read the clock",
        frozenset(
            {
                ("POST /v1/withdrawalto", "expiration_timestamp: has passed"),
                ("POST /v2/withdrawals", "deadline: has passed"),
            }
        ),
    ),
    Unexpressible(
        "an order source that Omnia serves",
        "the set of chains is open on purpose, so that a new chain does not break generated "
        "clients; Omnia answers 400 ORDER_SOURCE_NOT_FOUND for one it does not serve",
        frozenset({("POST /v2/withdrawals", "orderSource: ")}),
    ),
    Unexpressible(
        "a receiver other than the zero address",
        "refusing 40 zeros needs a look-ahead, which JSON Schema regular expressions cannot rely "
        "on in every validator",
        frozenset({("POST /v1/withdrawalto", "receiver: must not be zero")}),
    ),
    Unexpressible(
        "decimal integers below 2^63 (amounts), 2^256 (token ids) and 2^128 (quanta)",
        "the patterns bound the number of digits; an exact bound would spell out dozens of "
        "alternatives per field",
        frozenset(
            {
                ("POST /v1/withdrawal", "amount: must be below 2^63"),
                ("POST /v1/withdrawalto", "amount: must be below 2^63"),
                ("POST /v1/withdrawal", "token_id: must be below 2^256"),
                ("POST /v1/withdrawalto", "token_id: must be below 2^256"),
                ("GET /v1/assetid", "token_id: must be below 2^256"),
                ("GET /v1/assetid", "quantum: must be below 2^128"),
            }
        ),
    ),
)


def excused(operation: str, status: int, content: bytes) -> str | None:
    """The rule of the exception that excuses this answer to ``operation``, or None."""
    if status != 400:
        return None
    try:
        body = json.loads(content)
    except ValueError:
        return None
    text = (body.get("error") or body.get("description")) if isinstance(body, dict) else None
    if not isinstance(text, str):
        return None
    for exception in EXCEPTIONS:
        if any(op == operation and text.startswith(says) for op, says in exception.where):
            return exception.rule
    return None
