"""Every Omnia operation as a plan: reading answers, exactly-once requests and polling,
written once for both clients (see :mod:`withdrawal_clients._core`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from omnia_client.api.withdrawals import get_withdrawal, request_withdrawal
from omnia_client.models import Withdrawal as WithdrawalModel

from .. import errors
from .._core import durable
from .._core.answers import error_for_answer, read_json
from .._core.durable import Recovery
from .._core.steps import Answer, Extend, Invoke, Plan, Request, Sleep
from .._core.transport import RetryPolicy, check_seconds
from .._core.writes import Write, write_once
from ..amounts import format_decimal
from .inputs import (
    check_amount,
    check_instruction_id,
    check_signing,
    prepare_withdrawal,
    request_body,
)
from .results import Withdrawal
from .signers import WithdrawalSigner, WithdrawalToSign, check_signature

if TYPE_CHECKING:
    from ..journal import Entry, Journal

API = "omnia"
# Instruction ids derived from idempotency keys: the same key gives the same id, everywhere.
_KEY_NAMESPACE = uuid.UUID("5f0b2d1e-8c3a-4f6b-9e7d-2a1c0b9f8e7d")

Amount = Decimal | int | str
Deadline = datetime | timedelta | int
# Omnia's codes whose meaning is clearer than their HTTP status; both spellings of a bad
# order source are one error.
ERRORS_BY_CODE: dict[int | str, type[errors.ApiError]] = {
    "ORDER_SOURCE_NOT_FOUND": errors.BadRequest,
    "INVALID_ORDER_SOURCE": errors.BadRequest,
    "INVALID_SCHEMA": errors.BadRequest,
    "INVALID_JWT_TOKEN": errors.AuthError,
    "INVALID_PERMISSIONS": errors.PermissionDenied,
    "UNKNOWN_WITHDRAWAL_REQUEST": errors.NotFound,
}


def error_fields(body: object) -> tuple[int | str | None, str | None]:
    """(code, description) from either error shape Omnia documents."""
    if not isinstance(body, dict):
        return None, None
    code = body.get("code", body.get("error_code"))
    text = body.get("description", body.get("error_message"))
    return (code if isinstance(code, str) else None), (text if isinstance(text, str) else None)


def failure(answer: Answer, what: str) -> errors.ApiError:
    """The error a failed Omnia answer stands for."""
    return error_for_answer(answer, what, error_fields, by_code=ERRORS_BY_CODE)


def read_withdrawal(answer: Answer, what: str) -> Withdrawal:
    """The withdrawal a 2xx answer carries; our error for anything else."""
    if not 200 <= answer.status_code < 300:
        raise failure(answer, what)
    raw = read_json(answer, what)
    try:
        model = WithdrawalModel.from_dict(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise errors.MalformedResponse(
            f"{what}: the withdrawal does not match the Omnia spec ({type(exc).__name__}: {exc})",
            http_status=answer.status_code,
            body=answer.content,
        ) from None
    return Withdrawal.from_model(model)


def instruction_id_for(key: str) -> str:
    """The instruction id of an idempotency key: a UUID5, deterministic and within Omnia's
    rules whatever the key looks like."""
    return str(uuid.uuid5(_KEY_NAMESPACE, key))


def _matches(found: Withdrawal, sent: WithdrawalToSign) -> bool:
    ours = (sent.instruction_id, sent.order_source, sent.token_address.lower(), sent.amount)
    theirs = (found.instruction_id, found.order_source, found.token_address.lower(), found.amount)
    return theirs == ours


def same_withdrawal(found: Withdrawal, sent: WithdrawalToSign) -> Withdrawal:
    """The recorded withdrawal, if it is the one we asked for (the id was not reused)."""
    if found.instruction_id != sent.instruction_id:
        raise errors.MalformedResponse(
            f"the lookup of {sent.instruction_id!r} answered another withdrawal"
        )
    if not _matches(found, sent):
        raise errors.InvalidInput(
            "instruction_id", "is already used by a different withdrawal; choose a new one"
        )
    return found


def read_answer(answer: Answer, what: str, sent: WithdrawalToSign) -> Withdrawal:
    """The withdrawal a POST's 2xx answer carries, which must be the one requested."""
    found = read_withdrawal(answer, what)
    if not _matches(found, sent):
        raise errors.MalformedResponse(
            f"{what}: the answer describes another withdrawal than the one requested",
            http_status=answer.status_code,
            body=answer.content,
        )
    return found


class OmniaPlans:
    """The public operations, each returning the plan that carries it out."""

    def __init__(
        self,
        *,
        max_retries: int,
        clock: Callable[[], float],
        wall_clock_ms: Callable[[], int],
        journal: Journal | None = None,
        scope: str = "",
    ) -> None:
        self.policy = RetryPolicy(max_retries=max_retries)
        if not callable(clock):
            raise errors.InvalidInput("clock", "must be a function returning monotonic seconds")
        self.clock = clock
        self.wall_clock_ms = wall_clock_ms
        self.journal = journal
        self.scope = scope  # the base URL: whose withdrawals these are, in the journal

    def request_withdrawal(
        self,
        *,
        order_source: str,
        token_address: str,
        amount: Amount,
        signature: str | None,
        signer: WithdrawalSigner | None,
        instruction_id: str | None,
        deadline: Deadline | None,
        token_decimals: int | None,
        chain_id: int | None,
        idempotency_key: str | None = None,
    ) -> Plan[Withdrawal]:
        check_signing(signature, signer)
        key = self._idempotency_key(idempotency_key, instruction_id)
        if key is not None:
            instruction_id = instruction_id_for(key)
        withdrawal = prepare_withdrawal(
            order_source=order_source,
            token_address=token_address,
            amount=amount,
            instruction_id=instruction_id,
            deadline=deadline,
            token_decimals=token_decimals,
            chain_id=chain_id,
            now_ms=self.wall_clock_ms(),
        )
        if key is not None:
            intent = {
                "order_source": withdrawal.order_source,
                "token_address": withdrawal.token_address,
                "amount": format_decimal(check_amount(amount)),
                "signature": signature,
                "deadline": _deadline_intent(deadline),
                "token_decimals": token_decimals,
                "chain_id": chain_id,
            }
            journal = self._need_journal()
            entry = yield from durable.begin(journal, API, key, self.scope, intent)
            done = durable.settled(entry, _withdrawal_from_journal)
            if done is not None:
                return done
            sending = self._send_journaled(key, withdrawal, signature, signer)
            return (yield from durable.holding(journal, API, f"{self.scope} {key}", sending))
        signature = yield from self._signature(withdrawal, signature, signer)
        return (yield from self.post(withdrawal, signature))

    @staticmethod
    def _signature(
        withdrawal: WithdrawalToSign, signature: str | None, signer: WithdrawalSigner | None
    ) -> Plan[str]:
        if signature is not None:
            return signature
        assert signer is not None
        signed = yield Invoke(signer.sign_withdrawal, (withdrawal,), field="signer", foreign=True)
        return check_signature(signed, "signer")

    # --- the journal ---

    def _idempotency_key(self, given: object, instruction_id: object) -> str | None:
        key = durable.idempotency_key(self.journal, given)
        if key is not None and instruction_id is not None:
            raise errors.InvalidInput(
                "instruction_id", "is derived from idempotency_key when there is a journal"
            )
        return key

    def _need_journal(self) -> Journal:
        return durable.need(self.journal)

    def _send_journaled(
        self,
        key: str,
        withdrawal: WithdrawalToSign,
        signature: str | None,
        signer: WithdrawalSigner | None,
    ) -> Plan[Withdrawal]:
        """Under the key's journal lock: finish what an earlier run left, or sign and send."""
        from ..journal import State

        journal = self._need_journal()
        entry, done = yield from durable.current(journal, API, key, _withdrawal_from_journal)
        if done is not None:
            return done
        if entry.state == State.SENDING:
            return (yield from self._post_recorded(entry, sent_before=True))
        signature = yield from self._signature(withdrawal, signature, signer)
        recorded = yield from durable.call(
            journal.mark_sending, API, key, request_body(withdrawal, signature).to_dict()
        )
        return (yield from self._post_recorded(recorded))

    def _post_recorded(self, entry: Entry, *, sent_before: bool = False) -> Plan[Withdrawal]:
        """Post the request an entry recorded; record how it ended before returning."""
        assert entry.request is not None
        body = dict(entry.request)
        sending = self.post(_to_sign_from_body(body), body["signature"], sent_before=sent_before)
        return (
            yield from durable.finish(
                self._need_journal(), API, entry.key, sending, _withdrawal_to_journal
            )
        )

    def recover(self) -> Plan[list[Recovery]]:
        return (
            yield from durable.recover_all(
                self._need_journal(),
                API,
                self.scope,
                lambda key: f"{self.scope} {key}",  # each Omnia key is its own writer
                lambda entry: self._post_recorded(entry, sent_before=True),
                _withdrawal_from_journal,
            )
        )

    def post(
        self, withdrawal: WithdrawalToSign, signature: str, *, sent_before: bool = False
    ) -> Plan[Withdrawal]:
        """Post exactly once: the instruction id is the idempotency key, so after a lost answer
        the withdrawal is looked up, and only a 404 lets the very same body go again."""
        what = "request_withdrawal"
        iid = withdrawal.instruction_id
        body = request_body(withdrawal, signature)
        how_to_check = (
            f"call get_withdrawal({iid!r}); only if it raises NotFound, call request_withdrawal "
            "again with the same instruction_id and signature (never a new instruction_id)"
        )

        def look_up() -> Plan[Withdrawal | None]:
            try:
                found = yield from self.get_withdrawal(iid, what=what)
            except errors.NotFound:
                return None
            return same_withdrawal(found, withdrawal)

        return (
            yield from write_once(
                Write(
                    Request.of(what, request_withdrawal, safe=False, body=body),
                    read=lambda answer: read_answer(answer, what, withdrawal),
                    unknown=lambda message, cause: errors.OutcomeUnknown(
                        f"{message} (withdrawal {iid!r})",
                        how_to_check=how_to_check,
                        cause=cause,
                        request_body=body.to_dict(),
                    ),
                    look_up=look_up,
                    missing_is_final=True,
                ),
                self.policy,
                sent_before=sent_before,
            )
        )

    def get_withdrawal(
        self, instruction_id: str, *, what: str = "get_withdrawal"
    ) -> Plan[Withdrawal]:
        iid = check_instruction_id(instruction_id)
        answer = yield Request.of(what, get_withdrawal, instruction_id=iid)
        return read_withdrawal(answer, what)

    def wait_for_withdrawal(
        self, instruction_id: str, *, timeout: float | timedelta, poll_interval: float | timedelta
    ) -> Plan[Withdrawal]:
        iid = check_instruction_id(instruction_id)
        timeout_s = check_seconds(timeout, "timeout")
        interval = check_seconds(poll_interval, "poll_interval")
        yield Extend(timeout_s)  # the call may last as long as the wait, and one more call
        give_up_at = self.clock() + timeout_s
        while True:
            withdrawal = yield from self.get_withdrawal(iid, what="wait_for_withdrawal")
            if withdrawal.is_success:
                return withdrawal
            if withdrawal.is_rejected:
                raise errors.WithdrawalRejected(
                    f"withdrawal {iid!r} failed with status {withdrawal.status}",
                    reason=withdrawal.rejection_reason or withdrawal.status,
                    withdrawal=withdrawal,
                )
            remaining = give_up_at - self.clock()
            if remaining <= 0:
                raise errors.WaitTimeout(
                    f"withdrawal {iid!r} is still {withdrawal.status} after {timeout_s:g} s",
                    last_seen=withdrawal,
                )
            yield Sleep(min(interval, remaining))


def _deadline_intent(deadline: object) -> Any:
    if isinstance(deadline, timedelta):
        return f"in {deadline.total_seconds()} s"
    if isinstance(deadline, datetime):
        return deadline.isoformat()
    return deadline


def _to_sign_from_body(body: Mapping[str, Any]) -> WithdrawalToSign:
    return WithdrawalToSign(
        instruction_id=body["instructionId"],
        order_source=body["orderSource"],
        token_address=body["tokenAddress"],
        amount=Decimal(body["amount"]),
        amount_base_units=None,
        deadline_ms=int(body["deadline"]),
        chain_id=None,
    )


def _withdrawal_to_journal(found: Withdrawal) -> dict[str, Any]:
    return {
        **found.extra,
        "instructionId": found.instruction_id,
        "orderSource": found.order_source,
        "tokenAddress": found.token_address,
        "amount": format_decimal(found.amount),
        "status": found.status,
        "rejectionReason": found.rejection_reason,
        "transactionId": found.transaction_id,
    }


def _withdrawal_from_journal(recorded: Mapping[str, Any]) -> Withdrawal:
    return Withdrawal.from_model(WithdrawalModel.from_dict(dict(recorded)))


__all__ = ["OmniaPlans", "failure", "instruction_id_for", "read_withdrawal"]
