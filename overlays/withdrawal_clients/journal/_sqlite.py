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
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InvalidInput
from ._journal import Execute, Journal, timed_out

BUSY_SECONDS = 60.0  # how long a writer waits for another process's transaction


_KEPT_LOCK_FILES = 1024


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
        self._lock_files: dict[bytes, tuple[int, threading.Lock]] = {}
        self._lock_files_guard = threading.Lock()
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
                # Switching to WAL takes an exclusive lock that SQLite does not wait for: the
                # processes opening one journal at once take turns here instead.
                with self._opening():
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    @contextlib.contextmanager
    def _opening(self) -> Iterator[None]:
        self._locks.mkdir(exist_ok=True)
        fd = os.open(self._locks / "opening", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            _flock(fd, BUSY_SECONDS)
            yield
        finally:
            os.close(fd)  # closing releases the lock

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
        # A lock file's descriptor is kept open for reuse (opening costs more than locking):
        # a thread lock excludes this process's threads, flock other processes.
        fd, local = self._lock_file(digest)
        started = time.monotonic()
        if not local.acquire(timeout=-1 if timeout is None else timeout):
            raise timed_out(timeout or 0.0)
        try:
            left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
            _flock(fd, left)
        except BaseException:
            local.release()
            raise

        def release() -> None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            local.release()

        return release

    def _lock_file(self, digest: bytes) -> tuple[int, threading.Lock]:
        with self._lock_files_guard:
            found = self._lock_files.get(digest)
            if found is None:
                self._forget_idle_lock_files()
                self._locks.mkdir(exist_ok=True)
                name = self._locks / f"{digest.hex()[:32]}.lock"
                fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
                found = self._lock_files[digest] = (fd, threading.Lock())
            return found

    def _forget_idle_lock_files(self) -> None:
        """Close kept descriptors nobody holds once there are many (one per Omnia key)."""
        if len(self._lock_files) < _KEPT_LOCK_FILES:
            return
        for digest, (fd, local) in list(self._lock_files.items()):
            if local.acquire(blocking=False):
                del self._lock_files[digest]
                os.close(fd)
                local.release()

    def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        with self._lock_files_guard:
            files, self._lock_files = self._lock_files, {}
        for fd, _local in files.values():
            os.close(fd)


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
