"""Where claims are recorded before they are sent, so that a re-run finds them.

A tracker is anything with ``get(key) -> dict | None`` and ``put(key, dict)`` that keeps what
it was given across a crash. :class:`FileClaimLog` keeps it in a JSON file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InvalidInput

if TYPE_CHECKING:
    from ..journal import Journal

__all__ = ["ClaimTracker", "FileClaimLog", "JournalClaimLog"]


class ClaimTracker(Protocol):
    """Durable storage of one entry (a JSON-ready dict) per claim key."""

    def get(self, key: str) -> Mapping[str, Any] | None: ...

    def put(self, key: str, entry: Mapping[str, Any]) -> None: ...


class FileClaimLog:
    """A claim tracker in one JSON file.

    Each ``put`` rewrites the file atomically (a temporary file, fsync, rename, fsync of the
    directory) under an exclusive lock, so processes may share it and a crash leaves the old
    version or the new one, never a mix.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FileClaimLog({str(self.path)!r})"

    def get(self, key: str) -> dict[str, Any] | None:
        entry = self._read().get(key)
        return dict(entry) if isinstance(entry, dict) else None

    def put(self, key: str, entry: Mapping[str, Any]) -> None:
        with self._exclusive():
            entries = self._read()
            entries[key] = dict(entry)
            text = json.dumps(entries, indent=1, sort_keys=True)
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name + ".")
            try:
                with os.fdopen(fd, "w") as file:
                    file.write(text)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            _fsync_directory(self.path.parent)

    def _read(self) -> dict[str, Any]:
        try:
            entries = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except ValueError:
            raise InvalidInput("claim_log", f"{self.path} is not a claim log (JSON)") from None
        if not isinstance(entries, dict):
            raise InvalidInput("claim_log", f"{self.path} is not a claim log (a JSON object)")
        return entries

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """This process's threads, then other processes (``flock`` where there is one)."""
        with self._lock, open(self.path.with_name(self.path.name + ".lock"), "a") as handle:
            try:
                import fcntl
            except ImportError:  # no flock (Windows): one process at a time is the caller's job
                yield
                return
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class JournalClaimLog:
    """A claim tracker in the withdrawal journal (``Journal.open(...)``), beside the
    withdrawals the claims finish: each claim is one entry of api ``"l1"``, recorded (SENDING)
    before its transaction is broadcast and DONE once mined, so ``payout status`` and
    ``journal.entries(api="l1")`` show claims left in flight. Shared by every process and host
    that shares the journal."""

    API = "l1"

    def __init__(self, journal: Journal, *, scope: str = "layer1") -> None:
        self.journal = journal
        self.scope = scope

    def __repr__(self) -> str:
        return f"JournalClaimLog({self.journal!r})"

    def get(self, key: str) -> dict[str, Any] | None:
        entry = self.journal.get(self.API, key)
        if entry is None:
            return None
        recorded = entry.result if entry.result is not None else entry.request
        return None if recorded is None else dict(recorded)

    def put(self, key: str, entry: Mapping[str, Any]) -> None:
        if self.journal.get(self.API, key) is None:
            self.journal.begin(self.API, key, self.scope, {"claim": key})
        if entry.get("state") == "done":
            self.journal.mark_done(self.API, key, entry)
        else:  # sending, or a dropped / reverted transaction that a new one may replace
            self.journal.mark_sending(self.API, key, entry)
