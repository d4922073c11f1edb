"""Exactly once for a write, for both APIs: a pure decision, and a short loop that acts on it.

A write (a POST) may be answered, refused, lost before it left, or lost after it may have been
applied. :func:`classify` names what one attempt's outcome means; :func:`decide` says what to do
about it given whether an earlier copy may already have reached the API; :func:`write_once`
carries that out, looking the write up (when the API allows it) before ever sending the very
same body again. Once a copy may have been applied, giving up is :class:`OutcomeUnknown`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any, Generic, TypeVar

import attrs

from .. import errors
from .steps import Answer, NoAnswer, Plan, Request, Sleep
from .transport import RetryPolicy, retry_delay

T = TypeVar("T")
log = logging.getLogger("withdrawal_clients.writes")


# --- what one attempt's outcome means ---------------------------------------------------------


@attrs.frozen
class Accepted(Generic[T]):
    """The API answered with the write's result."""

    value: T


@attrs.frozen
class Refused:
    """The API refused this very request (a 4xx, or Reddio's FAILED envelope)."""

    error: errors.WithdrawalClientError


@attrs.frozen
class Duplicate:
    """The API says it already holds this very request."""

    error: errors.WithdrawalClientError


@attrs.frozen
class Unsent:
    """Certainly not applied (connection refused, 429): the same request may go again."""

    error: errors.WithdrawalClientError
    retry_after: str | None = None


@attrs.frozen
class MaybeApplied:
    """No usable answer, and the request may have been applied (timeout, 5xx, 3xx, odd 2xx,
    a status outside 2xx-5xx)."""

    error: errors.WithdrawalClientError
    retry_after: str | None = None


Verdict = Accepted[Any] | Refused | Duplicate | Unsent | MaybeApplied


def classify(
    outcome: Answer | NoAnswer,
    read: Callable[[Answer], T],
    duplicate_codes: Collection[int | str] = (),
    *,
    resend_rate_limited: bool = True,
) -> Verdict:
    """What one attempt's outcome means. ``read`` returns the result of a successful answer and
    raises our ApiError for anything else."""
    if isinstance(outcome, NoAnswer):
        return MaybeApplied(outcome.error) if outcome.maybe_sent else Unsent(outcome.error)
    retry_after = outcome.headers.get("retry-after")
    try:
        return Accepted(read(outcome))
    except errors.ApiError as exc:
        if exc.code is not None and exc.code in duplicate_codes:
            return Duplicate(exc)
        if isinstance(exc, errors.RateLimited):
            return Unsent(exc, retry_after) if resend_rate_limited else Refused(exc)
        # A refusal comes as a 4xx or in a 2xx body (Reddio's FAILED envelope); a 3xx, a 1xx
        # or a status beyond 599 says nothing definite.
        status = outcome.status_code
        unclear = isinstance(exc, errors.ServerError | errors.MalformedResponse)
        if unclear or not (200 <= status < 300 or 400 <= status < 500):
            return MaybeApplied(exc, retry_after)
        return Refused(exc)


# --- what to do about it ----------------------------------------------------------------------


@attrs.frozen
class Finish(Generic[T]):
    value: T


@attrs.frozen
class Fail:
    """Raise ``error``: nothing was applied."""

    error: errors.WithdrawalClientError


@attrs.frozen
class GiveUp:
    """Raise OutcomeUnknown: a copy may have been applied and that could not be settled."""

    reason: str
    cause: errors.WithdrawalClientError


@attrs.frozen
class Resend:
    """Send the very same request again after ``delay`` seconds."""

    delay: float


@attrs.frozen
class LookUp:
    """Ask the API whether it holds the write; when it does not, do ``if_missing``."""

    if_missing: Fail | GiveUp | Resend


Action = Finish[Any] | Fail | GiveUp | Resend | LookUp


def decide(
    verdict: Verdict,
    *,
    sent_before: bool,
    attempt: int,
    policy: RetryPolicy,
    can_look_up: bool,
    missing_is_final: bool,
    first_duplicate_is_taken: bool = False,
) -> Action:
    """The next move after one attempt.

    ``sent_before``: an earlier copy may have reached the API. ``attempt`` counts the resends
    made so far. ``missing_is_final``: a lookup that finds nothing proves that nothing was
    applied (Omnia's GET by instruction id); otherwise a miss may only mean "not yet"
    (Reddio's lookup by signature, which trails a slow commit).
    """
    if isinstance(verdict, Accepted):
        return Finish(verdict.value)
    if isinstance(verdict, Duplicate):
        if first_duplicate_is_taken and not sent_before:
            return Fail(verdict.error)
        return LookUp(
            GiveUp("the API reports a duplicate but shows no record of it yet", verdict.error)
        )
    if isinstance(verdict, Refused):
        if not sent_before or not can_look_up:
            return Fail(verdict.error) if not sent_before else GiveUp(_REFUSED_LATER, verdict.error)
        missing = Fail(verdict.error) if missing_is_final else GiveUp(_REFUSED_LATER, verdict.error)
        return LookUp(missing)
    delay = retry_delay(policy, attempt, retry_after=verdict.retry_after)
    if isinstance(verdict, Unsent):
        if delay is not None:
            return Resend(delay)
        return GiveUp(_EXHAUSTED, verdict.error) if sent_before else Fail(verdict.error)
    if not can_look_up:
        return GiveUp("no usable answer after sending, and it cannot be looked up", verdict.error)
    return LookUp(Resend(delay) if delay is not None else GiveUp(_EXHAUSTED, verdict.error))


_DUPLICATE_UNSEEN = "the API reports a duplicate but shows no record of it yet"
_REFUSED_LATER = "a copy was refused after an earlier one may have gone through"
_EXHAUSTED = "no usable answer, and no record of it yet"
_NOT_RESENT = "an earlier copy may have gone through, and the next could not be sent"


# --- the loop ---------------------------------------------------------------------------------


@attrs.frozen
class Write(Generic[T]):
    """A write and how to settle it.

    ``look_up`` finds the result of this very write, or None when the API holds none (None when
    the API offers no lookup). ``unknown`` builds the OutcomeUnknown of this write.
    """

    request: Request
    read: Callable[[Answer], T]
    unknown: Callable[[str, BaseException | None], errors.OutcomeUnknown]
    look_up: Callable[[], Plan[T | None]] | None = None
    duplicate_codes: Collection[int | str] = ()
    missing_is_final: bool = False
    lookup_name: str = "lookup"
    # False: a 429 is a refusal to report, not a pause to wait out (a write never repeated).
    resend_rate_limited: bool = True
    # A duplicate of a request never sent before means another writer took its nonce: report
    # it (the caller signs again with a fresh nonce) instead of resolving it to their record.
    first_duplicate_is_taken: bool = False


def write_once(write: Write[T], policy: RetryPolicy, *, sent_before: bool = False) -> Plan[T]:
    """Send ``write`` until it is settled: its result, a refusal, or OutcomeUnknown.

    ``sent_before``: a copy may already have reached the API (a request recorded by a process
    that then died), so a refusal is not taken at its word before a lookup.
    """
    what = write.request.what
    attempt = 0
    while True:
        try:
            outcome = yield write.request
        except errors.WithdrawalClientError as exc:  # not sent (no token, the call's deadline)
            if not sent_before:
                raise
            raise write.unknown(f"{what}: {_NOT_RESENT}", exc) from exc
        verdict = classify(
            outcome,
            write.read,
            write.duplicate_codes,
            resend_rate_limited=write.resend_rate_limited,
        )
        action = decide(
            verdict,
            sent_before=sent_before,
            attempt=attempt,
            policy=policy,
            can_look_up=write.look_up is not None,
            missing_is_final=write.missing_is_final,
            first_duplicate_is_taken=write.first_duplicate_is_taken,
        )
        sent_before = sent_before or isinstance(verdict, MaybeApplied | Duplicate)
        log.info("%s: %s -> %s", what, _named(verdict), type(action).__name__)
        if isinstance(action, LookUp):
            assert write.look_up is not None
            found = yield from _look_up(write)
            if found is not None:
                return found
            action = action.if_missing
        if isinstance(action, Finish):
            result: T = action.value
            return result
        if isinstance(action, Fail):
            raise action.error
        if isinstance(action, GiveUp):
            log.warning("%s: outcome unknown: %s", what, action.reason)
            raise write.unknown(f"{what}: {action.reason}", action.cause) from action.cause
        log.info("%s: sending the same body again in %.2f s", what, action.delay)
        yield Sleep(action.delay)
        attempt += 1


def _named(verdict: Verdict) -> str:
    cause = getattr(verdict, "error", None)
    return type(verdict).__name__ + (f" ({type(cause).__name__})" if cause is not None else "")


def _look_up(write: Write[T]) -> Plan[T | None]:
    assert write.look_up is not None
    try:
        return (yield from write.look_up())
    except (errors.WithdrawalRejected, errors.InvalidInput):
        raise  # a definite answer about this write
    except errors.WithdrawalClientError as exc:
        what = write.request.what
        reason = f"the outcome is unknown and the {write.lookup_name} failed"
        raise write.unknown(f"{what}: {reason}", exc) from exc
