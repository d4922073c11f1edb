"""Time as the sandbox sees it: the wall clock, or a manual clock tests move by hand."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the Unix epoch."""
        ...


class SystemClock:
    """The real time; status transitions then take real seconds."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that stands still until :meth:`advance` moves it (no sleeping in tests).

    It starts at the current wall time, so deadlines computed by clients from the wall clock
    are judged sensibly.
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("seconds: must be >= 0 (time does not go back)")
        with self._lock:
            self._now += seconds
