"""The journal interface and everything both backends share: SQL, validation, state rules.

A backend supplies a connection that runs one transaction at a time (``_session``), the
database's error classes, and an exclusive lock by name (``_acquire``).
"""

from __future__ import annotations

import abc
import contextlib
import math
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

import attrs

from .. import errors
from ..errors import InvalidInput, MissingExtra
from . import _model as m
from ._model import TABLE, Entry, JournalError, NonceTaken, State

_SELECT = f"SELECT {m.NAMES} FROM {TABLE}"
_ONE = f"{_SELECT} WHERE api = ? AND key = ?"
_INSERT = (
    f"INSERT INTO {TABLE} ({m.NAMES}) VALUES ({', '.join('?' for _ in m.COLUMNS)}) "
    "ON CONFLICT (api, key) DO NOTHING"
)
_UPDATE = (
    f"UPDATE {TABLE} SET {', '.join(f'{name} = ?' for name in m.MUTABLE)} WHERE api = ? AND key = ?"
)
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_SQLITE_SCHEME = "sqlite:///"
_TARGET_RULE = "must be a file path, sqlite:///<path> or postgresql://[user@]host[:port]/database"


class Cursor(Protocol):
    def fetchall(self) -> Sequence[Any]: ...
    @property
    def rowcount(self) -> int: ...


# Runs one statement with "?" placeholders.
Execute = Callable[[str, Sequence[Any]], Cursor]


def _timeout(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput("timeout", "must be None or a finite number of seconds")
    return max(float(value), 0.0)


T = TypeVar("T")


class Journal(abc.ABC):
    """A durable record of each withdrawal's intent and progress.

    Thread-safe; every method has committed durably when it returns. One journal object
    belongs to the process that opened it: open another one in each worker process.
    Database failures raise :class:`JournalError`.
    """

    # Added to the SELECT that reads an entry before changing it.
    _for_update: ClassVar[str] = ""
    # The error of a row that a unique index refused, and every error of the storage.
    _unique_violation: ClassVar[type[Exception]]
    _database_error: ClassVar[tuple[type[Exception], ...]]

    def __init__(self) -> None:
        self._mutex = threading.RLock()
        self._closed = False
        self._batch = _GroupCommit(self)
        self._held = threading.local()  # lock digests this thread holds (locks do not nest)

    @classmethod
    def open(cls, target: str | os.PathLike[str]) -> Journal:
        """A file path or ``sqlite:///<path>`` (SQLite; ``sqlite:////abs/path`` for an
        absolute path, as SQLAlchemy spells it), or ``postgresql://...`` (PostgreSQL, with the
        ``postgres`` extra). The schema is created if it is absent."""
        if isinstance(target, str) and target.startswith(_POSTGRES_SCHEMES):
            try:
                from ._postgres import PostgresJournal
            except ImportError:
                raise MissingExtra("a PostgreSQL journal", "postgres") from None
            return PostgresJournal(target)
        from ._sqlite import SqliteJournal

        if isinstance(target, os.PathLike):
            return SqliteJournal(Path(target))
        if not isinstance(target, str):
            raise InvalidInput("journal", _TARGET_RULE)
        path = target.removeprefix(_SQLITE_SCHEME)
        # Another scheme (or sqlite:// with two slashes) is a mistake, not a file name.
        if not path or path == ":memory:" or "://" in path or "\0" in path:
            raise InvalidInput("journal", _TARGET_RULE + " (a file: it must outlive the process)")
        return SqliteJournal(Path(path))

    # Backend hooks.

    @abc.abstractmethod
    def _session(self, *, write: bool) -> contextlib.AbstractContextManager[Execute]:
        """The connection, in a transaction when ``write``; called under the mutex."""

    @abc.abstractmethod
    def _acquire(self, digest: bytes, timeout: float | None) -> Callable[[], None]:
        """Take the exclusive lock named ``digest``; return what releases it (never raises).
        Raises errors.Timeout when ``timeout`` seconds pass first."""

    @abc.abstractmethod
    def _disconnect(self) -> None:
        """Close every connection; called once, under the mutex."""

    # Shared machinery.

    @contextlib.contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Execute]:
        with self._mutex:
            if self._closed:
                raise JournalError(f"{self!r} is closed")
            try:
                with self._session(write=write) as execute:
                    yield execute
            except self._database_error as exc:
                raise JournalError(f"{self!r}: {type(exc).__name__}: {exc}") from exc

    def _create_schema(self, time_type: str, *first: tuple[str, Sequence[Any]]) -> None:
        """Run ``first`` statements, then create what is missing; close on failure."""
        try:
            with self._transaction(write=True) as execute:
                for sql, params in first:
                    execute(sql, params)
                for statement in m.schema(time_type):
                    execute(statement, ())
        except BaseException:
            self.close()
            raise

    def _change(self, api: str, key: str, step: Callable[[Entry | None], Entry]) -> Entry:
        """Apply ``step`` to the entry in one transaction that holds its row."""
        api, key = m.name("api", api), m.name("key", key)

        def change(execute: Execute) -> Entry:
            rows = execute(_ONE + self._for_update, (api, key)).fetchall()
            before = m.from_row(rows[0]) if rows else None
            after = step(before)
            if after is before:
                return after
            after = attrs.evolve(after, updated_at=m.now())
            try:
                execute(_UPDATE, [*m.to_row(after, m.MUTABLE), api, key])
            except self._unique_violation:  # the only unique index an update can break
                assert after.nonce is not None
                raise NonceTaken(api=api, scope=after.scope, nonce=after.nonce) from None
            return after

        return self._batch.write(change)

    # The interface.

    def begin(
        self, api: str, key: str, scope: str, intent: Mapping[str, Any]
    ) -> tuple[Entry, bool]:
        """Record a PENDING entry unless (api, key) exists; return (entry, created).
        An existing entry is returned as it is, never overwritten."""
        moment = m.now()
        entry = Entry(
            api=m.name("api", api),
            key=m.name("key", key),
            scope=m.name("scope", scope),
            state=State.PENDING,
            intent=m.normal("intent", intent),
            request=None,
            nonce=None,
            result=None,
            error=None,
            attempts=0,
            created_at=moment,
            updated_at=moment,
        )

        def insert(execute: Execute) -> tuple[Entry, bool]:
            if execute(_INSERT, m.to_row(entry, m.COLUMN_NAMES)).rowcount == 1:
                return entry, True
            return m.from_row(execute(_ONE, (api, key)).fetchall()[0]), False

        return self._batch.write(insert)

    def mark_sending(
        self, api: str, key: str, request: Mapping[str, Any], *, nonce: int | None = None
    ) -> Entry:
        """Record the body about to be sent (and the nonce it uses): state SENDING, one more
        attempt. From PENDING or SENDING (a re-signed body replaces the old one); an entry
        that holds a nonce keeps it until release_nonce. NonceTaken if another entry of the
        same (api, scope) holds ``nonce``."""
        body, held = m.normal("request", request), m.nonce(nonce)
        return self._change(api, key, lambda entry: m.sending(api, key, entry, body, held))

    def mark_done(self, api: str, key: str, result: Mapping[str, Any]) -> Entry:
        """The API accepted the body: state DONE with its answer. Only from SENDING; again
        with an equal result it changes nothing."""
        answer = m.normal("result", result)
        return self._change(api, key, lambda entry: m.done(api, key, entry, answer))

    def mark_failed(
        self, api: str, key: str, reason: str, result: Mapping[str, Any] | None = None
    ) -> Entry:
        """The withdrawal was definitely not applied: state FAILED, ``reason`` in ``error``,
        details in ``result``; its nonce is freed. From PENDING or SENDING."""
        text = m.error_text("reason", reason)
        details = None if result is None else m.normal("result", result)
        return self._change(api, key, lambda entry: m.failed(api, key, entry, text, details))

    def release_nonce(self, api: str, key: str) -> Entry:
        """The body was never accepted: free its nonce for reuse (state unchanged)."""
        return self._change(api, key, lambda entry: m.released(api, key, entry))

    def note_error(self, api: str, key: str, error: str) -> Entry:
        """Record the latest error text (truncated when long); state unchanged."""
        text = m.error_text("error", error)
        return self._change(api, key, lambda entry: m.noted(api, key, entry, text))

    def get(self, api: str, key: str) -> Entry | None:
        api, key = m.name("api", api), m.name("key", key)
        with self._transaction() as execute:
            rows = execute(_ONE, (api, key)).fetchall()
        return m.from_row(rows[0]) if rows else None

    def entries(
        self,
        *,
        api: str | None = None,
        scope: str | None = None,
        states: Iterable[State] | None = None,
        limit: int | None = None,
    ) -> list[Entry]:
        """Entries matching every filter given, oldest first (ties by key, then api)."""
        where, params = self._filters(api=api, scope=scope, states=states)
        sql = f"{_SELECT}{where} ORDER BY created_at, key, api"
        if limit is not None:
            if type(limit) is not int or limit < 0:
                raise InvalidInput("limit", "must be None or an int >= 0")
            sql, params = f"{sql} LIMIT ?", [*params, limit]
        with self._transaction() as execute:
            return [m.from_row(row) for row in execute(sql, params).fetchall()]

    def counts(self, *, api: str | None = None) -> dict[State, int]:
        """How many entries are in each state (every state present, zero included)."""
        where, params = self._filters(api=api)
        with self._transaction() as execute:
            rows = execute(f"SELECT state, COUNT(*) FROM {TABLE}{where} GROUP BY state", params)
            found = {State(state): int(count) for state, count in rows.fetchall()}
        return {state: found.get(state, 0) for state in State}

    @staticmethod
    def _filters(
        *, api: str | None, scope: str | None = None, states: Iterable[State] | None = None
    ) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for name, value in (("api", api), ("scope", scope)):
            if value is not None:
                clauses.append(f"{name} = ?")
                params.append(m.name(name, value))
        if states is not None:
            try:
                wanted = sorted({State(state) for state in states})
            except (TypeError, ValueError):
                raise InvalidInput("states", f"must be states: {', '.join(State)}") from None
            clauses.append(f"state IN ({', '.join('?' for _ in wanted)})" if wanted else "1 = 0")
            params.extend(state.value for state in wanted)
        return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params

    @contextlib.contextmanager
    def lock(self, api: str, scope: str, *, timeout: float | None = None) -> Iterator[None]:
        """Hold the exclusive lock of (api, scope) for the ``with`` block: across threads,
        processes and (PostgreSQL) hosts. It is released when the block ends or the holder
        process dies. errors.Timeout when not acquired within ``timeout`` seconds (None:
        wait as long as it takes). Not re-entrant: taking a lock this thread holds through
        the same journal is refused (InvalidInput); through another journal it waits."""
        digest = m.lock_digest(m.name("api", api), m.name("scope", scope))
        wait = _timeout(timeout)
        held: set[bytes] = self._held.__dict__.setdefault("digests", set())
        if digest in held:
            raise InvalidInput("scope", "this thread already holds that lock (not re-entrant)")
        if self._closed:
            raise JournalError(f"{self!r} is closed")
        try:
            release = self._acquire(digest, wait)
        except self._database_error as exc:
            raise JournalError(f"{self!r}: lock: {type(exc).__name__}: {exc}") from exc
        held.add(digest)
        try:
            yield
        finally:
            held.discard(digest)
            release()

    def close(self) -> None:
        """Close the journal's connections (a lock being held stays held until its block
        ends). Closing twice is harmless."""
        with self._mutex:
            if not self._closed:
                self._closed = True
                self._disconnect()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def timed_out(timeout: float) -> errors.Timeout:
    return errors.Timeout(f"journal lock not acquired within {timeout:g} s")


class _Slot:
    """One writer's work in a group commit, and how it ended."""

    def __init__(self, work: Callable[[Execute], Any]) -> None:
        self.work = work
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


class _GroupCommit:
    """Writers of one journal object that arrive together share one transaction and one
    commit (one fsync), each in its own savepoint: a refused change (NonceTaken, an illegal
    transition) undoes only its own statements. Nobody returns before the commit that holds
    their change; if that commit fails, every change in it fails."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._waiting: list[_Slot] = []
        self._committing = False
        self._turn = threading.Condition()

    def write(self, work: Callable[[Execute], T]) -> T:
        slot = _Slot(work)
        with self._turn:
            self._waiting.append(slot)
            while not slot.done:
                if self._committing:
                    self._turn.wait()
                    continue
                self._committing = True  # this thread commits everything waiting so far
                batch, self._waiting = self._waiting, []
                self._turn.release()
                try:
                    self._commit(batch)
                finally:
                    self._turn.acquire()
                    self._committing = False
                    self._turn.notify_all()
        if slot.error is not None:
            raise slot.error
        result: T = slot.result
        return result

    def _commit(self, batch: list[_Slot]) -> None:
        try:
            with self._journal._transaction(write=True) as execute:
                for slot in batch:
                    execute("SAVEPOINT change", ())
                    try:
                        slot.result = slot.work(execute)
                    except Exception as exc:  # this change's own refusal
                        execute("ROLLBACK TO SAVEPOINT change", ())
                        slot.error = exc
                    execute("RELEASE SAVEPOINT change", ())
        except BaseException as exc:  # the commit failed: nothing of the batch is durable
            for slot in batch:
                slot.result, slot.error = None, exc
            if not isinstance(exc, Exception):
                raise
        finally:
            for slot in batch:
                slot.done = True
