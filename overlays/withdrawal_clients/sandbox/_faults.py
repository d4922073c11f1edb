"""Fault injection: latency, error pages, rate limits and lost responses, per route.

:class:`FaultMiddleware` is a plain ASGI middleware in front of the whole sandbox. A lost
response is produced by running the request (so a write is committed), sending only the
response head, then raising :class:`httpx.RemoteProtocolError`: uvicorn then closes the
connection mid-response, and in-process transports re-raise it, so a client sees a transport
error either way, exactly like a connection that died after the server acted.

With ``after_commit=True`` the request runs first and the fault applies to its answer: a
latency holds the committed answer back (a client whose timeout is shorter sees no answer for a
write that is in), a status replaces it (a gateway failing after the backend acted).
"""

from __future__ import annotations

import collections
import fnmatch
import logging
import math
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


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_status(_: Any, __: Any, status: int | None) -> None:
    if status is not None and (not _is_int(status) or not 400 <= status <= 599):
        raise ValueError("status: must be an HTTP error status (400-599)")


def _check_latency(_: Any, __: Any, latency: float) -> None:
    if not (_is_int(latency) or isinstance(latency, float)) or not 0 <= latency < math.inf:
        raise ValueError("latency: must be a number of seconds >= 0")


def _optional_int(name: str, minimum: int) -> Callable[[Any, Any, int | None], None]:
    def check(_: Any, __: Any, value: int | None) -> None:
        if value is not None and (not _is_int(value) or value < minimum):
            raise ValueError(f"{name}: must be an integer >= {minimum}, or null")

    return check


def _flag(name: str) -> Callable[[Any, Any, bool], None]:
    def check(_: Any, __: Any, value: bool) -> None:
        if not isinstance(value, bool):
            raise ValueError(f"{name}: must be true or false")

    return check


@attrs.frozen
class Fault:
    """What to do to the next ``times`` requests matching ``method`` and ``path``.

    ``path`` is the full server path and may be a glob (``/omnia/api/v2/withdrawals/*``).
    ``latency`` delays the request before it runs; ``status`` answers it with that error instead
    (an HTML page for 5xx, a ``Retry-After`` header when ``retry_after`` is set) without running
    it; ``drop`` runs it and then loses the response. ``after_commit=True`` runs the request
    first, then applies ``latency`` and ``status`` to its answer. ``times=None`` keeps the fault
    until cleared.
    """

    path: str = attrs.field(validator=attrs.validators.instance_of(str))
    method: str = attrs.field(default="*", converter=_upper)
    latency: float = attrs.field(default=0.0, validator=_check_latency)
    status: int | None = attrs.field(default=None, validator=_check_status)
    retry_after: int | None = attrs.field(default=None, validator=_optional_int("retry_after", 0))
    drop: bool = attrs.field(default=False, validator=_flag("drop"))
    times: int | None = attrs.field(default=1, validator=_optional_int("times", 1))
    after_commit: bool = attrs.field(default=False, validator=_flag("after_commit"))

    def __attrs_post_init__(self) -> None:
        if self.drop and self.status is not None:
            raise ValueError("drop: a dropped response has no status; give one or the other")
        if self.after_commit and not (self.latency or self.status is not None or self.drop):
            raise ValueError("after_commit: give a latency, a status or drop to apply after it")

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method.upper()) and fnmatch.fnmatchcase(path, self.path)

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)

    @property
    def runs_request(self) -> bool:
        """Whether the request runs (and a write commits) before the fault applies."""
        return self.after_commit or self.drop

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
        if fault.latency and not fault.after_commit:
            await anyio.sleep(fault.latency)  # slow on the way in: nothing has run yet
        answer = await self._run(scope, receive) if fault.runs_request else None
        if fault.latency and fault.after_commit:
            await anyio.sleep(fault.latency)  # committed; the answer is late
        if fault.status is not None:
            await self._answer_error(fault, send)
        elif fault.drop:
            if answer:
                await send(answer[0])  # the head only: the body never comes
            raise ResponseDropped("sandbox fault injection: response dropped")
        elif answer is not None:
            for message in answer:
                await send(message)
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

    async def _run(self, scope: Scope, receive: Receive) -> list[Message]:
        """Run the request (a write is committed here) and keep its answer's messages."""
        answer: list[Message] = []

        async def keep(message: Message) -> None:
            answer.append(message)

        await self.app(scope, receive, keep)
        return answer
