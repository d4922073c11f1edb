"""The journal in PostgreSQL (psycopg 3): any number of processes on any number of hosts.

Entries go through one connection per journal, guarded by the journal's mutex; a broken
connection is replaced at the next call. Each lock is a session advisory lock on a
connection of its own, so the server drops it when its holder's session ends (process death
closes the socket; for a vanished host, TCP keepalives end the session within about a
minute). A lock held across a lost connection is lost with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from .._core.secret import Secret
from ..errors import InvalidInput
from . import _model as m
from ._journal import Cursor, Execute, Journal, timed_out

# Server-side settings of every session: durable commits whatever the server's default, and
# keepalives so that a session whose host vanished ends (the server ignores them on sockets).
_SETTINGS = {
    "synchronous_commit": "on",
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}
_SETUP = "SELECT " + ", ".join(f"set_config('{name}', %s, false)" for name in _SETTINGS)


def _key(digest: bytes) -> int:
    """An advisory lock key (a signed 64-bit int) from a digest."""
    return int.from_bytes(digest[:8], "big", signed=True)


_SCHEMA_KEY = _key(hashlib.sha256(f"{m.TABLE} schema".encode()).digest())


_IDLE_LOCK_SESSIONS = 8


class PostgresJournal(Journal):
    _for_update = " FOR UPDATE"
    _unique_violation = pg_errors.UniqueViolation
    _database_error = (psycopg.Error,)

    def __init__(self, url: str) -> None:
        super().__init__()
        try:
            params: dict[str, Any] = conninfo_to_dict(url)
        except psycopg.Error:  # its message may quote the URL, password included
            raise InvalidInput("journal", "not a valid PostgreSQL URL") from None
        self._where = " ".join(
            f"{name}={params[name]}"
            for name in ("host", "port", "dbname", "user")
            if name in params
        )
        params.setdefault("connect_timeout", 10)
        params.setdefault("application_name", "withdrawal-clients journal")
        self._params = Secret(params)  # may hold a password
        self._conn: psycopg.Connection[Any] | None = None
        # Lock sessions kept for reuse: connecting costs more than the lock itself.
        self._idle: list[psycopg.Connection[Any]] = []
        self._idle_guard = threading.Lock()
        # Several processes may create the schema at once: one at a time.
        self._create_schema("TIMESTAMPTZ", ("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_KEY,)))

    def __repr__(self) -> str:
        return f"PostgresJournal({self._where})"

    def _connect(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(autocommit=True, **self._params.reveal())
        try:
            conn.execute(_SETUP, list(_SETTINGS.values()))
        except BaseException:
            conn.close()
            raise
        return conn

    @contextlib.contextmanager
    def _session(self, *, write: bool) -> Iterator[Execute]:
        if self._conn is None or self._conn.broken:
            self._conn = self._connect()
        conn = self._conn

        def execute(sql: str, params: Sequence[Any]) -> Cursor:
            return conn.execute(sql.replace("?", "%s"), params)

        if write:
            with conn.transaction():
                yield execute
        else:
            yield execute

    def _lock_session(self) -> psycopg.Connection[Any]:
        with self._idle_guard:
            while self._idle:
                conn = self._idle.pop()
                if not conn.broken and not conn.closed:
                    return conn
        return self._connect()

    def _acquire(self, digest: bytes, timeout: float | None) -> Callable[[], None]:
        key = _key(digest)
        conn = self._lock_session()
        try:
            wait = "0" if timeout is None else f"{max(1, math.ceil(timeout * 1000))}ms"
            conn.execute("SELECT set_config('lock_timeout', %s, false)", [wait])
            conn.execute("SELECT pg_advisory_lock(%s)", [key])
        except pg_errors.LockNotAvailable:
            conn.close()
            assert timeout is not None
            raise timed_out(timeout) from None
        except BaseException:
            conn.close()  # ending the session drops the lock if the server granted it
            raise

        def release() -> None:
            try:
                unlocked = conn.execute("SELECT pg_advisory_unlock(%s)", [key]).fetchone()
            except psycopg.Error:
                unlocked = None
            with self._idle_guard:
                if unlocked and unlocked[0] and len(self._idle) < _IDLE_LOCK_SESSIONS:
                    self._idle.append(conn)  # unlocked: the session holds nothing now
                    return
            conn.close()  # ending the session drops anything it still held

        return release

    def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        with self._idle_guard:
            idle, self._idle = self._idle, []
        for session in idle:
            session.close()
