"""Reddio client overhead and throughput against a local HTTP server.

- Per-call overhead: ``client.nonce()`` against a bare httpx GET of the same URL that decodes
  the same JSON, sync and async, medians measured in the same run, interleaved in rounds.
- Async ``withdraw_to`` throughput with 50 calls in flight: explicit nonce, vault ids and asset
  id (one POST each), and with every lookup (contract info, vaults, nonce, then the POST).

The server is uvicorn serving canned JSON from a tiny ASGI app, in a subprocess on 127.0.0.1
(so it does not share the client's interpreter lock); it is stopped at the end.
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from withdrawal_clients.reddio import AsyncReddioClient, ReddioClient

PRIVATE_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
ETH_ASSET_ID = "0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e"
ROUNDS = 5
CALLS_PER_ROUND = 200
CONCURRENCY = 50
WITHDRAWALS = 400

_CANNED = {
    "/v1/nonce": {"nonce": 7},
    "/v1/vaults": {"vault_ids": ["11", "22"]},
    "/v1/contract_info": {"type": "ETH", "decimals": 18, "quantum": "1000000000000"},
    "/v1/withdrawalto": {"sequence_id": 42},
}
_BODIES = {
    path: json.dumps({"status": "OK", "error": "", "error_code": 0, "data": data}).encode()
    for path, data in _CANNED.items()
}
_HEADERS = [(b"content-type", b"application/json")]
_ROOT = Path(__file__).resolve().parent.parent


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Canned Reddio answers by path (the request body is read and ignored)."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    body = _BODIES.get(scope["path"])
    status = 200 if body is not None else 404
    await send({"type": "http.response.start", "status": status, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": body or b"{}"})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.bench_reddio:app", "--port", str(port)]
    command += [
        "--host",
        "127.0.0.1",
        "--log-level",
        "warning",
        "--no-access-log",
        "--lifespan",
        "off",
    ]
    server = subprocess.Popen(command, cwd=_ROOT)
    for _ in range(100):  # up to 10 s
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the benchmark server did not start")


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def _time_sync(call: Callable[[], object]) -> list[float]:
    samples = []
    for _ in range(CALLS_PER_ROUND):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


async def _time_async(call: Callable[[], Awaitable[object]]) -> list[float]:
    samples = []
    for _ in range(CALLS_PER_ROUND):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return samples


def _report(label: str, ours: list[float], bare: list[float]) -> float:
    ours_median, bare_median = statistics.median(ours), statistics.median(bare)
    ratio = ours_median / bare_median
    print(
        f"{label:<6} nonce(): client {ours_median * 1e6:7.0f} us   bare httpx "
        f"{bare_median * 1e6:7.0f} us   ratio {ratio:.2f}x (target <= 1.30)"
    )
    return ratio


def _bench_sync(base_url: str) -> float:
    with (
        ReddioClient(base_url, stark_private_key=PRIVATE_KEY) as client,
        httpx.Client(base_url=base_url) as bare,
    ):
        params = {"stark_key": client.stark_key or ""}

        def bare_nonce() -> int:
            return int(bare.get("/v1/nonce", params=params).json()["data"]["nonce"])

        assert client.nonce() == bare_nonce() == 7
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(ROUNDS):
            ours += _time_sync(client.nonce)
            theirs += _time_sync(bare_nonce)
    return _report("sync", ours, theirs)


async def _bench_async(base_url: str) -> float:
    async with (
        AsyncReddioClient(base_url, stark_private_key=PRIVATE_KEY) as client,
        httpx.AsyncClient(base_url=base_url) as bare,
    ):
        params = {"stark_key": client.stark_key or ""}

        async def bare_nonce() -> int:
            return int((await bare.get("/v1/nonce", params=params)).json()["data"]["nonce"])

        assert await client.nonce() == await bare_nonce() == 7
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(ROUNDS):
            ours += await _time_async(client.nonce)
            theirs += await _time_async(bare_nonce)
    return _report("async", ours, theirs)


async def _throughput(base_url: str, *, lookups: bool) -> None:
    values: dict[str, Any] = (
        {"amount": Decimal("0.01")}
        if lookups
        else {
            "amount": 10000,
            "quantized": True,
            "nonce": 7,
            "vault_id": 11,
            "receiver_vault_id": 22,
            "asset_id": ETH_ASSET_ID,
        }
    )
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with (
        httpx.AsyncClient(base_url=base_url, limits=limits) as http,
        AsyncReddioClient(http_client=http, stark_private_key=PRIVATE_KEY) as client,
    ):

        async def one() -> int:
            result = await client.withdraw_to(
                contract_address="ETH", asset_type="ETH", receiver=RECEIVER, **values
            )
            return result.sequence_id

        elapsed = await _in_flight(one)
    requests = 4 if lookups else 1
    label = (
        "all lookups (4 requests each; nonce + POST one at a time per client)"
        if lookups
        else "explicit values (1 POST each)"
    )
    print(
        f"async withdraw_to, {label}: {WITHDRAWALS / elapsed:5.0f} withdrawals/s, "
        f"{WITHDRAWALS * requests / elapsed:5.0f} requests/s"
    )


async def _bare_throughput(base_url: str) -> None:
    """The same POST with bare httpx at the same concurrency: the transport's own ceiling."""
    body = {"signature": {"r": "0x1", "s": "0x2"}, "amount": "10000"}
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base_url, limits=limits) as http:

        async def one() -> int:
            response = await http.post("/v1/withdrawalto", json=body)
            return int(response.json()["data"]["sequence_id"])

        elapsed = await _in_flight(one)
    print(f"bare httpx POST /v1/withdrawalto (reference): {WITHDRAWALS / elapsed:5.0f} requests/s")


async def _in_flight(one: Callable[[], Awaitable[int]]) -> float:
    """Seconds to run WITHDRAWALS calls of ``one`` with CONCURRENCY of them in flight."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def gated() -> int:
        async with gate:
            return await one()

    start = time.perf_counter()
    done = await asyncio.gather(*(gated() for _ in range(WITHDRAWALS)))
    elapsed = time.perf_counter() - start
    assert done == [42] * WITHDRAWALS
    return elapsed


def main() -> None:
    server, base_url = _start_server()
    try:
        print(f"local server {base_url}; {ROUNDS} rounds x {CALLS_PER_ROUND} calls, medians")
        _bench_sync(base_url)
        asyncio.run(_bench_async(base_url))
        print(f"{WITHDRAWALS} withdrawals, {CONCURRENCY} in flight:")
        asyncio.run(_bare_throughput(base_url))
        asyncio.run(_throughput(base_url, lookups=False))
        asyncio.run(_throughput(base_url, lookups=True))
    finally:
        _stop_server(server)


if __name__ == "__main__":
    main()
