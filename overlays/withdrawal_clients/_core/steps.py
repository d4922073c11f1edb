"""The steps a plan yields, and what it receives back. Plain data, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from contextlib import AbstractContextManager
from types import ModuleType
from typing import Any, TypeVar

import attrs
import httpx

from .. import errors

T = TypeVar("T")

Plan = Generator[Any, Any, T]


@attrs.frozen
class Request:
    """Send one HTTP request to ``path`` (relative to the client's base URL).

    The driver answers with an :class:`Answer`. A ``safe`` request is retried on transport
    errors and retryable statuses (and raises our TransportError when no answer ever came); an
    unsafe one is sent once and a lost answer comes back as :class:`NoAnswer`.
    """

    what: str  # names the call in errors and logs, e.g. "POST /v1/withdrawalto"
    method: str
    path: str
    params: Mapping[str, Any] | None = None
    json: Any = None
    safe: bool = True

    @classmethod
    def of(cls, what: str, endpoint: ModuleType, *, safe: bool = True, **kwargs: Any) -> Request:
        """The request a generated endpoint module describes for ``kwargs``: the spec, not this
        package, decides paths, parameter names and serialization."""
        described = endpoint._get_kwargs(**kwargs)
        return cls(
            what,
            described["method"].upper(),
            described["url"],
            params=described.get("params"),
            json=described.get("json"),
            safe=safe,
        )


@attrs.frozen
class Answer:
    """An HTTP answer, whatever its status, and the method and path it answers. ``complete``
    is False when the body was too large to keep: ``content`` is then only its start (and
    never read as JSON)."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    complete: bool = True
    method: str | None = None
    path: str | None = None


@attrs.frozen
class NoAnswer:
    """An unsafe request got no answer. ``maybe_sent`` is False only when it certainly never
    reached the server (connection refused)."""

    error: errors.TransportError
    maybe_sent: bool


@attrs.frozen
class Sleep:
    """Wait ``seconds``; the answer is None."""

    seconds: float


@attrs.frozen
class Exclusive:
    """Run ``plan`` while holding the client's lock for ``scope`` and, when ``hold`` is given,
    the lock it returns for the time left (the journal's, shared with other processes); the
    answer is the plan's result."""

    plan: Plan[Any]
    scope: str
    hold: Callable[[float | None], AbstractContextManager[None]] | None = None


@attrs.frozen
class Extend:
    """Give the current call ``seconds`` more than its deadline: a wait's own budget."""

    seconds: float


@attrs.frozen
class Invoke:
    """Call ``function(*args)``; the answer is its result.

    ``blocking`` calls (the journal) run in a worker thread under an async client, so they do
    not stall its event loop. Otherwise an awaitable result (an async signer) is awaited by the
    async client and refused by the sync one, naming ``field``. A ``foreign`` callable is the
    caller's (a signer): an exception of its own is reported as InvalidInput naming ``field``.
    """

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    blocking: bool = False
    field: str = "callable"
    foreign: bool = False
