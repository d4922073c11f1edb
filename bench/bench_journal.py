"""Journal benchmark: what the journal adds to one withdrawal, on each backend.

Median wall time of begin + mark_sending + mark_done (three durable commits) and of taking and
releasing a lock, on SQLite (WAL, synchronous=FULL, a file in a temporary directory) and on
PostgreSQL (a throwaway local cluster with fsync on, over loopback TCP), with the ratio.
Rounds alternate between the backends so that other load weighs on both alike.

Run: ``python -m bench bench_journal``; ``measure(target)`` times one journal.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from withdrawal_clients.journal import Journal

ROUNDS = 7
PER_ROUND = 30
_ROOT = Path(__file__).resolve().parent.parent


def _withdrawal(journal: Journal, nonce: int) -> None:
    key = uuid.uuid4().hex
    journal.begin("reddio", key, "0xbench", {"amount": "1.5", "receiver": "0xabc"})
    journal.mark_sending("reddio", key, {"nonce": nonce, "signature": "0x1"}, nonce=nonce)
    journal.mark_done("reddio", key, {"sequence_id": nonce})


def _lock(journal: Journal, _: int) -> None:
    with journal.lock("reddio", "0xbench"):
        pass


def _round(journal: Journal, step: Callable[[Journal, int], None], start: int) -> float:
    """Seconds per call of ``step`` over PER_ROUND calls."""
    began = time.perf_counter()
    for n in range(start, start + PER_ROUND):
        step(journal, n)
    return (time.perf_counter() - began) / PER_ROUND


def measure(targets: dict[str, str]) -> dict[str, dict[str, float]]:
    """Median seconds per withdrawal and per lock for each named journal target."""
    journals = {name: Journal.open(target) for name, target in targets.items()}
    runs: dict[str, dict[str, list[float]]] = {
        name: {"withdrawal": [], "lock": []} for name in targets
    }
    try:
        for journal in journals.values():  # warm up: connections, schema, page cache
            _round(journal, _withdrawal, 0)
            _round(journal, _lock, 0)
        for number in range(1, ROUNDS + 1):
            for name, journal in journals.items():
                runs[name]["withdrawal"].append(_round(journal, _withdrawal, number * PER_ROUND))
                runs[name]["lock"].append(_round(journal, _lock, 0))
    finally:
        for journal in journals.values():
            journal.close()
    return {
        name: {what: statistics.median(times) for what, times in kinds.items()}
        for name, kinds in runs.items()
    }


def main() -> None:
    sys.path.insert(0, str(_ROOT / "tests"))
    from pg_server import PostgresServer

    with tempfile.TemporaryDirectory() as folder, PostgresServer(durable=True) as server:
        medians = measure({"SQLite": str(Path(folder) / "journal.db"), "PostgreSQL": server.url})
    print(f"median of {ROUNDS} rounds of {PER_ROUND}; ms per operation")
    print(f"{'':36}{'SQLite':>10}{'PostgreSQL':>12}{'ratio':>8}")
    labels = {"withdrawal": "begin + mark_sending + mark_done", "lock": "lock + unlock"}
    for what, label in labels.items():
        sqlite, postgres = medians["SQLite"][what], medians["PostgreSQL"][what]
        print(f"{label:36}{sqlite * 1e3:10.2f}{postgres * 1e3:12.2f}{postgres / sqlite:7.1f}x")


if __name__ == "__main__":
    main()
