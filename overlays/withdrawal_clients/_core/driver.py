"""Carrying plans out: the only place where the clients do I/O.

:class:`SyncDriver` and :class:`AsyncDriver` perform the steps of :mod:`.steps` over an httpx
client, the same way for both APIs; they differ only in blocking or awaiting.
:class:`SyncClient` and :class:`AsyncClient` are the public clients' common base: a context
manager that closes what it opened, and a repr that never fails and never shows a secret.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import threading
from collections.abc import Awaitable, Callable, Mapping
from contextlib import nullcontext
from types import TracebackType
from typing import Any, Self, TypeVar

import attrs
import httpx

from .. import errors
from .steps import Answer, Exclusive, Invoke, NoAnswer, Plan, Request, Sleep
from .transport import (
    RetryPolicy,
    asend_with_retries,
    check_timeout,
    map_transport_error,
    may_have_been_sent,
    open_http,
    request_headers,
    send_with_retries,
)

T = TypeVar("T")


@attrs.frozen
class _Failed:
    error: errors.WithdrawalClientError


@attrs.frozen
class _Done:
    value: Any


def _advance(plan: Plan[Any], outcome: Any) -> Any:
    """The plan's next step after ``outcome`` (a failure is thrown in at its yield), or _Done."""
    try:
        if isinstance(outcome, _Failed):
            return plan.throw(outcome.error)
        return plan.send(outcome)
    except StopIteration as done:
        return _Done(done.value)


def _not_awaitable(step: Invoke, result: Any) -> Any:
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # a coroutine we will not await must not warn "never awaited"
        raise errors.InvalidInput(step.field, "returns an awaitable: use the async client")
    return result


@attrs.frozen
class Settings:
    """How a client sends: joined to ``base_url``, retried by ``policy``, with ``headers``
    on every request, ``auth`` (Omnia's bearer token) and, when set, a per-request
    ``timeout`` (else the httpx client's)."""

    base_url: str
    policy: RetryPolicy
    auth: httpx.Auth | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    timeout: httpx.Timeout | None = None

    def send_kwargs(self, request: Request) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "params": request.params,
            "json": request.json,
            "headers": self.headers,
        }
        if self.auth is not None:
            kwargs["auth"] = self.auth
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        return kwargs

    def lost(self, request: Request, exc: httpx.RequestError) -> NoAnswer:
        return NoAnswer(map_transport_error(exc, request.what), may_have_been_sent(exc))


def _answer(response: httpx.Response) -> Answer:
    request = response.request
    return Answer(
        response.status_code, response.headers, response.content, request.method, request.url.path
    )


class SyncDriver:
    """Performs a plan's steps with blocking I/O."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        owned: bool,
        settings: Settings,
        sleep: Callable[[float], None],
        locks: dict[str, threading.Lock] | None = None,
    ) -> None:
        self.http, self.owned, self.sleep = http, owned, sleep
        self.setup = settings
        self._locks: dict[str, threading.Lock] = {} if locks is None else locks
        self._locks_guard = threading.Lock()

    def derived(self, settings: Settings) -> SyncDriver:
        """A driver with other settings over the same HTTP client and locks, owning nothing."""
        return SyncDriver(
            self.http, owned=False, settings=settings, sleep=self.sleep, locks=self._locks
        )

    def run(self, plan: Plan[T]) -> T:
        step = _advance(plan, None)
        while not isinstance(step, _Done):
            try:
                outcome = self._perform(step)
            except errors.WithdrawalClientError as exc:
                outcome = _Failed(exc)
            step = _advance(plan, outcome)
        result: T = step.value
        return result

    def _perform(self, step: Any) -> Any:
        if isinstance(step, Request):
            return self._request(step)
        if isinstance(step, Sleep):
            return self.sleep(step.seconds)
        if isinstance(step, Exclusive):
            with self._lock(step.scope), step.hold() if step.hold else nullcontext():
                return self.run(step.plan)
        if isinstance(step, Invoke):
            return _not_awaitable(step, step.function(*step.args))
        raise TypeError(f"unknown step {step!r}")

    def _lock(self, scope: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(scope, threading.Lock())

    def _request(self, request: Request) -> Answer | NoAnswer:
        def send() -> Answer:
            url = self.setup.base_url + request.path
            kwargs = self.setup.send_kwargs(request)
            return _answer(self.http.request(request.method, url, **kwargs))

        if request.safe:
            return send_with_retries(send, self.setup.policy, what=request.what, sleep=self.sleep)
        try:
            return send()
        except httpx.RequestError as exc:
            return self.setup.lost(request, exc)

    def close(self) -> None:
        if self.owned:
            self.http.close()


class AsyncDriver:
    """Performs a plan's steps with asyncio: the twin of :class:`SyncDriver`."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        owned: bool,
        settings: Settings,
        sleep: Callable[[float], Awaitable[None]],
        locks: dict[str, asyncio.Lock] | None = None,
    ) -> None:
        self.http, self.owned, self.sleep = http, owned, sleep
        self.setup = settings
        self._locks: dict[str, asyncio.Lock] = {} if locks is None else locks

    def derived(self, settings: Settings) -> AsyncDriver:
        """A driver with other settings over the same HTTP client and locks, owning nothing."""
        return AsyncDriver(
            self.http, owned=False, settings=settings, sleep=self.sleep, locks=self._locks
        )

    async def run(self, plan: Plan[T]) -> T:
        step = _advance(plan, None)
        while not isinstance(step, _Done):
            try:
                outcome = await self._perform(step)
            except errors.WithdrawalClientError as exc:
                outcome = _Failed(exc)
            step = _advance(plan, outcome)
        result: T = step.value
        return result

    async def _perform(self, step: Any) -> Any:
        if isinstance(step, Request):
            return await self._request(step)
        if isinstance(step, Sleep):
            return await self.sleep(step.seconds)
        if isinstance(step, Exclusive):
            async with self._locks.setdefault(step.scope, asyncio.Lock()):
                if step.hold is None:
                    return await self.run(step.plan)
                held = step.hold()  # the journal's lock may block: take it in a worker thread
                await asyncio.to_thread(held.__enter__)
                try:
                    return await self.run(step.plan)
                finally:
                    await asyncio.to_thread(held.__exit__, None, None, None)
        if isinstance(step, Invoke):
            if step.blocking:
                return await asyncio.to_thread(step.function, *step.args)
            result = step.function(*step.args)
            return await result if inspect.isawaitable(result) else result
        raise TypeError(f"unknown step {step!r}")

    async def _request(self, request: Request) -> Answer | NoAnswer:
        async def send() -> Answer:
            url = self.setup.base_url + request.path
            kwargs = self.setup.send_kwargs(request)
            return _answer(await self.http.request(request.method, url, **kwargs))

        if request.safe:
            return await asend_with_retries(
                send, self.setup.policy, what=request.what, sleep=self.sleep
            )
        try:
            return await send()
        except httpx.RequestError as exc:
            return self.setup.lost(request, exc)

    async def aclose(self) -> None:
        if self.owned:
            await self.http.aclose()


class _Shown:
    def _shown(self) -> dict[str, object]:
        """What repr shows (never a secret)."""
        return {}

    def __repr__(self) -> str:
        try:
            shown = self._shown()
        except Exception:  # a half-built client: a repr must never fail
            shown = {}
        fields = ", ".join(f"{name}={value!r}" for name, value in shown.items())
        return f"{type(self).__name__}({fields})"


class _Options(_Shown):
    _plans: Any  # the client's plans: their ``policy`` is the retry policy
    _driver: SyncDriver | AsyncDriver

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
    ) -> Self:
        """A copy of this client with another per-request ``timeout`` or ``max_retries``,
        sharing its HTTP client, journal and locks; closing the copy closes nothing."""
        settings = self._driver.setup
        if max_retries is not None:
            settings = attrs.evolve(settings, policy=RetryPolicy(max_retries=max_retries))
        if timeout is not None:
            settings = attrs.evolve(settings, timeout=check_timeout(timeout))
        clone = copy.copy(self)
        clone._plans = copy.copy(self._plans)
        clone._plans.policy = settings.policy
        clone._driver = self._driver.derived(settings)
        return clone


class SyncClient(_Options):
    """Base of the blocking clients: a context manager that closes the HTTP client it opened."""

    _driver: SyncDriver

    def close(self) -> None:
        """Close the HTTP client if this client opened it (a caller's stays open)."""
        self._driver.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(_Options):
    """Base of the asyncio clients: an async context manager that closes what it opened."""

    _driver: AsyncDriver

    async def aclose(self) -> None:
        """Close the HTTP client if this client opened it (a caller's stays open)."""
        await self._driver.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _settings(
    http: httpx.Client | httpx.AsyncClient,
    *,
    base_url: str,
    policy: RetryPolicy,
    timeout: float | httpx.Timeout | None,
    adopted: bool,
    default_headers: object,
    auth: httpx.Auth | None,
) -> Settings:
    return Settings(
        base_url,
        policy,
        auth=auth,
        headers=request_headers(http, default_headers),
        # A client we built has the timeout already; a caller's gets it per request.
        timeout=check_timeout(timeout) if adopted and timeout is not None else None,
    )


def sync_driver(
    *,
    base_url: str,
    policy: RetryPolicy,
    timeout: float | httpx.Timeout | None,
    transport: httpx.BaseTransport | None,
    http_client: httpx.Client | None,
    default_headers: object,
    sleep: Callable[[float], None],
    auth: httpx.Auth | None = None,
) -> SyncDriver:
    """The driver of a blocking client: its httpx client opened (or a caller's adopted)."""
    http, owned = open_http(
        httpx.Client, timeout=timeout, transport=transport, http_client=http_client
    )
    settings = _settings(
        http,
        base_url=base_url,
        policy=policy,
        timeout=timeout,
        adopted=not owned,
        default_headers=default_headers,
        auth=auth,
    )
    return SyncDriver(http, owned=owned, settings=settings, sleep=sleep)


def async_driver(
    *,
    base_url: str,
    policy: RetryPolicy,
    timeout: float | httpx.Timeout | None,
    transport: httpx.AsyncBaseTransport | None,
    http_client: httpx.AsyncClient | None,
    default_headers: object,
    sleep: Callable[[float], Awaitable[None]],
    auth: httpx.Auth | None = None,
) -> AsyncDriver:
    """The driver of an asyncio client: the twin of :func:`sync_driver`."""
    http, owned = open_http(
        httpx.AsyncClient, timeout=timeout, transport=transport, http_client=http_client
    )
    settings = _settings(
        http,
        base_url=base_url,
        policy=policy,
        timeout=timeout,
        adopted=not owned,
        default_headers=default_headers,
        auth=auth,
    )
    return AsyncDriver(http, owned=owned, settings=settings, sleep=sleep)
