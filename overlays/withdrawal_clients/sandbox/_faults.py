"""Fault injection: latency, error pages, rate limits and lost responses, per route.

:class:`FaultMiddleware` is a plain ASGI middleware in front of the whole sandbox. A lost
response is produced by running the request (so a write is committed), sending only the
response head, then raising :class:`httpx.RemoteProtocolError`: uvicorn then closes the
connection mid-response, and in-process transports re-raise it, so a client sees a transport
error either way, exactly like a connection that died after the server acted.
"""

from __future__ import annotations

import collections
import fnmatch
import logging
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import attrs
import httpx

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Requests under this prefix (the sandbox's own controls) are never faulted.
ADMIN_PREFIX = "/_sandbox"
#: Marks an injected error answer, which is deliberately not what the API specs describe.
FAULT_HEADER = b"x-sandbox-fault"


class ResponseDropped(httpx.RemoteProtocolError):
    """Raised to lose a response on purpose (a transport error, as the client will see it)."""


def not_a_dropped_response(record: logging.LogRecord) -> bool:
    """A logging filter: a deliberately dropped response is not a server error worth a trace."""
    return not (record.exc_info and isinstance(record.exc_info[1], ResponseDropped))


def _upper(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError("method: must be a string such as POST, or *")
    return name.upper()


def _check_status(_: Any, __: Any, status: int | None) -> None:
    if status is not None and not 400 <= status <= 599:
        raise ValueError("status: must be an HTTP error status (400-599)")


@attrs.frozen
class Fault:
    """What to do to the next ``times`` requests matching ``method`` and ``path``.

    ``path`` is the full server path and may be a glob (``/omnia/api/v2/withdrawals/*``).
    ``latency`` delays the request; ``status`` answers it with that error instead (an HTML page
    for 5xx, a ``Retry-After`` header when ``retry_after`` is set) without running it;
    ``drop`` runs it and then loses the response. ``times=None`` keeps the fault until cleared.
    """

    path: str
    method: str = attrs.field(default="*", converter=_upper)
    latency: float = attrs.field(default=0.0, validator=attrs.validators.ge(0))
    status: int | None = attrs.field(default=None, validator=_check_status)
    retry_after: int | None = None
    drop: bool = False
    times: int | None = 1

    def __attrs_post_init__(self) -> None:
        if self.drop and self.status is not None:
            raise ValueError("drop: a dropped response has no status; give one or the other")
        if self.times is not None and self.times < 1:
            raise ValueError("times: must be >= 1, or None for every request")

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method.upper()) and fnmatch.fnmatchcase(path, self.path)

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        if not isinstance(data, dict) or not isinstance(data.get("path"), str):
            raise ValueError("fault: a JSON object with at least a 'path' string")
        names = {f.name for f in attrs.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"fault: unknown field(s) {sorted(unknown)}")
        return cls(**data)


class FaultTable:
    """The faults in force (the first match wins and uses up one of its ``times``), and a count
    of the API requests received per (method, path), faulted or not."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._received: collections.Counter[tuple[str, str]] = collections.Counter()

    def received(self, method: str, path: str) -> int:
        """How many ``method`` requests reached ``path`` (the full server path)."""
        with self._lock:
            return self._received[(method.upper(), path)]

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any; also counts the request."""
        with self._lock:
            self._received[(method.upper(), path)] += 1
            for index, fault in enumerate(self._faults):
                if fault.matches(method, path):
                    if fault.times is not None:
                        left = fault.times - 1
                        if left:
                            self._faults[index] = attrs.evolve(fault, times=left)
                        else:
                            del self._faults[index]
                    return fault
        return None


def _error_page(status: int) -> bytes:
    return (
        f"<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center>"
        "<hr><center>sandbox fault injection</center></body></html>"
    ).encode()


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: FaultTable) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        fault = self.faults.take(scope["method"], path)
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.latency:
            await anyio.sleep(fault.latency)
        if fault.status is not None:
            await self._answer_error(fault, send)
        elif fault.drop:
            await self._run_and_drop(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    @staticmethod
    async def _answer_error(fault: Fault, send: Send) -> None:
        assert fault.status is not None
        body = _error_page(fault.status)
        headers = [
            (b"content-type", b"text/html"),
            (b"content-length", str(len(body)).encode()),
            (FAULT_HEADER, b"status"),
        ]
        if fault.retry_after is not None:
            headers.append((b"retry-after", str(fault.retry_after).encode()))
        await send({"type": "http.response.start", "status": fault.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _run_and_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        head: list[Message] = []

        async def keep_head(message: Message) -> None:
            if message["type"] == "http.response.start":
                head.append(message)

        await self.app(scope, receive, keep_head)  # the write is committed here
        if head:
            await send(head[0])
        raise ResponseDropped("sandbox fault injection: response dropped")
