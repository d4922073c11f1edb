"""The journal in a SQLite file (standard library): one host, any number of processes.

Write-ahead logging lets readers work while one process writes; synchronous=FULL makes each
commit durable before it returns; a busy timeout makes writers queue instead of failing.
Locks are flock(2) locks on files in ``<database>.locks/`` beside the database: the kernel
drops them when their holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InvalidInput
from ._journal import Execute, Journal, timed_out

BUSY_SECONDS = 60.0  # how long a writer waits for another process's transaction


class SqliteJournal(Journal):
    _unique_violation = sqlite3.IntegrityError
    _database_error = (sqlite3.Error, OSError)  # OSError: the lock files

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path.absolute()
        if not self._path.parent.is_dir():
            raise InvalidInput("journal", f"directory {self._path.parent} does not exist")
        self._locks = Path(f"{self._path}.locks")
        self._conn: sqlite3.Connection | None = None
        self._create_schema("TEXT")

    def __repr__(self) -> str:
        return f"SqliteJournal({str(self._path)!r})"

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # Explicit transactions only (isolation_level=None); the mutex guards the threads.
            conn = sqlite3.connect(
                self._path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
            )
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    @contextlib.contextmanager
    def _session(self, *, write: bool) -> Iterator[Execute]:
        conn = self._connection()
        if not write:
            yield conn.execute
            return
        conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not at the first write
        try:
            yield conn.execute
            conn.commit()
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise

    def _acquire(self, digest: bytes, timeout: float | None) -> Callable[[], None]:
        # One descriptor per acquisition: flock excludes other descriptors, so other threads
        # of this process too.
        self._locks.mkdir(exist_ok=True)
        name = self._locks / f"{digest.hex()[:32]}.lock"
        fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            _flock(fd, timeout)
        except BaseException:
            os.close(fd)
            raise
        return lambda: os.close(fd)  # closing the descriptor releases its lock

    def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def _flock(fd: int, timeout: float | None) -> None:
    if timeout is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    pause = 0.002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                raise timed_out(timeout) from None
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.05)
