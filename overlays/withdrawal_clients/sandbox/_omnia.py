"""Omnia's withdrawals as the sandbox keeps them: one per instructionId.

Pure logic, no HTTP: methods return ``(http_status, body)``. A withdrawal's status is computed
from the clock when read: PENDING until ``omnia_completed_after`` has passed, then COMPLETED
with a transaction id (or REJECTED at once when the configured signature check refuses it).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from . import _requests as requests
from ._clock import Clock
from ._config import OmniaSignatureCheck, SandboxConfig

if TYPE_CHECKING:
    from ..omnia.signers import Eip712Layout

Reply = tuple[int, dict[str, Any]]

PENDING, COMPLETED, REJECTED = "PENDING", "COMPLETED", "REJECTED"
CREATE = requests.OMNIA[("POST", "/v2/withdrawals")]


def error(http_status: int, code: str, description: str) -> Reply:
    return http_status, {"code": code, "description": description}


@attrs.define
class Withdrawal:
    body: dict[str, Any]  # what was posted, normalised
    created: float
    rejection_reason: str | None = None


class OmniaBook:
    """The whole Omnia state of one sandbox; safe to call from several threads."""

    def __init__(self, config: SandboxConfig, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._withdrawals: dict[str, Withdrawal] = {}

    def withdrawal_count(self) -> int:
        with self._lock:
            return len(self._withdrawals)

    def authorize(self, authorization: str | None) -> Reply | None:
        """None when the Bearer token is accepted, else the 401 reply."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() == "bearer" and token.strip() in self._config.omnia_tokens:
            return None
        return error(401, "INVALID_JWT_TOKEN", "missing, unknown or expired Bearer token")

    def get(self, instruction_id: str) -> Reply:
        """The withdrawal recorded under ``instruction_id``; 404 for any other id."""
        with self._lock:
            withdrawal = self._withdrawals.get(instruction_id)
        if withdrawal is None:
            return error(404, "UNKNOWN_WITHDRAWAL_REQUEST", f"no withdrawal {instruction_id!r}")
        return 200, self._json(withdrawal)

    def create(self, body: Any) -> Reply:
        """Checked in order: the spec's rules, then the idempotency key, then what a schema
        cannot state (a served order source, a deadline in the future), then the signature."""
        try:
            body = requests.check_body(CREATE, body)
        except requests.Invalid as exc:
            return error(400, "INVALID_SCHEMA", str(exc))
        instruction_id = body["instructionId"]
        with self._lock:
            existing = self._withdrawals.get(instruction_id)
        if existing is not None:  # the idempotency key: never a second withdrawal
            return 200, self._json(existing)
        if body["orderSource"] not in self._config.omnia_order_sources:
            source = body["orderSource"]
            return error(400, "ORDER_SOURCE_NOT_FOUND", f"orderSource: {source} is not served")
        if body["deadline"] <= self._clock.now() * 1000:
            return error(400, "INVALID_SCHEMA", "deadline: has passed (epoch milliseconds)")
        check = self._config.omnia_signature_check
        reason = None if check is None or check(body) else "INVALID_SIGNATURE"
        with self._lock:  # a concurrent twin may have won the race: keep the first
            withdrawal = self._withdrawals.setdefault(
                instruction_id, Withdrawal(dict(body), self._clock.now(), reason)
            )
        return 200, self._json(withdrawal)

    def _json(self, withdrawal: Withdrawal) -> dict[str, Any]:
        body = withdrawal.body
        out: dict[str, Any] = {
            key: body[key] for key in ("instructionId", "orderSource", "tokenAddress", "amount")
        }
        if withdrawal.rejection_reason is not None:
            out.update(status=REJECTED, rejectionReason=withdrawal.rejection_reason)
        elif self._clock.now() - withdrawal.created >= self._config.omnia_completed_after:
            out.update(status=COMPLETED, transactionId=_transaction_id(body))
        else:
            out.update(status=PENDING)
        return out


def _transaction_id(body: Mapping[str, Any]) -> str:
    """A stable, plausible 32-byte transaction hash for a completed withdrawal."""
    digest = hashlib.sha256(f"{body['instructionId']}|{body['signature']}".encode())
    return "0x" + digest.hexdigest()


def eip712_signer_of(body: Mapping[str, Any], layout: Eip712Layout) -> str | None:
    """The address whose EIP-712 signature (under ``layout``) the posted body carries, or None.

    The typed data is rebuilt from the body as posted (needs the ``[eth]`` extra). Fields a
    body cannot carry (amount in base units) are unknown here, so the layout must not use them.
    """
    from eth_account import Account
    from eth_account.messages import encode_typed_data

    from ..omnia.signers import WithdrawalToSign

    withdrawal = WithdrawalToSign(
        instruction_id=body["instructionId"],
        order_source=body["orderSource"],
        token_address=body["tokenAddress"],
        amount=Decimal(body["amount"]),
        amount_base_units=None,
        deadline_ms=body["deadline"],
        chain_id=layout.domain.get("chainId"),
    )
    try:
        signable = encode_typed_data(full_message=layout.typed_data(withdrawal))
        return str(Account.recover_message(signable, signature=body["signature"]))
    except Exception:  # a malformed signature or a layout needing absent fields: no signer
        return None


def eip712_signature_check(layout: Eip712Layout, address: str) -> OmniaSignatureCheck:
    """A ``SandboxConfig.omnia_signature_check`` accepting EIP-712 signatures by ``address``."""

    def check(body: Mapping[str, Any]) -> bool:
        signer = eip712_signer_of(body, layout)
        return signer is not None and signer.lower() == address.lower()

    return check
