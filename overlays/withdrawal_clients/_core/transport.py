"""What both clients share about HTTP: timeouts, retries, the httpx client, user agent.

Retry decisions are pure functions (:func:`retry_delay`); the sync and async loops
(:func:`send_with_retries`, :func:`asend_with_retries`) differ only in how they sleep.
Only requests that are safe to repeat go through the loops; writes are settled by
:mod:`.writes`.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
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
    "RetryPolicy",
    "asend_with_retries",
    "base_url_for",
    "check_seconds",
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
        if self.max_retries < 0:
            raise errors.InvalidInput("max_retries", "must be >= 0")


class HasStatus(Protocol):
    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> httpx.Headers | Any: ...


def check_seconds(value: object, field: str) -> float:
    """A positive duration in seconds, from a number or a timedelta."""
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds < 1e9:
        raise errors.InvalidInput(field, "must be a positive number of seconds or a timedelta")
    return float(seconds)


def check_timeout(value: object) -> httpx.Timeout:
    """A per-request timeout: positive seconds, or an httpx.Timeout."""
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(check_seconds(value, "timeout"))


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
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


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


def may_have_been_sent(exc: httpx.RequestError) -> bool:
    """False only when the request certainly never reached the server."""
    return not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def map_transport_error(exc: httpx.RequestError, what: str) -> errors.TransportError:
    """An httpx transport failure as one of ours (the message names the call, not secrets)."""
    if isinstance(exc, httpx.TimeoutException):
        return errors.Timeout(f"{what}: timed out ({type(exc).__name__})")
    return errors.TransportError(f"{what}: {type(exc).__name__}: {exc}")


HttpClient = TypeVar("HttpClient", httpx.Client, httpx.AsyncClient)


def base_url_for(
    given: object, http_client: httpx.Client | httpx.AsyncClient | None, default: str
) -> str:
    """The base URL requests are joined to: an explicit one, else a caller's client's, else the
    API's default; without a trailing slash."""
    if given is None and http_client is not None and str(http_client.base_url):
        given = str(http_client.base_url)
    url = default if given is None else given
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise errors.InvalidInput("base_url", "must be an http:// or https:// URL string")
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
    if http_client is not None:
        if transport is not None:
            raise errors.InvalidInput("transport", "give either transport or http_client, not both")
        if not isinstance(http_client, kind):
            raise errors.InvalidInput("http_client", f"must be an httpx.{kind.__name__}")
        return http_client, False
    built = kind(
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
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
            delay = retry_delay(policy, attempt)
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
