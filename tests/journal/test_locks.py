"""lock(api, scope) on both backends: exclusive across real processes and threads, released
when its holder is killed, bounded by a timeout, independent per scope; and several
processes creating the schema at once."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest
from journal_support import API, SCOPE, expect_line, worker
from withdrawal_clients.errors import InvalidInput, Timeout
from withdrawal_clients.journal import Journal, State

PROCESSES = 4


def test_lock_excludes_other_processes(journal: Journal, target: str, tmp_path: Path) -> None:
    counter = tmp_path / "counter"
    counter.write_text("0")
    times = 10
    workers = [worker("count", target, SCOPE, str(counter), str(times)) for _ in range(PROCESSES)]
    for process in workers:
        expect_line(process, "ready")
    for process in workers:
        expect_line(process, "counted")
        assert process.wait(timeout=30) == 0
    # Each worker reads, sleeps and writes under the lock: a lost update would show here.
    assert int(counter.read_text()) == PROCESSES * times


def test_lock_is_released_when_its_holder_is_killed(journal: Journal, target: str) -> None:
    holder = worker("hold", target, SCOPE)
    try:
        expect_line(holder, "locked")
        with pytest.raises(Timeout), journal.lock(API, SCOPE, timeout=0.2):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    with journal.lock(API, SCOPE, timeout=10):
        pass


def test_lock_excludes_other_threads_and_times_out(journal: Journal, target: str) -> None:
    taken, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with journal.lock(API, SCOPE):
            taken.set()
            leave.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(10)
        start = time.monotonic()
        with pytest.raises(Timeout), journal.lock(API, SCOPE, timeout=0.3):
            pass
        assert time.monotonic() - start >= 0.3
        with (
            Journal.open(target) as other,
            pytest.raises(Timeout),
            other.lock(API, SCOPE, timeout=0),
        ):
            pass
    finally:
        leave.set()
        holder.join()
    with journal.lock(API, SCOPE, timeout=5):
        pass


def test_other_scopes_and_apis_do_not_wait(journal: Journal) -> None:
    with (
        journal.lock(API, SCOPE),
        journal.lock(API, "0xother", timeout=0),
        journal.lock("omnia", SCOPE, timeout=0),
    ):
        pass


def test_lock_is_released_when_the_block_raises(journal: Journal) -> None:
    with pytest.raises(KeyError), journal.lock(API, SCOPE):
        raise KeyError("inside")
    with journal.lock(API, SCOPE, timeout=0):
        pass


def test_lock_is_not_reentrant(journal: Journal) -> None:
    with (
        journal.lock(API, SCOPE),
        pytest.raises(InvalidInput, match="re-entrant"),
        journal.lock(API, SCOPE),
    ):
        pass
    for bad in ("1", True, float("nan"), float("inf")):
        with pytest.raises(InvalidInput) as caught, journal.lock(API, SCOPE, timeout=bad):  # type: ignore[arg-type]
            pass
        assert caught.value.field == "timeout"
    with pytest.raises(InvalidInput), journal.lock(API, ""):
        pass


def test_processes_create_the_schema_at_once(target: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    workers = [worker("open", target, str(go), f"w{n}") for n in range(PROCESSES)]
    for process in workers:
        expect_line(process, "ready")
    go.touch()
    for process in workers:
        expect_line(process, "opened")
        assert process.wait(timeout=30) == 0
    with Journal.open(target) as journal:
        assert sorted(entry.key for entry in journal.entries()) == [f"w{n}" for n in range(4)]
        assert journal.counts()[State.PENDING] == PROCESSES
