"""Reddio (StarkEx layer 2) withdrawals, sync and async, exact, signed and never doubled.

>>> with ReddioClient(network="testnet", stark_private_key=key) as reddio:   # doctest: +SKIP
...     result = reddio.withdraw_to(
...         contract_address="ETH", asset_type="ETH", amount="0.01", receiver="0xabc...")
...     record = reddio.wait_for_record(result.sequence_id)

Both clients run the same flows (``_reddio_core.py``) with the shared shells of ``_shell.py``;
they differ only in how they send, sleep and wait. The generated ``reddio_client`` does the HTTP
calls and parses the models.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from ._reddio_core import NETWORKS, Answer, Call, Exclusive, Lost, ReddioFlows
from ._reddio_inputs import DEFAULT_EXPIRATION, SignedWithdrawalTo, StarkKeys, build_withdrawal_to
from ._reddio_results import ContractInfo, Record, RecordStatus, WithdrawableAsset, WithdrawalResult
from ._secret import Secret
from ._shell import AsyncShell, SyncShell, acall_generated, awaitable, blocking, call_generated
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


def _answer(response: Any) -> Answer:
    return Answer(int(response.status_code), response.headers, response.content, response.parsed)


def _unparsed_answer(exc: Exception, raw: httpx.Response | None) -> Answer:
    if raw is None:  # the error came before any answer: not a parse error
        raise exc
    return Answer.unparsed(raw)


class _Reddio:
    """Properties common to both clients."""

    _core: ReddioFlows

    @property
    def _flows(self) -> ReddioFlows:
        return self._core

    @property
    def base_url(self) -> str:
        return self._core.base_url

    @property
    def stark_key(self) -> str | None:
        """The stark key (0x-hex) derived from the private key, if one was given."""
        return self._core.stark_key

    def _shown(self) -> dict[str, object]:
        return {"base_url": self.base_url, "stark_key": self.stark_key}


class ReddioClient(_Reddio, SyncShell[ReddioFlows]):
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
        self._core = ReddioFlows(
            base_url,
            network=network,
            stark_private_key=stark_private_key,
            max_retries=max_retries,
            clock=clock,
        )
        self._adopt(
            *open_sync_client(
                base_url=self._core.base_url,
                timeout=timeout,
                transport=transport,
                http_client=http_client,
            )
        )
        self._core.api.set_httpx_client(self._http)
        self._nonce_lock = threading.Lock()
        self._core.base_url = str(self._http.base_url).rstrip("/")  # a given client's wins
        self._sleep = sleep

    nonce = blocking(ReddioFlows.nonce)
    vault_ids = blocking(ReddioFlows.vault_ids)
    contract_info = blocking(ReddioFlows.contract_info)
    get_record = blocking(ReddioFlows.get_record)
    record_by_signature = blocking(ReddioFlows.record_by_signature)
    withdrawal_status = blocking(ReddioFlows.withdrawal_status)
    wait_for_record = blocking(ReddioFlows.wait_for_record)
    withdraw = blocking(ReddioFlows.withdraw)
    withdraw_to = blocking(ReddioFlows.withdraw_to)
    submit_withdrawal_to = blocking(ReddioFlows.submit_withdrawal_to)

    def _perform(self, step: Call | Exclusive) -> Any:
        if isinstance(step, Exclusive):
            with self._nonce_lock:
                return self._run(step.flow)
        if step.safe:
            return send_with_retries(
                lambda: self._send(step), self._core._policy, what=step.what, sleep=self._sleep
            )
        try:
            return self._send(step)
        except httpx.TransportError as exc:
            return Lost(exc)

    def _send(self, call: Call) -> Answer:
        return _answer(
            call_generated(
                call.api.sync_detailed, _unparsed_answer, client=self._core.api, **call.kwargs
            )
        )


class AsyncReddioClient(_Reddio, AsyncShell[ReddioFlows]):
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
        self._core = ReddioFlows(
            base_url,
            network=network,
            stark_private_key=stark_private_key,
            max_retries=max_retries,
            clock=clock,
        )
        self._adopt(
            *open_async_client(
                base_url=self._core.base_url,
                timeout=timeout,
                transport=transport,
                http_client=http_client,
            )
        )
        self._core.api.set_async_httpx_client(self._http)
        self._nonce_lock = asyncio.Lock()
        self._core.base_url = str(self._http.base_url).rstrip("/")  # a given client's wins
        self._sleep = sleep

    nonce = awaitable(ReddioFlows.nonce)
    vault_ids = awaitable(ReddioFlows.vault_ids)
    contract_info = awaitable(ReddioFlows.contract_info)
    get_record = awaitable(ReddioFlows.get_record)
    record_by_signature = awaitable(ReddioFlows.record_by_signature)
    withdrawal_status = awaitable(ReddioFlows.withdrawal_status)
    wait_for_record = awaitable(ReddioFlows.wait_for_record)
    withdraw = awaitable(ReddioFlows.withdraw)
    withdraw_to = awaitable(ReddioFlows.withdraw_to)
    submit_withdrawal_to = awaitable(ReddioFlows.submit_withdrawal_to)

    async def _perform(self, step: Call | Exclusive) -> Any:
        if isinstance(step, Exclusive):
            async with self._nonce_lock:
                return await self._run(step.flow)
        if step.safe:
            return await asend_with_retries(
                lambda: self._send(step), self._core._policy, what=step.what, sleep=self._sleep
            )
        try:
            return await self._send(step)
        except httpx.TransportError as exc:
            return Lost(exc)

    async def _send(self, call: Call) -> Answer:
        return _answer(
            await acall_generated(
                call.api.asyncio_detailed, _unparsed_answer, client=self._core.api, **call.kwargs
            )
        )
