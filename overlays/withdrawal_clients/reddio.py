"""Reddio (StarkEx layer 2) withdrawals, sync and async, exact, signed and never doubled.

>>> with ReddioClient(network="testnet", stark_private_key=key) as reddio:   # doctest: +SKIP
...     result = reddio.withdraw_to(
...         contract_address="ETH", asset_type="ETH", amount="0.01", receiver="0xabc...")
...     record = reddio.wait_for_record(result.sequence_id)

Both clients run the same flows (``_reddio_core.py``); they differ only in how they send,
sleep and wait. The generated ``reddio_client`` does the HTTP calls and parses the models.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import threading
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

import httpx

from . import errors
from ._reddio_core import NETWORKS, Answer, Call, Exclusive, Flow, Lost, ReddioFlows, Sleep, Step
from ._reddio_inputs import DEFAULT_EXPIRATION, SignedWithdrawalTo, StarkKeys, build_withdrawal_to
from ._reddio_results import ContractInfo, Record, RecordStatus, WithdrawableAsset, WithdrawalResult
from ._secret import Secret
from ._transport import asend_with_retries, open_async_client, open_sync_client, send_with_retries

__all__ = [
    "DEFAULT_EXPIRATION",
    "NETWORKS",
    "AsyncReddioClient",
    "ContractInfo",
    "Record",
    "RecordStatus",
    "ReddioClient",
    "SignedWithdrawalTo",
    "StarkKeys",
    "WithdrawableAsset",
    "WithdrawalResult",
    "build_withdrawal_to",
]

P = ParamSpec("P")
T = TypeVar("T")

# Errors the generated code raises when a body does not match the spec (or is not JSON).
_PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError)
# The raw response of the call in progress: httpx runs response hooks in the caller's context
# (thread or task), so this stays per call even when calls run concurrently. It lets a body
# the generated parser chokes on (an HTML 500, a proxy's 429) still be judged by status.
_last_response: contextvars.ContextVar[httpx.Response | None] = contextvars.ContextVar(
    "reddio_last_response", default=None
)


def _remember(response: httpx.Response) -> None:
    _last_response.set(response)


async def _aremember(response: httpx.Response) -> None:
    _last_response.set(response)


def _answer(response: Any) -> Answer:
    return Answer(int(response.status_code), response.headers, response.content, response.parsed)


def _unparsed_answer(exc: Exception) -> Answer:
    raw = _last_response.get()
    if raw is None:  # the error came before any answer: not a parse error
        raise exc
    return Answer.unparsed(raw)


class _Shell:
    """Constructor arguments and properties common to both clients."""

    _flows: ReddioFlows
    _owns_http: bool

    @property
    def base_url(self) -> str:
        return self._flows.base_url

    @property
    def stark_key(self) -> str | None:
        """The stark key (0x-hex) derived from the private key, if one was given."""
        return self._flows.stark_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, stark_key={self.stark_key!r})"


# A client method is a flow of ReddioFlows run by the client's driver. The wrappers keep the
# flow's name, docstring and parameters (for help() and IDEs) but not its Flow return type.


def _document(method: Callable[..., Any], flow: Callable[..., Any]) -> None:
    functools.update_wrapper(method, flow)
    del method.__wrapped__  # type: ignore[attr-defined]
    signature = inspect.signature(flow)
    method.__signature__ = signature.replace(  # type: ignore[attr-defined]
        return_annotation=inspect.Signature.empty
    )


def _blocking(
    flow: Callable[Concatenate[ReddioFlows, P], Flow[T]],
) -> Callable[Concatenate[ReddioClient, P], T]:
    def method(self: ReddioClient, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._run(flow(self._flows, *args, **kwargs))

    _document(method, flow)
    return method


def _awaitable(
    flow: Callable[Concatenate[ReddioFlows, P], Flow[T]],
) -> Callable[Concatenate[AsyncReddioClient, P], Awaitable[T]]:
    async def method(self: AsyncReddioClient, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._run(flow(self._flows, *args, **kwargs))

    _document(method, flow)
    return method


class ReddioClient(_Shell):
    """Blocking Reddio client; a context manager that closes the HTTP client it opened.

    ``stark_private_key`` (int or 0x-hex) is needed for signed calls; it is kept in a
    :class:`Secret` and never shown. ``transport`` or ``http_client`` let a caller bring their
    own httpx transport or client (a client's base URL wins over ``base_url``/``network``).
    ``sleep`` and ``clock`` exist for tests and schedulers.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        network: str = "testnet",
        stark_private_key: int | str | Secret[int] | StarkKeys | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 3,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._flows = ReddioFlows(
            base_url,
            network=network,
            stark_private_key=stark_private_key,
            max_retries=max_retries,
            clock=clock,
        )
        self._http, self._owns_http = open_sync_client(
            base_url=self._flows.base_url,
            timeout=timeout,
            transport=transport,
            http_client=http_client,
        )
        if _remember not in self._http.event_hooks["response"]:
            self._http.event_hooks["response"].append(_remember)
        self._flows.api.set_httpx_client(self._http)
        self._nonce_lock = threading.Lock()
        self._flows.base_url = str(self._http.base_url).rstrip("/")  # a given client's wins
        self._sleep = sleep

    nonce = _blocking(ReddioFlows.nonce)
    vault_ids = _blocking(ReddioFlows.vault_ids)
    contract_info = _blocking(ReddioFlows.contract_info)
    get_record = _blocking(ReddioFlows.get_record)
    record_by_signature = _blocking(ReddioFlows.record_by_signature)
    withdrawal_status = _blocking(ReddioFlows.withdrawal_status)
    wait_for_record = _blocking(ReddioFlows.wait_for_record)
    withdraw = _blocking(ReddioFlows.withdraw)
    withdraw_to = _blocking(ReddioFlows.withdraw_to)
    submit_withdrawal_to = _blocking(ReddioFlows.submit_withdrawal_to)

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

    def _run(self, flow: Flow[T]) -> T:
        reply: Any = None
        error: errors.WithdrawalClientError | None = None
        while True:
            try:
                step = flow.send(reply) if error is None else flow.throw(error)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            reply, error = None, None
            try:
                reply = self._perform(step)
            except errors.WithdrawalClientError as exc:
                error = exc

    def _perform(self, step: Step) -> Any:
        if isinstance(step, Sleep):
            self._sleep(step.seconds)
            return None
        if isinstance(step, Exclusive):
            with self._nonce_lock:
                return self._run(step.flow)
        if step.safe:
            return send_with_retries(
                lambda: self._send(step), self._flows._policy, what=step.what, sleep=self._sleep
            )
        try:
            return self._send(step)
        except httpx.TransportError as exc:
            return Lost(exc)

    def _send(self, call: Call) -> Answer:
        _last_response.set(None)
        try:
            return _answer(call.api.sync_detailed(client=self._flows.api, **call.kwargs))
        except _PARSE_ERRORS as exc:
            return _unparsed_answer(exc)


class AsyncReddioClient(_Shell):
    """The asyncio twin of :class:`ReddioClient`: the same methods, awaited."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        network: str = "testnet",
        stark_private_key: int | str | Secret[int] | StarkKeys | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._flows = ReddioFlows(
            base_url,
            network=network,
            stark_private_key=stark_private_key,
            max_retries=max_retries,
            clock=clock,
        )
        self._http, self._owns_http = open_async_client(
            base_url=self._flows.base_url,
            timeout=timeout,
            transport=transport,
            http_client=http_client,
        )
        if _aremember not in self._http.event_hooks["response"]:
            self._http.event_hooks["response"].append(_aremember)
        self._flows.api.set_async_httpx_client(self._http)
        self._nonce_lock = asyncio.Lock()
        self._flows.base_url = str(self._http.base_url).rstrip("/")  # a given client's wins
        self._sleep = sleep

    nonce = _awaitable(ReddioFlows.nonce)
    vault_ids = _awaitable(ReddioFlows.vault_ids)
    contract_info = _awaitable(ReddioFlows.contract_info)
    get_record = _awaitable(ReddioFlows.get_record)
    record_by_signature = _awaitable(ReddioFlows.record_by_signature)
    withdrawal_status = _awaitable(ReddioFlows.withdrawal_status)
    wait_for_record = _awaitable(ReddioFlows.wait_for_record)
    withdraw = _awaitable(ReddioFlows.withdraw)
    withdraw_to = _awaitable(ReddioFlows.withdraw_to)
    submit_withdrawal_to = _awaitable(ReddioFlows.submit_withdrawal_to)

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

    async def _run(self, flow: Flow[T]) -> T:
        reply: Any = None
        error: errors.WithdrawalClientError | None = None
        while True:
            try:
                step = flow.send(reply) if error is None else flow.throw(error)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            reply, error = None, None
            try:
                reply = await self._perform(step)
            except errors.WithdrawalClientError as exc:
                error = exc

    async def _perform(self, step: Step) -> Any:
        if isinstance(step, Sleep):
            await self._sleep(step.seconds)
            return None
        if isinstance(step, Exclusive):
            async with self._nonce_lock:
                return await self._run(step.flow)
        if step.safe:
            return await asend_with_retries(
                lambda: self._send(step), self._flows._policy, what=step.what, sleep=self._sleep
            )
        try:
            return await self._send(step)
        except httpx.TransportError as exc:
            return Lost(exc)

    async def _send(self, call: Call) -> Answer:
        _last_response.set(None)
        try:
            return _answer(await call.api.asyncio_detailed(client=self._flows.api, **call.kwargs))
        except _PARSE_ERRORS as exc:
            return _unparsed_answer(exc)
