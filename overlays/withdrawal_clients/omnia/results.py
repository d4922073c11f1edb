"""The withdrawal as Omnia reports it."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
from omnia_client.models import Withdrawal as WithdrawalModel

from .. import errors
from ..amounts import to_decimal

COMPLETED = "COMPLETED"
# Not published by Omnia: the usual names of final failures; any rejectionReason counts too.
FAILURE_STATUSES = frozenset({"REJECTED", "FAILED", "CANCELLED", "EXPIRED"})


@attrs.frozen(kw_only=True)
class Withdrawal:
    """A withdrawal as Omnia reports it.

    ``status`` is an open value: statuses this package does not know are kept as they are and
    count as still in progress. Response fields it does not know are kept in ``extra``.
    """

    instruction_id: str
    order_source: str
    token_address: str
    amount: Decimal
    status: str
    rejection_reason: str | None = None
    transaction_id: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def is_success(self) -> bool:
        return self.status.upper() == COMPLETED

    @property
    def is_rejected(self) -> bool:
        failed = self.status.upper() in FAILURE_STATUSES or bool(self.rejection_reason)
        return failed and not self.is_success

    @property
    def is_final(self) -> bool:
        return self.is_success or self.is_rejected

    @classmethod
    def from_model(cls, model: WithdrawalModel) -> Withdrawal:
        """From the generated model; a field of the wrong kind is a MalformedResponse."""
        try:
            return cls(
                instruction_id=_text(model.instruction_id),
                order_source=_text(model.order_source),
                token_address=_text(model.token_address),
                amount=to_decimal(_text(model.amount), "amount"),
                status=_text(model.status),
                rejection_reason=_optional_text(model.rejection_reason),
                transaction_id=_optional_text(model.transaction_id),
                extra=dict(model.additional_properties),
            )
        except (TypeError, errors.InvalidInput) as exc:
            raise errors.MalformedResponse(
                f"withdrawal body breaks the Omnia spec: {exc}"
            ) from None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None  # absent (UNSET) or null
