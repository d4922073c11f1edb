"""Omnia inputs: every rule on what a caller gives, and the request body. Pure, no I/O."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from omnia_client.models import WithdrawalRequest

from .. import errors
from .._core import rules
from ..amounts import format_decimal, to_decimal
from .signers import WithdrawalSigner, WithdrawalToSign, check_signature

ENVIRONMENTS: Mapping[str, str] = {
    "demo": "https://api.demo.omniaexchange.com/api",
    "production": "https://api.production.omniaexchange.com/api",
}
MAX_INSTRUCTION_ID = 64
INT64 = 2**63  # the spec's int64 deadline
UINT256 = 2**256  # a chain id is a uint256 when signed
DEFAULT_DEADLINE = timedelta(minutes=5)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_ORDER_SOURCE = re.compile(r"[A-Z][A-Z0-9_]*")


def default_url(environment: object) -> str:
    """The base URL of a named environment."""
    if not isinstance(environment, str) or environment not in ENVIRONMENTS:
        raise errors.InvalidInput("environment", f"must be one of {', '.join(ENVIRONMENTS)}")
    return ENVIRONMENTS[environment]


# --- amounts (exact) ---------------------------------------------------------------------------


def to_base_units(amount: Decimal, decimals: int) -> int:
    """``amount`` whole tokens in the token's smallest unit, refusing anything inexact."""
    numerator, denominator = amount.as_integer_ratio()
    units, rest = divmod(numerator * int(10**decimals), denominator)
    if rest:
        raise errors.InvalidInput("amount", f"has more decimal places than the token's {decimals}")
    return units


# --- input rules -------------------------------------------------------------------------------


def check_instruction_id(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise errors.InvalidInput("instruction_id", "must be a non-empty string")
    if len(value) > MAX_INSTRUCTION_ID:
        raise errors.InvalidInput(
            "instruction_id", f"must be at most {MAX_INSTRUCTION_ID} characters (got {len(value)})"
        )
    if not value.isprintable() or value != value.strip():
        raise errors.InvalidInput(
            "instruction_id", "must be printable, without leading or trailing spaces"
        )
    # It is a segment of the status URL: these could be recorded but never read back.
    if value in (".", "..") or "/" in value or "\\" in value:
        raise errors.InvalidInput(
            "instruction_id", 'must not be "." or "..", nor contain "/" or "\\" (a URL segment)'
        )
    return value


def check_order_source(value: object) -> str:
    if not isinstance(value, str) or not _ORDER_SOURCE.fullmatch(value):
        raise errors.InvalidInput(
            "order_source", "must be an upper-case chain name such as ETHEREUM, POLYGON or LINEA"
        )
    return value


def check_token_address(value: object) -> str:
    return rules.eth_address(value, "token_address")


def check_amount(value: object) -> Decimal:
    amount = to_decimal(value, "amount")
    if amount <= 0:
        raise errors.InvalidInput("amount", "must be greater than zero")
    return amount


def _check_whole(value: object, field: str, lowest: int, highest: int | None = None) -> int:
    out_of_range = isinstance(value, int) and (
        value < lowest or (highest is not None and value > highest)
    )
    if isinstance(value, bool) or not isinstance(value, int) or out_of_range:
        upper = f" to {highest}" if highest is not None else " or more"
        raise errors.InvalidInput(field, f"must be an integer from {lowest}{upper}")
    return value


def resolve_deadline(value: object, now_ms: int) -> int:
    """Epoch milliseconds from a datetime, a timedelta from now or epoch ms; must be future."""
    if value is None:
        return now_ms + DEFAULT_DEADLINE // _MS
    if isinstance(value, timedelta):
        deadline = now_ms + value // _MS
    elif isinstance(value, datetime):
        if value.tzinfo is None:
            raise errors.InvalidInput("deadline", "a datetime must carry a timezone")
        deadline = (value - _EPOCH) // _MS
    elif isinstance(value, int) and not isinstance(value, bool):
        deadline = value
    else:
        raise errors.InvalidInput(
            "deadline", "must be a datetime, a timedelta or epoch milliseconds (int)"
        )
    if deadline >= INT64:
        raise errors.InvalidInput("deadline", "must be below 2^63 epoch milliseconds (an int64)")
    if deadline <= now_ms:
        seconds = isinstance(value, int) and 0 < deadline < 10**11
        hint = " (this looks like seconds; give milliseconds)" if seconds else ""
        raise errors.InvalidInput("deadline", f"must be in the future{hint}")
    return deadline


def check_signing(signature: object, signer: object) -> None:
    if signature is None and signer is None:
        raise errors.InvalidInput("signature", "give a signature or a signer")
    if signature is not None and signer is not None:
        raise errors.InvalidInput("signer", "give a signature or a signer, not both")
    if signature is not None:
        check_signature(signature)
    elif not isinstance(signer, WithdrawalSigner):
        raise errors.InvalidInput("signer", "must have a sign_withdrawal(withdrawal) method")


def prepare_withdrawal(
    *,
    order_source: object,
    token_address: object,
    amount: object,
    instruction_id: object,
    deadline: object,
    token_decimals: object,
    chain_id: object,
    now_ms: int,
) -> WithdrawalToSign:
    """Every input checked, in the exact form it will be signed and sent."""
    checked_amount = check_amount(amount)
    decimals = None
    if token_decimals is not None:
        decimals = _check_whole(token_decimals, "token_decimals", 0, 255)
    if instruction_id is None:
        instruction_id = str(uuid.uuid4())
    return WithdrawalToSign(
        instruction_id=check_instruction_id(instruction_id),
        order_source=check_order_source(order_source),
        token_address=check_token_address(token_address),
        amount=checked_amount,
        amount_base_units=None if decimals is None else to_base_units(checked_amount, decimals),
        deadline_ms=resolve_deadline(deadline, now_ms),
        chain_id=None if chain_id is None else _check_whole(chain_id, "chain_id", 1, UINT256 - 1),
    )


def request_body(withdrawal: WithdrawalToSign, signature: str) -> WithdrawalRequest:
    return WithdrawalRequest(
        instruction_id=withdrawal.instruction_id,
        order_source=withdrawal.order_source,
        token_address=withdrawal.token_address,
        amount=format_decimal(withdrawal.amount),
        deadline=withdrawal.deadline_ms,
        signature=signature,
    )
