"""Shared by the hardening campaign: every public method of the four clients, valid arguments
for each, one way to call any of them sync or async, and a raw HTTP server that answers as a
hostile or broken one would.

Keys are StarkWare's published test keys and a well-known Ethereum test key: public, so the
campaign can grep every text for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

import attrs
import httpx
from withdrawal_clients import WithdrawalClientError
from withdrawal_clients.omnia import AsyncOmniaClient, OmniaClient
from withdrawal_clients.reddio import AsyncReddioClient, ReddioClient, build_withdrawal_to

PRIVATE_KEY = 0x7CC2767A160D4EA112B436DC6F79024DB70B26B11ED7AA2CB6D7EEF19ACE703
STARK_KEY = "0x59a543d42bcc9475917247fa7f136298bb385a6388c3df7309955fcb39b8dd4"
ETH_KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2VjcmV0LXNpZ25hdHVyZQ"
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
ETH_ASSET_ID = "0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
SIGNATURE = "0x" + "5a" * 65
# Examples per property test: bounded so the campaign stays fast; raise it for a deeper run.
EXAMPLES = int(os.environ.get("HARDENING_EXAMPLES", "25"))
BASE = {"reddio": "http://reddio.test", "omnia": "http://omnia.test/api"}
# A withdraw_to with every value explicit: only the POST (and lookups after it) are sent.
EXPLICIT: dict[str, Any] = {
    "contract_address": "ETH",
    "asset_type": "ETH",
    "amount": 10000,
    "quantized": True,
    "receiver": RECEIVER,
    "nonce": 5,
    "vault_id": 11,
    "receiver_vault_id": 22,
    "asset_id": ETH_ASSET_ID,
}
# build_withdrawal_to's arguments but the key.
OFFLINE: dict[str, Any] = {
    "contract_address": "ETH",
    "asset_id": ETH_ASSET_ID,
    "amount": 1,
    "nonce": 1,
    "vault_id": 1,
    "receiver": RECEIVER,
    "receiver_vault_id": 2,
}
SIGNED = build_withdrawal_to(stark_private_key=PRIVATE_KEY, **OFFLINE)


@attrs.frozen
class Method:
    """One public method with valid arguments; ``writes``: it may POST."""

    api: str
    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = attrs.field(factory=dict)
    writes: bool = False
    label: str = ""

    def __str__(self) -> str:
        return f"{self.api}.{self.label or self.name}"


WAIT = {"timeout": 0.5, "poll_interval": 0.1}
METHODS = [
    Method("reddio", "nonce"),
    Method("reddio", "vault_ids", (ETH_ASSET_ID, [STARK_KEY, RECEIVER])),
    Method("reddio", "contract_info", ("ETH", "ETH")),
    Method("reddio", "get_record", (1,)),
    Method("reddio", "record_by_signature", (1, 2)),
    Method("reddio", "withdrawal_status", (RECEIVER,)),
    Method("reddio", "starkex_contracts"),
    Method("reddio", "asset_id_for", ("ETH", "ETH")),
    Method("reddio", "wait_for_record", (1,), WAIT),
    Method("reddio", "withdraw", (), {"contract_address": "ETH", "amount": "0.5"}, True),
    Method(
        "reddio",
        "withdraw",
        (),
        {"contract_address": "ETH", "amount": 10000, "quantized": True},
        True,
        "withdraw(quantized)",
    ),
    Method(
        "reddio",
        "withdraw_to",
        (),
        {"contract_address": "ETH", "asset_type": "ETH", "amount": "0.5", "receiver": RECEIVER},
        True,
    ),
    Method("reddio", "withdraw_to", (), EXPLICIT, True, "withdraw_to(explicit)"),
    Method("reddio", "submit_withdrawal_to", (SIGNED,), {}, True),
    Method(
        "omnia",
        "request_withdrawal",
        (),
        {
            "order_source": "ETHEREUM",
            "token_address": USDC,
            "amount": "5.67",
            "signature": SIGNATURE,
        },
        True,
    ),
    Method("omnia", "get_withdrawal", ("iid-1",)),
    Method("omnia", "wait_for_withdrawal", ("iid-1",), WAIT),
]
MODES = ["sync", "async"]


class FakeTime:
    """A clock that only sleeping moves, so waits end without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


def make(api: str, mode: str, *, fake_time: bool = True, **kwargs: Any) -> Any:
    """A client of ``api`` in ``mode``, with its key or token; ``kwargs`` win."""
    if fake_time:
        time = FakeTime()
        kwargs.setdefault("clock", time.clock)
        kwargs.setdefault("sleep", time.sleep if mode == "sync" else time.asleep)
    if "http_client" not in kwargs:
        kwargs.setdefault("base_url", BASE[api])
    if api == "reddio":
        kwargs.setdefault("stark_private_key", PRIVATE_KEY)
        return (ReddioClient if mode == "sync" else AsyncReddioClient)(**kwargs)
    kwargs.setdefault("token", TOKEN)
    return (OmniaClient if mode == "sync" else AsyncOmniaClient)(**kwargs)


def call(method: Method, mode: str, **client_kwargs: Any) -> Any:
    """Run ``method`` on a fresh client (sync, or async in its own event loop), closing it."""
    if mode == "sync":
        with make(method.api, mode, **client_kwargs) as client:
            return getattr(client, method.name)(*method.args, **method.kwargs)

    async def run() -> Any:
        async with make(method.api, mode, **client_kwargs) as client:
            result = getattr(client, method.name)(*method.args, **method.kwargs)
            return await result if inspect.isawaitable(result) else result

    return asyncio.run(run())


def outcome(method: Method, mode: str, **client_kwargs: Any) -> Any:
    """The result, or the exception of ours it raised (anything else is raised)."""
    try:
        return call(method, mode, **client_kwargs)
    except WithdrawalClientError as exc:
        return exc


Behaviour = Callable[[socket.socket, bytes], None]


class RawServer:
    """A threaded TCP server that answers each connection with ``behaviour(conn, request)``:
    anything at all, byte by byte if it likes. Connections still open are closed on stop."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.behaviour: Behaviour = lambda conn, request: None
        self.requests: list[bytes] = []
        self.open: list[socket.socket] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            request = _read_request(conn)
            self.requests.append(request)
            self.behaviour(conn, request)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self.stopped.set()
        for sock in (self.sock, *self.open):  # shutdown wakes a thread blocked on the socket
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


def response_bytes(status: int, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def mock(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    """A transport for both the sync and the async clients."""
    return httpx.MockTransport(handler)
