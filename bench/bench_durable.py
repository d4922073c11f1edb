"""withdraw_to through the in-process sandbox: the plain client beside the same client with an
SQLite journal and with a PostgreSQL journal, measured in turn in one run (medians)."""

from __future__ import annotations

import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

from withdrawal_clients import Journal, ReddioClient
from withdrawal_clients.sandbox import Sandbox, SandboxConfig

_ROOT = Path(__file__).resolve().parent.parent
PRIVATE_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
ROUNDS, PER_ROUND = 7, 20
_keys = itertools.count()


def _round(client: ReddioClient, durable: bool) -> float:
    start = time.perf_counter()
    for _ in range(PER_ROUND):
        extra = {"idempotency_key": f"bench-{next(_keys)}"} if durable else {}
        client.withdraw_to(
            contract_address="ETH", asset_type="ETH", amount="0.000001", receiver=RECEIVER, **extra
        )
    return (time.perf_counter() - start) / PER_ROUND


def main() -> None:
    sys.path.insert(0, str(_ROOT / "tests"))
    from pg_server import PostgresServer

    sandbox = Sandbox(SandboxConfig.instant())
    with tempfile.TemporaryDirectory() as folder, PostgresServer(durable=True) as server:
        journals = {
            "SQLite journal": Journal.open(Path(folder) / "journal.db"),
            "PostgreSQL journal": Journal.open(server.url),
        }
        clients = {
            "plain": ReddioClient(
                "http://sandbox/reddio",
                stark_private_key=PRIVATE_KEY,
                transport=sandbox.transport(),
            ),
            **{
                name: ReddioClient(
                    "http://sandbox/reddio",
                    stark_private_key=PRIVATE_KEY,
                    transport=sandbox.transport(),
                    journal=journal,
                )
                for name, journal in journals.items()
            },
        }
        times: dict[str, list[float]] = {name: [] for name in clients}
        for _ in range(ROUNDS):  # in turn, so each variant sees the same machine load
            for name, client in clients.items():
                times[name].append(_round(client, durable=name != "plain"))
        for client in clients.values():
            client.close()
        for journal in journals.values():
            journal.close()
    plain = statistics.median(times["plain"])
    print(f"withdraw_to, median of {ROUNDS} rounds of {PER_ROUND}, in-process sandbox")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"  {name:20} {median * 1e3:8.2f} ms per withdrawal  {median / plain:5.2f}x plain")


if __name__ == "__main__":
    main()
