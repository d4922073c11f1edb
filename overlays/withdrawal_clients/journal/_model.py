"""What a journal stores and the rules for changing it, free of any database.

One schema description and one row <-> Entry conversion serve both backends; every state
change is a pure function from the current entry to the next one.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from ..errors import InvalidInput, WithdrawalClientError

TABLE = "withdrawal_journal"
# Name, SQL type ("{time}" is the backend's timestamp type) and constraint, in row order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("api", "TEXT NOT NULL"),
    ("key", "TEXT NOT NULL"),
    ("scope", "TEXT NOT NULL"),
    ("state", "TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'done', 'failed'))"),
    ("intent", "TEXT NOT NULL"),
    ("request", "TEXT"),
    ("nonce", "BIGINT CHECK (nonce >= 0)"),
    ("result", "TEXT"),
    ("error", "TEXT"),
    ("attempts", "INTEGER NOT NULL CHECK (attempts >= 0)"),
    ("created_at", "{time} NOT NULL"),
    ("updated_at", "{time} NOT NULL"),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
NAMES = ", ".join(COLUMN_NAMES)
MUTABLE = ("state", "request", "nonce", "result", "error", "attempts", "updated_at")

MAX_NONCE = 2**63 - 1  # a BIGINT
MAX_ERROR = 4000  # error texts are kept, truncated, not refused


def schema(time_type: str) -> list[str]:
    """CREATE statements, safe to run again. A nonce is held by one entry per (api, scope)."""
    columns = ",\n  ".join(f"{name} {kind.format(time=time_type)}" for name, kind in COLUMNS)
    return [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (\n  {columns},\n  PRIMARY KEY (api, key)\n)",
        f"CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_nonce ON {TABLE} (api, scope, nonce) "
        "WHERE nonce IS NOT NULL",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_state ON {TABLE} (api, state, created_at)",
    ]


class State(enum.StrEnum):
    """Where a journal entry stands: PENDING (intent recorded, nothing sent), SENDING (the
    request is recorded and may have been sent), DONE (accepted; result recorded), FAILED
    (definitely not applied; reason recorded). DONE and FAILED are final."""

    PENDING = "pending"  # intent recorded, nothing sent
    SENDING = "sending"  # the request body is recorded and may have been (or be being) sent
    DONE = "done"  # the API accepted it; result recorded
    FAILED = "failed"  # definitely not applied; reason recorded


IN_FLIGHT = frozenset({State.PENDING, State.SENDING})


@attrs.frozen
class Entry:
    """One withdrawal as recorded: its intent, the body sent for it and what came of it."""

    api: str
    key: str
    scope: str
    state: State
    intent: Mapping[str, Any]
    request: Mapping[str, Any] | None
    nonce: int | None
    result: Mapping[str, Any] | None
    error: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime

    @property
    def in_flight(self) -> bool:
        """Not finished: nothing sent yet, or sent with no recorded outcome."""
        return self.state in IN_FLIGHT


class NonceTaken(WithdrawalClientError):
    """Another entry of the same (api, scope) holds this nonce."""

    def __init__(self, *, api: str, scope: str, nonce: int) -> None:
        self.api = api
        self.scope = scope
        self.nonce = nonce
        super().__init__(f"{api}: nonce {nonce} of scope {scope} is held by another entry")


class JournalStateError(WithdrawalClientError, ValueError):
    """The change is not allowed from the entry's state (or the entry does not exist)."""

    def __init__(self, message: str, *, api: str, key: str, state: State | None) -> None:
        self.api = api
        self.key = key
        self.state = state
        super().__init__(f"{api}/{key}: {message}")


class JournalError(WithdrawalClientError):
    """The journal's database failed (I/O, lost connection, closed journal): nothing is
    known to be recorded by the call that raised it."""


def now() -> datetime:
    return datetime.now(UTC)


_LONGEST = {"api": 64, "key": 512, "scope": 512}


def name(field: str, value: object) -> str:
    """An api, key or scope: a non-empty str without NUL, not too long."""
    most = _LONGEST[field]
    if not isinstance(value, str) or not value or len(value) > most or "\0" in value:
        raise InvalidInput(field, f"must be a non-empty string of at most {most} characters")
    return value


def nonce(value: object) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= MAX_NONCE:
        raise InvalidInput("nonce", f"must be None or an int from 0 to {MAX_NONCE}")
    return value


def error_text(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, "must be a string")
    value = value.replace("\0", "\\0")  # PostgreSQL text cannot hold NUL
    return value if len(value) <= MAX_ERROR else value[: MAX_ERROR - 1] + "…"


def dump(field: str, value: object) -> str:
    """Canonical JSON of a mapping (sorted keys, no spaces, ASCII), or InvalidInput(field)."""
    if not isinstance(value, Mapping):
        raise InvalidInput(field, "must be a mapping")
    try:
        return json.dumps(dict(value), sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:  # the message names a type, never a value
        raise InvalidInput(field, f"must hold JSON values only ({exc})") from None


def normal(field: str, value: object) -> Any:
    """``value`` as it will read back: what the journal returns is what it stores."""
    return json.loads(dump(field, value))


def _stored(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else dump("result", value)


def _load(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _time(value: str | datetime) -> datetime:
    # SQLite keeps ISO text; PostgreSQL gives datetimes in the session's time zone.
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC)


def stamp(moment: datetime) -> str:
    """Fixed-width ISO text, so that SQLite orders it as time (PostgreSQL casts it)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_row(row: Sequence[Any]) -> Entry:
    values = dict(zip(COLUMN_NAMES, row, strict=True))
    return Entry(
        api=values["api"],
        key=values["key"],
        scope=values["scope"],
        state=State(values["state"]),
        intent=_load(values["intent"]),
        request=_load(values["request"]),
        nonce=values["nonce"],
        result=_load(values["result"]),
        error=values["error"],
        attempts=values["attempts"],
        created_at=_time(values["created_at"]),
        updated_at=_time(values["updated_at"]),
    )


def to_row(entry: Entry, names: Sequence[str]) -> list[Any]:
    """Column values of ``entry`` for ``names``, as stored."""
    stored: dict[str, Any] = {
        **attrs.asdict(entry, recurse=False),
        "state": entry.state.value,
        "intent": dump("intent", entry.intent),
        "request": None if entry.request is None else dump("request", entry.request),
        "result": None if entry.result is None else dump("result", entry.result),
        "created_at": stamp(entry.created_at),
        "updated_at": stamp(entry.updated_at),
    }
    return [stored[name] for name in names]


def lock_digest(api: str, scope: str) -> bytes:
    """The lock's identity: NUL cannot occur in either name, so no two pairs share it."""
    return hashlib.sha256(f"{api}\0{scope}".encode()).digest()


# State changes: each takes the current entry (None when absent) and returns the next one,
# the same object when nothing changes, or raises JournalStateError.


def _refuse(api: str, key: str, entry: Entry | None, message: str) -> JournalStateError:
    state = None if entry is None else entry.state
    where = "no such entry" if entry is None else f"entry is {state}"
    return JournalStateError(f"{message} ({where})", api=api, key=key, state=state)


def _existing(api: str, key: str, entry: Entry | None, action: str) -> Entry:
    if entry is None:
        raise _refuse(api, key, entry, f"cannot {action}")
    return entry


def sending(
    api: str, key: str, entry: Entry | None, request: Mapping[str, Any], held: int | None
) -> Entry:
    entry = _existing(api, key, entry, "mark sending")
    if not entry.in_flight:
        raise _refuse(api, key, entry, "cannot mark sending")
    if entry.nonce is not None and held != entry.nonce:
        # The old body may have been applied with that nonce: only release_nonce frees it.
        raise _refuse(api, key, entry, f"holds nonce {entry.nonce}; release_nonce first")
    return attrs.evolve(
        entry, state=State.SENDING, request=request, nonce=held, attempts=entry.attempts + 1
    )


def done(api: str, key: str, entry: Entry | None, result: Mapping[str, Any]) -> Entry:
    entry = _existing(api, key, entry, "mark done")
    if entry.state is State.DONE and _stored(entry.result) == _stored(result):  # not True == 1
        return entry
    if entry.state is not State.SENDING:  # nothing can be accepted before it is sent
        raise _refuse(api, key, entry, "can only mark done after sending (or again, same result)")
    return attrs.evolve(entry, state=State.DONE, result=result)


def failed(
    api: str, key: str, entry: Entry | None, reason: str, result: Mapping[str, Any] | None
) -> Entry:
    entry = _existing(api, key, entry, "mark failed")
    again = entry.state is State.FAILED and entry.error == reason
    if again and _stored(entry.result) == _stored(result):
        return entry
    if not entry.in_flight:
        raise _refuse(api, key, entry, "cannot mark failed")
    # Not applied, so its nonce was not used up: free it for the next body of this scope.
    return attrs.evolve(entry, state=State.FAILED, error=reason, result=result, nonce=None)


def released(api: str, key: str, entry: Entry | None) -> Entry:
    entry = _existing(api, key, entry, "release a nonce")
    if entry.nonce is None:
        return entry
    if not entry.in_flight:
        raise _refuse(api, key, entry, "cannot release the nonce of an accepted body")
    return attrs.evolve(entry, nonce=None)


def noted(api: str, key: str, entry: Entry | None, error: str) -> Entry:
    return attrs.evolve(_existing(api, key, entry, "note an error"), error=error)
