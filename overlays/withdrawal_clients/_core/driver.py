"""Carrying plans out: the only place where the clients do I/O.

:class:`SyncDriver` and :class:`AsyncDriver` perform the steps of :mod:`.steps` over an httpx
client, the same way for both APIs; they differ only in blocking or awaiting.
:class:`SyncClient` and :class:`AsyncClient` are the public clients' common base: a context
manager that closes what it opened, and a repr that never fails and never shows a secret.

Every public call has a deadline (``call_timeout``): the driver never waits past it. A request
it would have to start later is not sent (a safe one raises :class:`~..errors.Timeout`, an
unsafe one comes back as not sent, so a write settles it); one under way is abandoned at the
deadline (async: cancelled; sync: the caller stops waiting for the worker thread that runs the
exchange, which stops at its next chunk); a pause is cut short. Only the caller's own code (a
signer, a token provider) is not interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import inspect
import queue
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import attrs
import httpx

from .. import errors
from .secret import SafeRepr, Secret
from .steps import Answer, Exclusive, Extend, Invoke, NoAnswer, Plan, Request, Sleep
from .transport import (
    DeadlinePassed,
    HttpClient,
    RetryPolicy,
    asend_with_retries,
    call_budget,
    check_seconds,
    check_timeout,
    map_transport_error,
    may_have_been_sent,
    open_http,
    request_headers,
    send_with_retries,
)

T = TypeVar("T")
Pause = TypeVar("Pause")  # the sleep function: blocking, or awaitable
MAX_BODY = 16 * 2**20  # bytes of an answer kept; no answer of either API comes near


class Bearer(Protocol):
    """A bearer token that may have to be fetched, and renewed once when the API refuses it."""

    def current(self) -> Secret[str] | None:
        """The token to use now; None when one must be fetched first."""

    def fetch(self) -> Secret[str]:
        """A new token (blocking)."""

    async def afetch(self) -> Secret[str]:
        """A new token (awaited when the provider is async)."""

    def refresh_due(self, answer: Answer) -> bool:
        """Whether a new token may cure this answer (sent with the token in use)."""


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


def _not_awaitable(field: str, result: Any) -> Any:
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # a coroutine we will not await must not warn "never awaited"
        raise errors.InvalidInput(field, "returns an awaitable: use the async client")
    return result


def _foreign_failure(step: Invoke, exc: Exception) -> errors.InvalidInput | None:
    """How a caller's callable (a signer) failing in its own way is reported; None: as is."""
    if not step.foreign or isinstance(exc, errors.WithdrawalClientError):
        return None
    return errors.InvalidInput(step.field, f"raised {type(exc).__name__}")


class _Call:
    """One public call: its deadline on the monotonic clock (None: unbounded)."""

    def __init__(self, budget: float | None) -> None:
        self.budget = budget
        self.at = None if budget is None else time.monotonic() + budget

    def extend(self, seconds: float) -> None:
        if self.at is not None:
            self.budget = (self.budget or 0.0) + seconds
            self.at += seconds

    def remaining(self) -> float | None:
        return None if self.at is None else max(0.0, self.at - time.monotonic())

    def cap(self, seconds: float) -> float:
        """A pause cut short at the deadline."""
        left = self.remaining()
        return seconds if left is None else min(seconds, left)

    def passed(self, *, sent: bool) -> DeadlinePassed:
        message = f"the call's deadline (call_timeout) of {self.budget:g} s passed"
        return DeadlinePassed(message, sent=sent)

    def check(self, *, sent: bool) -> None:
        if self.remaining() == 0.0:
            raise self.passed(sent=sent)

    def timeouts(self, configured: httpx.Timeout) -> httpx.Timeout:
        """The per-request timeouts, none longer than the time left."""
        left = self.remaining()
        if left is None:
            return configured
        parts = (configured.connect, configured.read, configured.write, configured.pool)
        connect, read, write, pool = (left if p is None else min(p, left) for p in parts)
        return httpx.Timeout(connect=connect, read=read, write=write, pool=pool)


class _Body:
    """An answer's body, gathered chunk by chunk: cut off at the deadline, and at MAX_BODY."""

    def __init__(self, call: _Call) -> None:
        self.call = call
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> bool:
        """Keep ``chunk``; False once the body is too large to be an answer of ours."""
        self.call.check(sent=True)
        self.chunks.append(chunk)
        self.size += len(chunk)
        return self.size <= MAX_BODY

    def answer(self, response: httpx.Response) -> Answer:
        complete = self.size <= MAX_BODY
        content = b"".join(self.chunks)[: MAX_BODY + 1]
        request = response.request
        return Answer(
            response.status_code,
            response.headers,
            content,
            complete=complete,
            method=request.method,
            path=request.url.path,
        )


class _Driver(Generic[HttpClient, Pause]):
    """What both drivers share: the HTTP client, its settings and the per-call deadline."""

    kind: type[HttpClient]

    def __init__(
        self,
        *,
        base_url: str,
        policy: RetryPolicy,
        sleep: Pause,
        timeout: object = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        http_client: HttpClient | None = None,
        call_timeout: object = None,
        auth: Bearer | None = None,
        default_headers: object = None,
    ) -> None:
        if not callable(sleep):
            raise errors.InvalidInput("sleep", "must be a function taking seconds")
        self.sleep: Pause = sleep
        configured = None if timeout is None else check_timeout(timeout)
        if call_timeout is not None:  # checked before anything is opened
            check_seconds(call_timeout, "call_timeout")
        self.http: HttpClient
        self.http, self.owned = open_http(
            self.kind, timeout=configured, transport=transport, http_client=http_client
        )
        # A caller's client keeps its own timeouts unless ``timeout`` is given.
        self.timeouts: httpx.Timeout = configured or self.http.timeout
        self.budget = call_budget(call_timeout, self.timeouts, policy)
        self.base_url, self.policy, self.auth = base_url, policy, auth
        self.headers = request_headers(self.http, default_headers)
        self._locks: dict[str, Any] = {}  # one lock per scope (a sender's nonce)
        self._locks_guard = threading.Lock()

    def _call(self) -> _Call:
        return _Call(self.budget)

    def derived(self, *, timeout: object = None, max_retries: object = None) -> Self:
        """A driver over the same HTTP client and locks with another per-request timeout or
        retry count (and the deadline they imply); it owns nothing."""
        clone = copy.copy(self)  # the locks dict is shared: one sender's nonce stays in turn
        clone.owned = False
        if max_retries is not None:
            clone.policy = RetryPolicy(max_retries=max_retries)  # type: ignore[arg-type]
        if timeout is not None:
            clone.timeouts = check_timeout(timeout)
        clone.budget = call_budget(None, clone.timeouts, clone.policy)
        return clone

    def _stream_kwargs(
        self, request: Request, call: _Call, token: Secret[str] | None
    ) -> dict[str, Any]:
        call.check(sent=False)
        # httpx.Headers shows an Authorization value as [secure] in any repr.
        headers = httpx.Headers(self.headers)
        if token is not None:
            headers["Authorization"] = f"Bearer {token.reveal()}"
        return {
            "params": request.params,
            "json": request.json,
            "timeout": call.timeouts(self.timeouts),
            "headers": headers,
        }

    def _lost(self, request: Request, exc: httpx.RequestError) -> NoAnswer:
        return NoAnswer(map_transport_error(exc, request.what), may_have_been_sent(exc))


class SyncDriver(_Driver[httpx.Client, Callable[[float], None]]):
    """Performs a plan's steps with blocking I/O."""

    kind = httpx.Client
    _locks: dict[str, threading.Lock]

    def run(self, plan: Plan[T]) -> T:
        """Carry ``plan`` out as one public call, within its deadline."""
        return self._run(plan, self._call())

    def _run(self, plan: Plan[T], call: _Call) -> T:
        step = _advance(plan, None)
        while not isinstance(step, _Done):
            try:
                outcome = self._perform(step, call)
            except errors.WithdrawalClientError as exc:
                outcome = _Failed(exc)
            step = _advance(plan, outcome)
        result: T = step.value
        return result

    def _perform(self, step: Any, call: _Call) -> Any:
        if isinstance(step, Request):
            return self._request(step, call)
        if isinstance(step, Sleep):
            return self._sleep(call.cap(step.seconds))
        if isinstance(step, Extend):
            return call.extend(step.seconds)
        if isinstance(step, Exclusive):
            with self._lock(step.scope, call), _held(step, call):
                return self._run(step.plan, call)
        if isinstance(step, Invoke):
            return self._invoke(step)
        raise TypeError(f"unknown step {step!r}")

    @staticmethod
    def _invoke(step: Invoke) -> Any:
        try:
            return _not_awaitable(step.field, step.function(*step.args))
        except Exception as exc:
            failure = _foreign_failure(step, exc)
            if failure is None:
                raise
        raise failure  # outside the except block: the callable's frames are not kept

    def _sleep(self, seconds: float) -> None:
        _not_awaitable("sleep", self.sleep(seconds))

    @contextlib.contextmanager
    def _lock(self, scope: str, call: _Call) -> Iterator[None]:
        with self._locks_guard:
            lock = self._locks.setdefault(scope, threading.Lock())
        left = call.remaining()
        if not lock.acquire(timeout=-1 if left is None else left):
            raise _lock_timeout(scope)
        try:
            yield
        finally:
            lock.release()

    def _request(self, request: Request, call: _Call) -> Answer | NoAnswer:
        def send() -> Answer:
            return self._authorized(request, call)

        if request.safe:
            return send_with_retries(
                send, self.policy, what=request.what, sleep=lambda s: self._sleep(call.cap(s))
            )
        try:
            return send()
        except httpx.RequestError as exc:
            return self._lost(request, exc)

    def _authorized(self, request: Request, call: _Call) -> Answer:
        """Send with the bearer token, if any; once more with a new one if it was refused."""
        if self.auth is None:
            return self._exchange(request, call, None)
        used = self.auth.current() or self.auth.fetch()
        answer = self._exchange(request, call, used)
        if self.auth.refresh_due(answer):
            newer = self.auth.current()  # another call may have renewed it meanwhile
            fresh = newer if newer not in (None, used) else self.auth.fetch()
            answer = self._exchange(request, call, fresh)
        return answer

    def _exchange(self, request: Request, call: _Call, token: Secret[str] | None) -> Answer:
        kwargs = self._stream_kwargs(request, call, token)
        left = call.remaining()
        if left is None:
            return self._receive(request, call, kwargs)
        # A blocking read cannot be interrupted (a server may drip its headers byte by byte):
        # the exchange runs in a worker, which the call stops waiting for at its deadline.
        context = contextvars.copy_context()  # the caller's tracing context goes along
        exchange = _Job(lambda: context.run(self._receive, request, call, kwargs))
        _WORKERS.run(exchange.run)
        if not exchange.done.acquire(timeout=left):
            raise call.passed(sent=True)
        return exchange.outcome()

    def _receive(self, request: Request, call: _Call, kwargs: dict[str, Any]) -> Answer:
        url = self.base_url + request.path
        with self.http.stream(request.method, url, **kwargs) as response:
            body = _Body(call)
            for chunk in response.iter_bytes():
                if not body.add(chunk):
                    break
            return body.answer(response)

    def close(self) -> None:
        if self.owned:
            self.http.close()


class _Job(Generic[T]):
    """A function run by a worker; ``done`` is released once its outcome is in."""

    def __init__(self, function: Callable[[], T]) -> None:
        self.function = function
        self.done = threading.Lock()
        self.done.acquire()
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.function()
        except BaseException as exc:
            self.error = exc
        finally:
            self.done.release()

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]  # set when error is None


class _Workers:
    """Daemon threads for the blocking exchanges of sync calls, reused (starting a thread per
    request costs more than the request). A worker whose caller gave up at its deadline
    finishes on its own; being a daemon, it never holds up the interpreter's exit."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._idle = 0
        self._guard = threading.Lock()

    def run(self, job: Callable[[], None]) -> None:
        with self._guard:
            start = self._idle == 0
            self._idle = max(0, self._idle - 1)
        if start:
            threading.Thread(target=self._serve, name="withdrawal-clients", daemon=True).start()
        self._jobs.put(job)

    def _serve(self) -> None:
        while True:
            self._jobs.get()()  # a job reports its own outcome, never raises
            with self._guard:
                self._idle += 1


_WORKERS = _Workers()


def _held(step: Exclusive, call: _Call) -> contextlib.AbstractContextManager[None]:
    """The step's other lock (the journal's), waited for no longer than the call may last."""
    return contextlib.nullcontext() if step.hold is None else step.hold(call.remaining())


def _lock_timeout(scope: str) -> errors.Timeout:
    return errors.Timeout(f"another call held the lock of {scope} until the deadline")


class AsyncDriver(_Driver[httpx.AsyncClient, Callable[[float], Awaitable[None]]]):
    """Performs a plan's steps with asyncio: the twin of :class:`SyncDriver`."""

    kind = httpx.AsyncClient
    _locks: dict[str, asyncio.Lock]

    async def run(self, plan: Plan[T]) -> T:
        """Carry ``plan`` out as one public call, within its deadline."""
        return await self._run(plan, self._call())

    async def _run(self, plan: Plan[T], call: _Call) -> T:
        step = _advance(plan, None)
        while not isinstance(step, _Done):
            try:
                outcome = await self._perform(step, call)
            except errors.WithdrawalClientError as exc:
                outcome = _Failed(exc)
            step = _advance(plan, outcome)
        result: T = step.value
        return result

    async def _perform(self, step: Any, call: _Call) -> Any:
        if isinstance(step, Request):
            return await self._request(step, call)
        if isinstance(step, Sleep):
            return await self._sleep(call.cap(step.seconds))
        if isinstance(step, Extend):
            return call.extend(step.seconds)
        if isinstance(step, Exclusive):
            async with self._lock(step.scope, call):
                if step.hold is None:
                    return await self._run(step.plan, call)
                held = step.hold(call.remaining())  # may block: taken in a worker thread
                await asyncio.to_thread(held.__enter__)
                try:
                    return await self._run(step.plan, call)
                finally:
                    await asyncio.to_thread(held.__exit__, None, None, None)
        if isinstance(step, Invoke):
            if step.blocking:
                return await asyncio.to_thread(step.function, *step.args)
            return await self._invoke(step)
        raise TypeError(f"unknown step {step!r}")

    @staticmethod
    async def _invoke(step: Invoke) -> Any:
        try:
            result = step.function(*step.args)
            return await result if inspect.isawaitable(result) else result
        except Exception as exc:
            failure = _foreign_failure(step, exc)
            if failure is None:
                raise
        raise failure

    @contextlib.asynccontextmanager
    async def _lock(self, scope: str, call: _Call) -> AsyncIterator[None]:
        lock = self._locks.setdefault(scope, asyncio.Lock())
        try:
            async with asyncio.timeout(call.remaining()):
                await lock.acquire()
        except TimeoutError:
            raise _lock_timeout(scope) from None
        try:
            yield
        finally:
            lock.release()

    async def _sleep(self, seconds: float) -> None:
        result = self.sleep(seconds)
        if inspect.isawaitable(result):  # a blocking sleep has already slept
            await result

    async def _request(self, request: Request, call: _Call) -> Answer | NoAnswer:
        async def send() -> Answer:
            return await self._authorized(request, call)

        async def pause(seconds: float) -> None:
            await self._sleep(call.cap(seconds))

        if request.safe:
            return await asend_with_retries(send, self.policy, what=request.what, sleep=pause)
        try:
            return await send()
        except httpx.RequestError as exc:
            return self._lost(request, exc)

    async def _authorized(self, request: Request, call: _Call) -> Answer:
        """The twin of :meth:`SyncDriver._authorized`."""
        if self.auth is None:
            return await self._exchange(request, call, None)
        used = self.auth.current() or await self.auth.afetch()
        answer = await self._exchange(request, call, used)
        if self.auth.refresh_due(answer):
            newer = self.auth.current()
            fresh = newer if newer not in (None, used) else await self.auth.afetch()
            answer = await self._exchange(request, call, fresh)
        return answer

    async def _exchange(self, request: Request, call: _Call, token: Secret[str] | None) -> Answer:
        kwargs = self._stream_kwargs(request, call, token)
        url = self.base_url + request.path
        try:
            async with asyncio.timeout(call.remaining()):
                async with self.http.stream(request.method, url, **kwargs) as response:
                    body = _Body(call)
                    async for chunk in response.aiter_bytes():
                        if not body.add(chunk):
                            break
                    return body.answer(response)
        except TimeoutError:
            raise call.passed(sent=True) from None

    async def aclose(self) -> None:
        if self.owned:
            await self.http.aclose()


class _Options(SafeRepr):
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
        clone = copy.copy(self)
        clone._driver = self._driver.derived(timeout=timeout, max_retries=max_retries)
        clone._plans = copy.copy(self._plans)
        clone._plans.policy = clone._driver.policy
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
