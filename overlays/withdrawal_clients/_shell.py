"""The machinery both convenience clients (Reddio, Omnia) use to run their plans.

A client operation is written once, as a *plan*: a generator that yields steps and receives
what each step produced (see ``_reddio_core.py`` and ``_omnia_core.py``). This module holds what
carries plans out, for any client:

- :func:`run` / :func:`arun` drive a plan; :class:`Sleep` steps are theirs, every other step
  goes to the client's ``_perform``. An error of ours raised by a step is thrown into the plan
  at its ``yield``, so a plan may catch it.
- :func:`blocking` / :func:`awaitable` turn a plan method into a sync or async client method
  with the same parameters (for mypy, help() and IDEs).
- :class:`SyncShell` / :class:`AsyncShell`: context manager, close what we opened, repr.
- :func:`call_generated` / :func:`acall_generated` call a generated endpoint and keep the raw
  answer, so a body the generated parser chokes on (an HTML 500, a proxy's 429) can still be
  judged by its status.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Generator
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar

import attrs
import httpx

from . import errors

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")
C = TypeVar("C")  # the object whose methods return plans (ReddioFlows, OmniaPlans)

Plan = Generator[Any, Any, T]
# What the generated code raises when a body does not match the spec (or is not JSON).
PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError)
Unparsed = Callable[[Exception, httpx.Response | None], Any]


@attrs.frozen
class Sleep:
    """Wait ``seconds``; the answer is None."""

    seconds: float


# --- the raw answer of the call in progress --------------------------------------------------

# httpx runs response hooks in the caller's context (thread or task), so this stays per call
# even when calls run concurrently.
_last_response: ContextVar[httpx.Response | None] = ContextVar("last_response", default=None)


def _remember(response: httpx.Response) -> None:
    _last_response.set(response)


async def _aremember(response: httpx.Response) -> None:
    _last_response.set(response)


def _calling() -> None:
    _last_response.set(None)


def _not_parsed(exc: Exception, unparsed: Unparsed | None) -> Any:
    if unparsed is None:
        raise exc
    return unparsed(exc, _last_response.get())


def call_generated(
    function: Callable[..., R], /, unparsed: Unparsed | None = None, **kwargs: Any
) -> R | Any:
    """``function(**kwargs)``; when the generated code cannot parse the answer, what
    ``unparsed(error, raw_response)`` makes of it (raw_response is None when no answer came).
    Without ``unparsed`` the parse error propagates; our own errors always do."""
    _calling()
    try:
        return function(**kwargs)
    except errors.WithdrawalClientError:
        raise  # InvalidInput is also a ValueError, but never a parse error
    except PARSE_ERRORS as exc:
        return _not_parsed(exc, unparsed)


async def acall_generated(
    function: Callable[..., Awaitable[R]], /, unparsed: Unparsed | None = None, **kwargs: Any
) -> R | Any:
    """The async twin of :func:`call_generated`."""
    _calling()
    try:
        return await function(**kwargs)
    except errors.WithdrawalClientError:
        raise
    except PARSE_ERRORS as exc:
        return _not_parsed(exc, unparsed)


def last_response() -> httpx.Response | None:
    """The raw answer of the latest :func:`call_generated` in this thread or task, if any."""
    return _last_response.get()


# --- running plans ----------------------------------------------------------------------------


@attrs.frozen
class _Done:
    value: Any


@attrs.frozen
class _Failed:
    error: errors.WithdrawalClientError


def _advance(plan: Plan[Any], outcome: Any) -> Any:
    """The plan's next step after ``outcome`` (a :class:`_Failed` is thrown in), or _Done."""
    try:
        if isinstance(outcome, _Failed):
            return plan.throw(outcome.error)
        return plan.send(outcome)
    except StopIteration as done:
        return _Done(done.value)


def run(plan: Plan[T], perform: Callable[[Any], Any], sleep: Callable[[float], None]) -> T:
    """Carry ``plan`` out: :class:`Sleep` with ``sleep``, any other step with ``perform``."""

    def carry_out(step: Any) -> Any:
        if isinstance(step, Sleep):
            return sleep(step.seconds)
        return perform(step)

    step = _advance(plan, None)
    while not isinstance(step, _Done):
        try:
            outcome = carry_out(step)
        except errors.WithdrawalClientError as exc:
            outcome = _Failed(exc)
        step = _advance(plan, outcome)
    result: T = step.value
    return result


async def arun(
    plan: Plan[T],
    perform: Callable[[Any], Awaitable[Any]],
    sleep: Callable[[float], Awaitable[None]],
) -> T:
    """The async twin of :func:`run`: steps and sleeps are awaited."""
    step = _advance(plan, None)
    while not isinstance(step, _Done):
        try:
            outcome = await (sleep(step.seconds) if isinstance(step, Sleep) else perform(step))
        except errors.WithdrawalClientError as exc:
            outcome = _Failed(exc)
        step = _advance(plan, outcome)
    result: T = step.value
    return result


# --- the clients' common shape ----------------------------------------------------------------


class _Shell(Generic[C]):
    _core: C
    _owns_http: bool

    def _shown(self) -> dict[str, object]:
        """What repr shows (never a secret)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._shown().items())
        return f"{type(self).__name__}({fields})"


class SyncShell(_Shell[C]):
    """A blocking client: runs plans of ``_core`` over ``_http`` (closed if we opened it)."""

    _http: httpx.Client
    _sleep: Callable[[float], None]

    def _adopt(self, http: httpx.Client, owned: bool) -> None:
        self._http, self._owns_http = http, owned
        if _remember not in http.event_hooks["response"]:
            http.event_hooks["response"].append(_remember)

    def _perform(self, step: Any) -> Any:
        raise NotImplementedError

    def _run(self, plan: Plan[T]) -> T:
        return run(plan, self._perform, self._sleep)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncShell(_Shell[C]):
    """The asyncio twin of :class:`SyncShell`."""

    _http: httpx.AsyncClient
    _sleep: Callable[[float], Awaitable[None]]

    def _adopt(self, http: httpx.AsyncClient, owned: bool) -> None:
        self._http, self._owns_http = http, owned
        if _aremember not in http.event_hooks["response"]:
            http.event_hooks["response"].append(_aremember)

    async def _perform(self, step: Any) -> Any:
        raise NotImplementedError

    async def _run(self, plan: Plan[T]) -> T:
        return await arun(plan, self._perform, self._sleep)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


# A client method runs a plan method of the client's core. The wrappers keep the plan method's
# name, docstring and parameters (for help() and IDEs) but not its Plan return type.


def _document(method: Callable[..., Any], plan: Callable[..., Any]) -> None:
    functools.update_wrapper(method, plan)
    del method.__wrapped__  # type: ignore[attr-defined]
    signature = inspect.signature(plan)
    method.__signature__ = signature.replace(  # type: ignore[attr-defined]
        return_annotation=inspect.Signature.empty
    )


def blocking(
    plan: Callable[Concatenate[C, P], Plan[T]],
) -> Callable[Concatenate[SyncShell[C], P], T]:
    """A blocking client method that runs ``plan``."""

    def method(self: SyncShell[C], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._run(plan(self._core, *args, **kwargs))

    _document(method, plan)
    return method


def awaitable(
    plan: Callable[Concatenate[C, P], Plan[T]],
) -> Callable[Concatenate[AsyncShell[C], P], Awaitable[T]]:
    """An async client method that runs ``plan``."""

    async def method(self: AsyncShell[C], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._run(plan(self._core, *args, **kwargs))

    _document(method, plan)
    return method
