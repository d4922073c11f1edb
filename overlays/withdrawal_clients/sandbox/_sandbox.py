"""One sandbox: configuration, clock, both APIs' state, faults, and ways to reach it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import anyio
import attrs
import httpx

from ._clock import Clock, ManualClock, SystemClock
from ._config import SandboxConfig
from ._faults import ASGIApp, FaultTable, not_a_dropped_response
from ._l1 import L1_PATH, SandboxL1
from ._omnia import OmniaBook
from ._reddio import ReddioLedger

#: The base URL in-process transports answer on (any host works; this one is descriptive).
IN_PROCESS_URL = "http://sandbox.invalid"
REDDIO_PATH = "/reddio"
OMNIA_PATH = "/omnia/api"
STARTUP_TIMEOUT = 10.0


class Sandbox:
    """A local Reddio + Omnia. State lives in memory, per instance.

    In-process: ``ReddioClient(sandbox.reddio_url, transport=sandbox.transport())`` (or
    ``async_transport()`` for the async clients). Over HTTP: ``with sandbox.serve() as served:``
    then ``served.reddio_url`` / ``served.omnia_url``.
    """

    def __init__(self, config: SandboxConfig | None = None, *, clock: Clock | None = None):
        self.config = config or SandboxConfig()
        self.clock: Clock = clock or SystemClock()
        self.reddio = ReddioLedger(self.config, self.clock)
        self.omnia = OmniaBook(self.config, self.clock)
        self.faults = FaultTable()
        #: Layer 1 (a real EVM, built on first use; needs eth-tester and py-evm).
        self.l1 = SandboxL1(self.reddio.assets, self.reddio.take_accepted_on_l1)
        self._app: ASGIApp | None = None

    @property
    def app(self) -> ASGIApp:
        """The ASGI application (needs the ``[sandbox]`` extra)."""
        if self._app is None:
            try:
                from ._app import build_app
            except ImportError as exc:
                raise ImportError(
                    f"the sandbox needs the [sandbox] extra ({exc.name} is missing): "
                    "pip install 'withdrawal-clients[sandbox]'"
                ) from exc
            self._app = build_app(
                self.reddio, self.omnia, self.faults, self.clock, self.advance, self.l1
            )
        return self._app

    def advance(self, seconds: float) -> None:
        """Move a :class:`ManualClock` forward (withdrawals progress as if time had passed)."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("advance: this sandbox runs on the wall clock; give it a ManualClock")
        self.clock.advance(seconds)

    def received(self, method: str, path: str) -> int:
        """How many ``method`` requests reached ``path`` (e.g. "/reddio/v1/withdrawalto")."""
        return self.faults.received(method, path)

    @property
    def omnia_token(self) -> str:
        """A Bearer token this sandbox accepts."""
        return min(self.config.omnia_tokens)

    # In-process use: base URLs and transports for httpx clients.
    reddio_url = IN_PROCESS_URL + REDDIO_PATH
    omnia_url = IN_PROCESS_URL + OMNIA_PATH
    l1_url = IN_PROCESS_URL + L1_PATH

    def async_transport(self) -> httpx.AsyncBaseTransport:
        return httpx.ASGITransport(app=self.app)

    def transport(self) -> httpx.BaseTransport:
        """A sync transport that runs the app in-process (each request on its own event loop)."""
        return _SyncASGITransport(self.app)

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[ServedSandbox]:
        """Serve over real HTTP with uvicorn in a background thread; port 0 picks a free one.

        A port in use raises OSError at once. Leaving the block stops the server.
        """
        import uvicorn

        sock = socket.create_server((host, port))  # bound here, so errors surface here
        # Accepted connections inherit this: without it each small answer waits ~40 ms for the
        # client's delayed ACK (Nagle), as the head and the body are written separately.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # log_config=None: uvicorn logs through the standard logging tree, configured by the
        # application (or by pytest), minus the traces of responses dropped on purpose.
        config = uvicorn.Config(
            self.app, lifespan="off", log_config=None, access_log=False, timeout_graceful_shutdown=1
        )
        error_log = logging.getLogger("uvicorn.error")
        if not_a_dropped_response not in error_log.filters:
            error_log.addFilter(not_a_dropped_response)
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="withdrawal-sandbox", daemon=True
        )
        thread.start()
        try:
            if not _wait_until(lambda: server.started or not thread.is_alive()):
                raise RuntimeError("sandbox server did not start")
            yield ServedSandbox(self, f"http://{host}:{sock.getsockname()[1]}")
        finally:
            server.should_exit = True
            thread.join(STARTUP_TIMEOUT)
            sock.close()


@attrs.frozen
class ServedSandbox:
    """A sandbox reachable over HTTP at ``base_url``."""

    sandbox: Sandbox
    base_url: str

    @property
    def reddio_url(self) -> str:
        return self.base_url + REDDIO_PATH

    @property
    def omnia_url(self) -> str:
        return self.base_url + OMNIA_PATH

    @property
    def l1_url(self) -> str:
        """Layer 1's JSON-RPC endpoint (POST)."""
        return self.base_url + L1_PATH


def _wait_until(condition: Callable[[], bool], timeout: float = STARTUP_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class _SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # The sync request's body stream cannot be read asynchronously: rebuild it from bytes.
        replay = httpx.Request(
            request.method, request.url, headers=request.headers, content=request.read()
        )

        async def call() -> httpx.Response:
            response = await self._inner.handle_async_request(replay)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return anyio.run(call)
        # Called from inside an event loop (a sync client in async code): use another thread.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(anyio.run, call).result()
