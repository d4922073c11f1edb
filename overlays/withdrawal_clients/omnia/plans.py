"""Every Omnia operation as a plan: reading answers, exactly-once requests and polling,
written once for both clients (see :mod:`withdrawal_clients._core`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from omnia_client.api.withdrawals import get_withdrawal, request_withdrawal
from omnia_client.models import Withdrawal as WithdrawalModel

from .. import errors
from .._core.answers import error_for_answer, read_json
from .._core.steps import Answer, Extend, Invoke, Plan, Request, Sleep
from .._core.transport import RetryPolicy, check_seconds
from .._core.writes import Write, write_once
from .inputs import check_instruction_id, check_signing, prepare_withdrawal, request_body
from .results import Withdrawal
from .signers import WithdrawalSigner, WithdrawalToSign, check_signature

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


def _matches(found: Withdrawal, sent: WithdrawalToSign) -> bool:
    ours = (sent.instruction_id, sent.order_source, sent.token_address.lower(), sent.amount)
    theirs = (found.instruction_id, found.order_source, found.token_address.lower(), found.amount)
    return theirs == ours


def same_withdrawal(found: Withdrawal, sent: WithdrawalToSign) -> Withdrawal:
    """The recorded withdrawal, if it is the one we asked for (the id was not reused)."""
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
        self, *, max_retries: int, clock: Callable[[], float], wall_clock_ms: Callable[[], int]
    ) -> None:
        self.policy = RetryPolicy(max_retries=max_retries)
        if not callable(clock):
            raise errors.InvalidInput("clock", "must be a function returning monotonic seconds")
        self.clock = clock
        self.wall_clock_ms = wall_clock_ms

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
    ) -> Plan[Withdrawal]:
        check_signing(signature, signer)
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
        if signature is None:
            assert signer is not None
            signed = yield Invoke(
                signer.sign_withdrawal, (withdrawal,), field="signer", foreign=True
            )
            signature = check_signature(signed, "signer")
        return (yield from self.post(withdrawal, signature))

    def post(self, withdrawal: WithdrawalToSign, signature: str) -> Plan[Withdrawal]:
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


__all__ = ["OmniaPlans", "failure", "read_withdrawal"]
