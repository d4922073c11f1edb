"""Omnia Exchange on-chain (DTW) withdrawals: :class:`OmniaClient` and :class:`AsyncOmniaClient`.

Both clients carry out the same plans (:mod:`.plans`); each method is one line that runs its
plan, sync or async. Example::

    with OmniaClient(token_provider=fetch_jwt) as omnia:
        withdrawal = omnia.request_withdrawal(
            order_source="ETHEREUM", token_address=USDC, amount="5.67", signer=signer
        )
        final = omnia.wait_for_withdrawal(withdrawal.instruction_id, timeout=600)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx

from .. import errors
from .._core.driver import AsyncClient, AsyncDriver, SyncClient, SyncDriver
from .._core.durable import Recovery
from .._core.secret import Secret, conceal
from .._core.transport import base_url_for
from .auth import BearerAuth, TokenProvider
from .inputs import default_url
from .plans import Amount, Deadline, OmniaPlans
from .results import Withdrawal
from .signers import WithdrawalSigner

if TYPE_CHECKING:
    from ..journal import Journal


def _plans(
    max_retries: int, clock: Callable[[], float], journal: object, base_url: str
) -> OmniaPlans:
    from ..reddio.client import _journal

    return OmniaPlans(
        max_retries=max_retries,
        clock=clock,
        wall_clock_ms=lambda: time.time_ns() // 1_000_000,
        journal=_journal(journal),
        scope=base_url,
    )


def _check_http_client(http_client: httpx.Client | httpx.AsyncClient | None) -> None:
    has_auth = isinstance(http_client, httpx.Client | httpx.AsyncClient) and http_client.auth
    if has_auth:
        raise errors.InvalidInput(
            "http_client", "must not carry its own auth: the Omnia client adds its bearer token"
        )


class _Omnia:
    _base_url: str
    _plans: OmniaPlans

    @property
    def base_url(self) -> str:
        """The API's base URL requests are joined to."""
        return self._base_url

    @property
    def journal(self) -> Journal | None:
        """The journal this client records its withdrawals in, if any."""
        return self._plans.journal

    def _shown(self) -> dict[str, object]:
        return {"base_url": self._base_url}


class OmniaClient(_Omnia, SyncClient):
    """Blocking Omnia withdrawal client; a context manager that closes what it opened.

    ``token`` is a JWT; ``token_provider`` a callable returning one, asked again once when
    Omnia answers 401 ``INVALID_JWT_TOKEN``. ``base_url`` wins over ``environment`` ("demo" or
    "production"). ``transport`` or ``http_client`` replace the HTTP layer; a given
    ``http_client`` is used as given and must not carry its own ``auth``: the token is added
    to this client's requests only. ``journal`` (``Journal.open(...)``) makes withdrawals
    durable (see ``request_withdrawal``). ``timeout`` bounds each network wait (default 30 s,
    connect 5 s); ``call_timeout`` bounds each method call as a whole, retries, pauses and slow
    answers included (default: ``(max_retries + 1) x timeout`` plus the backoff pauses; a
    wait_for_withdrawal adds its own ``timeout``). ``default_headers`` go on every request;
    :meth:`with_options` gives a copy with another timeout or retry count. ``sleep`` and
    ``clock`` (monotonic seconds) exist for tests.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        environment: str = "demo",
        token: str | Secret[str] | None = None,
        token_provider: Callable[[], str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 3,
        call_timeout: float | timedelta | None = None,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        journal: Journal | None = None,
    ) -> None:
        """Check every argument, then open (or adopt) the HTTP client."""
        secret = conceal(token)  # first: no frame below may hold the raw token
        del token
        auth = BearerAuth(secret, token_provider)
        self._base_url = base_url_for(base_url, http_client, default_url(environment))
        self._plans = _plans(max_retries, clock, journal, self._base_url)
        _check_http_client(http_client)
        self._driver = SyncDriver(
            base_url=self._base_url,
            policy=self._plans.policy,
            sleep=sleep,
            timeout=timeout,
            transport=transport,
            http_client=http_client,
            call_timeout=call_timeout,
            default_headers=default_headers,
            auth=auth,
        )

    def request_withdrawal(
        self,
        *,
        order_source: str,
        token_address: str,
        amount: Amount,
        signature: str | None = None,
        signer: WithdrawalSigner | None = None,
        instruction_id: str | None = None,
        deadline: Deadline | None = None,
        token_decimals: int | None = None,
        chain_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> Withdrawal:
        """Request a withdrawal from the DTW contract, exactly once; returns it as recorded.

        ``amount`` is in whole tokens (Decimal, int or decimal string; never a float).
        ``deadline`` is a timezone-aware datetime, a timedelta from now or epoch milliseconds
        (default: 5 minutes from now). ``instruction_id`` defaults to a new UUID4 and is the
        idempotency key. Give a ready ``signature`` or a ``signer``; ``token_decimals`` and
        ``chain_id`` only inform the signer. Raises InvalidInput, before anything is sent, when
        an input breaks a rule, and OutcomeUnknown when the request may have been recorded but
        that could not be checked (its message says how to find out).

        With a journal, ``idempotency_key`` is required and the instruction id is derived
        from it: the same key again, in any process, returns the same withdrawal and never
        makes a second one; the same key with other arguments raises IdempotencyConflict.
        """
        plan = self._plans.request_withdrawal(
            order_source=order_source,
            token_address=token_address,
            amount=amount,
            signature=signature,
            signer=signer,
            instruction_id=instruction_id,
            deadline=deadline,
            token_decimals=token_decimals,
            chain_id=chain_id,
            idempotency_key=idempotency_key,
        )
        return self._driver.run(plan)

    def get_withdrawal(self, instruction_id: str) -> Withdrawal:
        """The withdrawal recorded under ``instruction_id``; NotFound when there is none."""
        return self._driver.run(self._plans.get_withdrawal(instruction_id))

    def wait_for_withdrawal(
        self,
        instruction_id: str,
        *,
        timeout: float | timedelta = 600.0,
        poll_interval: float | timedelta = 5.0,
    ) -> Withdrawal:
        """Poll until the withdrawal is final: returns it when COMPLETED, raises
        WithdrawalRejected (with the reason) when it failed, and WaitTimeout (with
        ``last_seen``) when ``timeout`` runs out."""
        plan = self._plans.wait_for_withdrawal(
            instruction_id, timeout=timeout, poll_interval=poll_interval
        )
        return self._driver.run(plan)

    def recover(self) -> list[Recovery]:
        """Settle every withdrawal of this base URL that a crash left in flight in the journal:
        each recorded request is looked up by its instruction id and re-posted only where Omnia
        does not know it. Returns what became of each entry."""
        return self._driver.run(self._plans.recover())


class AsyncOmniaClient(_Omnia, AsyncClient):
    """The asyncio twin of :class:`OmniaClient`: the same arguments and methods, awaited.

    ``token_provider`` and signers may be sync or async; ``sleep`` is awaited.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        environment: str = "demo",
        token: str | Secret[str] | None = None,
        token_provider: TokenProvider | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 3,
        call_timeout: float | timedelta | None = None,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        journal: Journal | None = None,
    ) -> None:
        """Check every argument, then open (or adopt) the HTTP client."""
        secret = conceal(token)  # first: no frame below may hold the raw token
        del token
        auth = BearerAuth(secret, token_provider)
        self._base_url = base_url_for(base_url, http_client, default_url(environment))
        self._plans = _plans(max_retries, clock, journal, self._base_url)
        _check_http_client(http_client)
        self._driver = AsyncDriver(
            base_url=self._base_url,
            policy=self._plans.policy,
            sleep=sleep,
            timeout=timeout,
            transport=transport,
            http_client=http_client,
            call_timeout=call_timeout,
            default_headers=default_headers,
            auth=auth,
        )

    async def request_withdrawal(
        self,
        *,
        order_source: str,
        token_address: str,
        amount: Amount,
        signature: str | None = None,
        signer: WithdrawalSigner | None = None,
        instruction_id: str | None = None,
        deadline: Deadline | None = None,
        token_decimals: int | None = None,
        chain_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> Withdrawal:
        """Awaitable :meth:`OmniaClient.request_withdrawal`."""
        plan = self._plans.request_withdrawal(
            order_source=order_source,
            token_address=token_address,
            amount=amount,
            signature=signature,
            signer=signer,
            instruction_id=instruction_id,
            deadline=deadline,
            token_decimals=token_decimals,
            chain_id=chain_id,
            idempotency_key=idempotency_key,
        )
        return await self._driver.run(plan)

    async def get_withdrawal(self, instruction_id: str) -> Withdrawal:
        """Awaitable :meth:`OmniaClient.get_withdrawal`."""
        return await self._driver.run(self._plans.get_withdrawal(instruction_id))

    async def wait_for_withdrawal(
        self,
        instruction_id: str,
        *,
        timeout: float | timedelta = 600.0,  # noqa: ASYNC109  # a polling budget, as in the sync twin
        poll_interval: float | timedelta = 5.0,
    ) -> Withdrawal:
        """Awaitable :meth:`OmniaClient.wait_for_withdrawal`."""
        plan = self._plans.wait_for_withdrawal(
            instruction_id, timeout=timeout, poll_interval=poll_interval
        )
        return await self._driver.run(plan)

    async def recover(self) -> list[Recovery]:
        """Awaitable :meth:`OmniaClient.recover`."""
        return await self._driver.run(self._plans.recover())
