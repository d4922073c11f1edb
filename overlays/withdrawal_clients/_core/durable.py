"""Plans' use of the durable journal: every call is an :class:`Invoke` step (blocking, so an
async client runs it in a worker thread), and the rules both APIs share live here once.

The order of durable writes is what makes a withdrawal exactly-once across crashes: the intent
before anything is sent (:func:`begin`), the request before it is posted (``mark_sending``),
the answer before the call returns (``mark_done``/``mark_failed``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from .. import errors
from .steps import Exclusive, Invoke, Plan

if TYPE_CHECKING:
    from ..journal import Entry, Journal

T = TypeVar("T")
log = logging.getLogger("withdrawal_clients.journal")


@attrs.frozen
class Recovery:
    """What ``recover()`` made of one journal entry left in flight.

    ``outcome``: "done" (``result`` holds the withdrawal), "failed" (refused; ``error`` says
    why), "unknown" (still unsettled; ``error`` says why) or "not_sent" (nothing was ever sent:
    call again with the same key to send it).
    """

    key: str
    outcome: str
    result: Any = None
    error: str | None = None


def idempotency_key(journal: Journal | None, given: object) -> str | None:
    """The key a write is journaled under: required with a journal, refused without one."""
    if journal is None:
        if given is not None:
            raise errors.InvalidInput(
                "idempotency_key", "needs a journal: create the client with journal=..."
            )
        return None
    if given is None:
        raise errors.InvalidInput("idempotency_key", "is required when the client has a journal")
    return check_key(given)


def need(journal: Journal | None) -> Journal:
    if journal is None:
        raise errors.InvalidInput("journal", "is required: create the client with journal=...")
    return journal


def check_key(key: object) -> str:
    if not isinstance(key, str) or not key or len(key) > 200 or not key.isprintable():
        raise errors.InvalidInput(
            "idempotency_key", "must be a printable string of 1 to 200 characters"
        )
    return key


def call(function: Callable[..., T], *args: Any) -> Plan[T]:
    """Call a journal method as a step; a transition is logged (api, key, state: no body)."""
    result: T = yield Invoke(function, args, blocking=True, field="journal")
    entry: Any = result[0] if isinstance(result, tuple) else result
    if hasattr(entry, "state") and hasattr(entry, "key"):
        name = getattr(function, "__name__", None) or getattr(function, "func", function).__name__
        log.info("journal %s: %s %s is %s", name, entry.api, entry.key, entry.state)
    return result


def begin(
    journal: Journal, api: str, key: str, scope: str, intent: Mapping[str, Any]
) -> Plan[Entry]:
    """The journal entry of ``key``: recorded now, or as an earlier call left it. The same key
    with other arguments is an IdempotencyConflict, before anything is sent."""
    entry, _created = yield from call(journal.begin, api, key, scope, intent)
    differing = sorted(
        name for name in {*intent, *entry.intent} if intent.get(name) != entry.intent.get(name)
    )
    if differing:
        raise errors.IdempotencyConflict(key, differing)
    if entry.scope != scope:
        raise errors.IdempotencyConflict(key, ["sender"])
    return entry


def holding(journal: Journal, api: str, scope: str, plan: Plan[T]) -> Plan[T]:
    """Run ``plan`` holding this process's lock and the journal's lock of (api, scope): one
    writer at a time across every process and host sharing the journal."""

    def hold(timeout: float | None) -> AbstractContextManager[None]:
        return journal.lock(api, scope, timeout=timeout)

    result: T = yield Exclusive(plan, scope, hold=hold)
    return result


def settled(entry: Entry, rebuild: Callable[[Mapping[str, Any]], T]) -> T | None:
    """The outcome an entry already holds: its result when done, its refusal raised when it
    failed, None while in flight."""
    from ..journal import State

    if entry.state == State.DONE and entry.result is not None:
        return rebuild(entry.result)
    if entry.state == State.FAILED:
        raise errors.WithdrawalRejected(
            f"withdrawal {entry.key!r} was refused when first sent",
            reason=entry.error or "refused",
            withdrawal=entry.result,
        )
    return None


def current(
    journal: Journal, api: str, key: str, rebuild: Callable[[Mapping[str, Any]], T]
) -> Plan[tuple[Entry, T | None]]:
    """The entry as it stands now (re-read under its lock: another process may have moved
    it) and the outcome it already holds, if any."""
    entry = yield from call(journal.get, api, key)
    assert entry is not None, "an entry is begun before its lock is taken"
    return entry, settled(entry, rebuild)


def recover_hint(key: str) -> str:
    return (
        f"call recover() on a client with this journal, or call again with idempotency_key="
        f"{key!r}: the recorded request is looked up and re-sent only if the API does not know it"
    )


def finish(
    journal: Journal,
    api: str,
    key: str,
    sending: Plan[T],
    to_journal: Callable[[T], Mapping[str, Any]],
    keep_open: Callable[[errors.WithdrawalClientError], bool] = lambda exc: False,
) -> Plan[T]:
    """Carry out the post of a recorded request, and record how it ended before returning:
    done with its answer, failed when refused, left in flight (with the error noted) when the
    outcome is unknown or the request never left. ``keep_open`` names refusals that are not
    the entry's end (another writer's nonce: the caller signs again)."""
    try:
        result = yield from sending
    except errors.OutcomeUnknown as exc:
        yield from call(journal.note_error, api, key, str(exc)[:1000])
        raise errors.OutcomeUnknown(
            str(exc.args[0]).split("; ")[0],
            how_to_check=recover_hint(key),
            cause=exc.cause,
            request_body=exc.request_body,
        ) from exc
    except errors.TransportError as exc:  # never reached the API: the same body may go again
        yield from call(journal.note_error, api, key, str(exc)[:1000])
        raise
    except errors.WithdrawalClientError as exc:
        if not keep_open(exc):
            yield from call(journal.mark_failed, api, key, str(exc)[:1000])
        raise
    yield from call(journal.mark_done, api, key, to_journal(result))
    return result


def recover_entry(
    entry: Entry,
    post_recorded: Callable[[Entry], Plan[T]],
    rebuild: Callable[[Mapping[str, Any]], T],
) -> Plan[Recovery]:
    """Settle one entry: what it already holds, or its recorded request posted again (looked
    up first, so nothing is applied twice)."""
    from ..journal import State

    if entry.state == State.DONE and entry.result is not None:
        return Recovery(entry.key, "done", rebuild(entry.result))
    if entry.state == State.FAILED:
        return Recovery(entry.key, "failed", error=entry.error)
    if entry.state == State.PENDING:
        return Recovery(entry.key, "not_sent", error="nothing was sent")
    try:
        result = yield from post_recorded(entry)
    except errors.OutcomeUnknown as exc:
        return Recovery(entry.key, "unknown", error=str(exc))
    except errors.WithdrawalClientError as exc:
        return Recovery(entry.key, "failed", error=str(exc))
    return Recovery(entry.key, "done", result)


def recover_all(
    journal: Journal,
    api: str,
    scope: str,
    lock_scope: Callable[[str], str],
    post_recorded: Callable[[Entry], Plan[T]],
    rebuild: Callable[[Mapping[str, Any]], T],
) -> Plan[list[Recovery]]:
    """Settle every entry of (api, scope) a crash left in flight, each under its lock."""
    from ..journal import State

    in_flight = [State.PENDING, State.SENDING]
    entries = yield from call(
        functools.partial(journal.entries, api=api, scope=scope, states=in_flight)
    )

    def settle(key: str) -> Plan[Recovery]:
        entry = yield from call(journal.get, api, key)
        assert entry is not None
        return (yield from recover_entry(entry, post_recorded, rebuild))

    outcomes = []
    for entry in entries:
        outcomes.append(
            (yield from holding(journal, api, lock_scope(entry.key), settle(entry.key)))
        )
    return outcomes
