"""What both clients share about HTTP: timeouts, retries, the httpx client, user agent.

Retry decisions are pure functions (:func:`retry_delay`); the sync and async loops
(:func:`send_with_retries`, :func:`asend_with_retries`) differ only in how they sleep.
Only requests that are safe to repeat go through the loops; writes are settled by
:mod:`.writes`. Each public call also has an overall deadline (:func:`call_budget`), which the
drivers enforce.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import platform
import random
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

import attrs
import httpx

from .. import errors

__all__ = [
    "DEFAULT_TIMEOUT",
    "RETRYABLE_STATUSES",
    "DeadlinePassed",
    "RetryPolicy",
    "asend_with_retries",
    "base_url_for",
    "call_budget",
    "check_seconds",
    "check_timeout",
    "map_transport_error",
    "may_have_been_sent",
    "open_http",
    "parse_retry_after",
    "retry_delay",
    "send_with_retries",
    "user_agent",
]

log = logging.getLogger("withdrawal_clients.transport")
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRIES = 100  # far beyond any useful count; 2.0**attempt stays a float
_ASCII_DIGITS = frozenset("0123456789")


@attrs.frozen
class RetryPolicy:
    """Capped exponential backoff with full jitter; a server's ``Retry-After`` wins.

    ``max_retry_after`` bounds how long a ``Retry-After`` may make us wait per retry.
    """

    max_retries: int = 3
    backoff_base: float = 0.25
    backoff_cap: float = 8.0
    jitter: bool = True
    max_retry_after: float = 60.0

    def __attrs_post_init__(self) -> None:
        retries = self.max_retries
        if isinstance(retries, bool) or not isinstance(retries, int):
            raise errors.InvalidInput("max_retries", "must be an int")
        if not 0 <= retries <= MAX_RETRIES:
            raise errors.InvalidInput("max_retries", f"must be in [0, {MAX_RETRIES}]")


class HasStatus(Protocol):
    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> httpx.Headers | Any: ...


def check_seconds(value: object, field: str) -> float:
    """A positive duration in seconds, from a number or a timedelta (NaN and inf refused)."""
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds < 1e9:
        raise errors.InvalidInput(field, "must be a positive number of seconds or a timedelta")
    return float(seconds)


def check_timeout(value: object) -> httpx.Timeout:
    """The per-request timeouts: seconds, an httpx.Timeout (None parts wait forever) or None
    for the default."""
    if value is None:
        return DEFAULT_TIMEOUT
    if not isinstance(value, httpx.Timeout):
        return httpx.Timeout(check_seconds(value, "timeout"))
    for part in (value.connect, value.read, value.write, value.pool):
        if part is not None:
            check_seconds(part, "timeout")
    return value


def call_budget(given: object, timeout: httpx.Timeout, policy: RetryPolicy) -> float | None:
    """Seconds one public call may take (None: unbounded): ``given``, else enough for every try
    of one request to use its longest timeout, plus the backoff pauses between them.

    With the defaults (30 s, 3 retries) that is 4 x 30 + 0.25 + 0.5 + 1 = 121.75 s.
    """
    if given is not None:
        return check_seconds(given, "call_timeout")
    waits = [t for t in (timeout.connect, timeout.read, timeout.write, timeout.pool) if t]
    if not waits:
        return None  # the caller chose to wait forever per request
    retries = policy.max_retries
    pauses = (min(policy.backoff_cap, policy.backoff_base * 2.0**i) for i in range(retries))
    return (retries + 1) * max(waits) + sum(pauses)


def request_headers(http: httpx.Client | httpx.AsyncClient, given: object) -> dict[str, str]:
    """Headers sent on every request: our user agent (after a caller's own, when their client
    has one) and ``default_headers``, checked as every other input is."""
    if given is None:
        given = {}
    if not isinstance(given, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and k.isascii() and "\n" not in k + v
        for k, v in given.items()
    ):
        raise errors.InvalidInput("default_headers", "must map header names to strings")
    theirs = http.headers.get("user-agent", "")
    ours = user_agent()
    agent = ours if not theirs or theirs.startswith(("python-httpx/", ours)) else f"{theirs} {ours}"
    return {"User-Agent": agent, **given}


def user_agent() -> str:
    from .. import __version__

    python = platform.python_version()
    return f"withdrawal-clients/{__version__} python/{python} httpx/{httpx.__version__}"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    # ASCII only: str.isdigit() also takes "²", which float() refuses.
    if value and _ASCII_DIGITS.issuperset(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp()
    except (TypeError, ValueError, OverflowError, IndexError):  # whatever a server sends
        return None
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, seconds - current) if math.isfinite(seconds) else None


def retry_delay(
    policy: RetryPolicy,
    attempt: int,
    *,
    status: int | None = None,
    retry_after: str | None = None,
    rng: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before retry number ``attempt + 1``, or None when we must stop.

    ``attempt`` counts retries already made (0 for the first failure). ``status`` is the HTTP
    status of a failed answer, or None for a transport error.
    """
    if attempt >= policy.max_retries:
        return None
    if status is not None and status not in RETRYABLE_STATUSES:
        return None
    hinted = parse_retry_after(retry_after)
    if hinted is not None:
        return min(hinted, policy.max_retry_after)
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0**attempt)
    return ceiling * rng() if policy.jitter else ceiling


class DeadlinePassed(httpx.TimeoutException):
    """The call's overall deadline passed: before this request was sent (``sent`` False), or
    while it was under way. Handled like any timeout, except that it is never retried."""

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message)
        self.sent = sent


def may_have_been_sent(exc: httpx.RequestError) -> bool:
    """False only when the request certainly never reached the server."""
    if isinstance(exc, DeadlinePassed):
        return exc.sent
    return not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def map_transport_error(exc: httpx.RequestError, what: str) -> errors.TransportError:
    """An httpx transport failure as one of ours (the message names the call, not secrets)."""
    if isinstance(exc, DeadlinePassed):
        return errors.Timeout(f"{what}: {exc}")
    if isinstance(exc, httpx.TimeoutException):
        return errors.Timeout(f"{what}: timed out ({type(exc).__name__})")
    return errors.TransportError(f"{what}: {type(exc).__name__}: {exc}")


HttpClient = TypeVar("HttpClient", httpx.Client, httpx.AsyncClient)


def base_url_for(
    given: object, http_client: httpx.Client | httpx.AsyncClient | None, default: str
) -> str:
    """The base URL requests are joined to: an explicit one, else a caller's client's, else the
    API's default; without a trailing slash."""
    own = (
        str(http_client.base_url)
        if isinstance(http_client, httpx.Client | httpx.AsyncClient)
        else ""
    )
    if given is None and own:
        given = own
    url = default if given is None else given
    rule = "must be an http:// or https:// URL string with a host, without query or fragment"
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise errors.InvalidInput("base_url", rule)
    try:  # what httpx would refuse only when the first request is built
        parsed = httpx.URL(url)
        usable = bool(parsed.host) and not parsed.query and not parsed.fragment
    except (httpx.InvalidURL, ValueError, TypeError):
        usable = False
    if not usable or not url.isprintable() or any(c.isspace() for c in url):
        raise errors.InvalidInput("base_url", rule)
    return url.rstrip("/")


def open_http(
    kind: type[HttpClient],
    *,
    timeout: float | httpx.Timeout | None,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
    http_client: HttpClient | None,
) -> tuple[HttpClient, bool]:
    """The httpx client a convenience client uses, and whether it owns (must close) it.

    A caller's own client is used exactly as given, never changed: it may serve several
    clients (each joins its own base URL to its paths).
    """
    checked = check_timeout(timeout)
    if http_client is not None:
        if transport is not None:
            raise errors.InvalidInput("transport", "give either transport or http_client, not both")
        if not isinstance(http_client, kind):
            raise errors.InvalidInput("http_client", f"must be an httpx.{kind.__name__}")
        return http_client, False
    wanted = httpx.BaseTransport if kind is httpx.Client else httpx.AsyncBaseTransport
    if transport is not None and not isinstance(transport, wanted):
        raise errors.InvalidInput("transport", f"must be an httpx.{wanted.__name__}")
    built = kind(
        timeout=checked,
        transport=transport,  # type: ignore[arg-type]  # kind and transport match (see callers)
        headers={"User-Agent": user_agent()},
    )
    return built, True


R = TypeVar("R", bound=HasStatus)


def _retrying(policy: RetryPolicy, what: str) -> Generator[float, R | httpx.RequestError, R]:
    """The retry loop without I/O: receives each try's outcome (an answer, or the transport
    error it raised) and yields the pause before the next try; returns the answer to keep, or
    raises our TransportError/Timeout when no answer ever came. Primed with ``next()``."""
    outcome = yield 0.0
    attempt = 0
    while True:
        if isinstance(outcome, httpx.RequestError):
            passed = isinstance(outcome, DeadlinePassed)
            delay = None if passed else retry_delay(policy, attempt)
            if delay is None:
                raise map_transport_error(outcome, what) from outcome
        else:
            delay = retry_delay(
                policy,
                attempt,
                status=outcome.status_code,
                retry_after=outcome.headers.get("retry-after"),
            )
            if delay is None or outcome.status_code not in RETRYABLE_STATUSES:
                return outcome
        cause = (
            type(outcome).__name__
            if isinstance(outcome, httpx.RequestError)
            else f"HTTP {outcome.status_code}"
        )
        log.info("%s: retry %d in %.2f s after %s", what, attempt + 1, delay, cause)
        outcome = yield delay
        attempt += 1


def send_with_retries(
    send: Callable[[], R],
    policy: RetryPolicy,
    *,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> R:
    """Call ``send`` (a safe, repeatable request) until it answers non-retryably or we give up.

    Returns the last response (even a retryable status once retries run out, so the caller
    can map it to an error); raises our TransportError/Timeout when no answer ever came.
    """
    loop: Generator[float, R | httpx.RequestError, R] = _retrying(policy, what)
    next(loop)
    while True:
        try:
            outcome: R | httpx.RequestError = send()
        except httpx.RequestError as exc:
            outcome = exc
        try:
            delay = loop.send(outcome)
        except StopIteration as done:
            answer: R = done.value
            return answer
        sleep(delay)


async def asend_with_retries(
    send: Callable[[], Awaitable[R]],
    policy: RetryPolicy,
    *,
    what: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> R:
    """The async twin of :func:`send_with_retries`; same decisions, awaited sleeps."""
    loop: Generator[float, R | httpx.RequestError, R] = _retrying(policy, what)
    next(loop)
    while True:
        try:
            outcome: R | httpx.RequestError = await send()
        except httpx.RequestError as exc:
            outcome = exc
        try:
            delay = loop.send(outcome)
        except StopIteration as done:
            answer: R = done.value
            return answer
        await sleep(delay)
