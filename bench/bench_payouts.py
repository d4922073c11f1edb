"""Batch payouts against the sandbox served from another process, with an SQLite journal,
each beside bare httpx posting the same kind of pre-signed bodies at the same concurrency, in
one run: 1,000 Omnia payouts at concurrency 10 and 1,000 Reddio payouts over 10 senders.
Requests are counted at the client's transport."""

from __future__ import annotations

import collections
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from withdrawal_clients import Journal, OmniaClient, ReddioClient
from withdrawal_clients.payouts import check_rows, run_payouts
from withdrawal_clients.reddio import build_withdrawal_to

ROWS, SENDERS, CONCURRENCY = 1000, 10, 10
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
TOKEN = "bench-token"
KEYS = [0x1000 + n for n in range(SENDERS)]


class Counting(httpx.HTTPTransport):
    """Counts requests by (method, last path segment)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: collections.Counter[tuple[str, str]] = collections.Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.counts[(request.method, request.url.path.rsplit("/", 1)[-1])] += 1
        return super().handle_request(request)


def _serve() -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "withdrawal_clients.cli", "sandbox", "--port", "0"]
    server = subprocess.Popen([*command, "--omnia-token", TOKEN], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    first = server.stdout.readline().split()[1]  # "Reddio   http://127.0.0.1:PORT/reddio"
    return server, first.rsplit("/reddio", 1)[0]


def _receiver(n: int) -> str:
    return "0x" + f"{n % 97 + 1:040x}"


def _rate(seconds: float, rows: int = ROWS) -> float:
    return rows / seconds


def _omnia(base: str, folder: Path) -> tuple[float, float]:
    def body(n: int) -> dict[str, Any]:
        return {
            "instructionId": str(uuid.uuid4()),
            "orderSource": "ETHEREUM",
            "tokenAddress": USDC,
            "amount": f"{n % 50 + 1}.25",
            "deadline": int(time.time() * 1000) + 600_000,
            "signature": "0xabcd",
        }

    url = f"{base}/omnia/api/v2/withdrawals"
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}) as bare:
        bodies = [body(n) for n in range(ROWS)]
        start = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            answers = list(pool.map(lambda b: bare.post(url, json=b).status_code, bodies))
        bare_seconds = time.perf_counter() - start
    assert set(answers) == {200}, collections.Counter(answers)

    rows = check_rows(
        [
            {
                "id": f"omnia-{n}",
                "receiver": _receiver(n),
                "amount": f"{n % 50 + 1}.25",
                "order_source": "ETHEREUM",
                "token_address": USDC,
                "signature": "0xabcd",
            }
            for n in range(ROWS)
        ],
        "omnia",
    )
    with (
        Journal.open(folder / "omnia.db") as journal,
        OmniaClient(f"{base}/omnia/api", token=TOKEN, journal=journal) as client,
    ):
        start = time.perf_counter()
        report = run_payouts(rows, client, concurrency=CONCURRENCY)
        ours_seconds = time.perf_counter() - start
    assert report.counts["done"] == ROWS, report.counts
    return _rate(bare_seconds), _rate(ours_seconds)


def _reddio(base: str, folder: Path) -> tuple[float, float, collections.Counter[Any]]:
    url = f"{base}/reddio"
    per_sender = ROWS // SENDERS
    # Bare: bodies signed beforehand with the nonces and vaults Reddio hands out, then posted
    # by one thread per sender (a sender's nonces must arrive in order).
    with ReddioClient(url) as reader:
        asset = reader.asset_id_for("ETH", "ETH")
        signed: list[list[dict[str, Any]]] = []
        for key in KEYS[:SENDERS]:
            sender = ReddioClient(url, stark_private_key=key)
            stark_key = sender.stark_key or ""
            nonce = reader.nonce(stark_key)
            vaults = reader.vault_ids(asset, [stark_key, *(_receiver(n) for n in range(97))])
            signed.append(
                [
                    build_withdrawal_to(
                        stark_private_key=key,
                        contract_address="ETH",
                        asset_id=asset,
                        amount=1 + n % 5,
                        nonce=nonce + n,
                        vault_id=vaults[0],
                        receiver=_receiver(n),
                        receiver_vault_id=vaults[1 + n % 97],
                    ).to_dict()
                    for n in range(per_sender)
                ]
            )
            sender.close()
    with httpx.Client() as bare:

        def post_all(bodies: list[dict[str, Any]]) -> list[int]:
            return [bare.post(f"{url}/v1/withdrawalto", json=b).status_code for b in bodies]

        start = time.perf_counter()
        with ThreadPoolExecutor(SENDERS) as pool:
            answers = [code for codes in pool.map(post_all, signed) for code in codes]
        bare_seconds = time.perf_counter() - start
    assert set(answers) == {200}, collections.Counter(answers)

    counting = Counting()
    shared = httpx.Client(transport=counting, timeout=30)
    with Journal.open(folder / "reddio.db") as journal:
        clients = [
            ReddioClient(
                url, stark_private_key=key, journal=journal, cache_lookups=True, http_client=shared
            )
            for key in KEYS[:SENDERS]
        ]
        rows = check_rows(
            [
                {
                    "id": f"reddio-{n}",
                    "receiver": _receiver(n),
                    "amount": "0.00000" + str(1 + n % 5),
                    "contract_address": "ETH",
                    "sender": clients[n % SENDERS].stark_key,
                }
                for n in range(ROWS)
            ],
            "reddio",
        )
        start = time.perf_counter()
        report = run_payouts(rows, clients, concurrency=SENDERS)
        ours_seconds = time.perf_counter() - start
    shared.close()
    assert report.counts["done"] == ROWS, report.counts
    return _rate(bare_seconds), _rate(ours_seconds), counting.counts


def main() -> None:
    server, base = _serve()
    try:
        with tempfile.TemporaryDirectory() as folder:
            omnia_bare, omnia_ours = _omnia(base, Path(folder))
            reddio_bare, reddio_ours, counts = _reddio(base, Path(folder))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{ROWS} payouts each, sandbox served from another process, SQLite journal")
    print(f"{'':34}{'bare httpx':>12}{'run_payouts':>13}{'ratio':>8}")
    for label, bare, ours in (
        (f"Omnia, concurrency {CONCURRENCY} (rows/s)", omnia_bare, omnia_ours),
        (f"Reddio, {SENDERS} senders (rows/s)", reddio_bare, reddio_ours),
    ):
        print(f"{label:34}{bare:12.0f}{ours:13.0f}{ours / bare:7.2f}x")
    posts, nonces = counts[("POST", "withdrawalto")], counts[("GET", "nonce")]
    lookups = sum(counts.values()) - posts - nonces
    print(
        f"Reddio requests: {posts} POSTs, {nonces} nonce GETs, {lookups} other lookups "
        f"(contract info, batched vault ids) = {sum(counts.values()) / ROWS:.3f} per row; "
        f"{(posts + nonces) / ROWS:.2f} per warm row"
    )


if __name__ == "__main__":
    main()
