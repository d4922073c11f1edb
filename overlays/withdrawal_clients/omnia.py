"""Omnia Exchange on-chain (DTW) withdrawals: :class:`OmniaClient` and :class:`AsyncOmniaClient`.

Both clients run the same plans (``_omnia_core.py``): validation, exactly-once requests, error
mapping and polling are written once; the clients only send what a plan asks for through the
generated ``omnia_client``, sleep, and hand the answers back. Example::

    with OmniaClient(token_provider=fetch_jwt) as omnia:
        withdrawal = omnia.request_withdrawal(
            order_source="ETHEREUM", token_address=USDC, amount="5.67", signer=signer
        )
        final = omnia.wait_for_withdrawal(withdrawal.instruction_id, timeout=600)
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import Any

import httpx
from omnia_client import AuthenticatedClient
from omnia_client.api.withdrawals import get_withdrawal, request_withdrawal

from . import errors
from ._omnia_core import (
    COMPLETED,
    ENVIRONMENTS,
    FAILURE_STATUSES,
    Get,
    NoAnswer,
    OmniaPlans,
    Post,
    Sign,
    Withdrawal,
    base_url_for,
    token_rejected,
    unreadable,
)
from ._secret import Secret
from ._shell import (
    PARSE_ERRORS,
    AsyncShell,
    SyncShell,
    acall_generated,
    awaitable,
    blocking,
    call_generated,
    last_response,
)
from ._transport import asend_with_retries, open_async_client, open_sync_client, send_with_retries

__all__ = [
    "COMPLETED",
    "ENVIRONMENTS",
    "FAILURE_STATUSES",
    "AsyncOmniaClient",
    "OmniaClient",
    "Withdrawal",
]

TokenProvider = Callable[[], str | Awaitable[str]]


class _BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer`` to requests under the API's base URL only.

    On a 401 that a new token may cure, asks ``token_provider`` once and repeats the request
    (Omnia did not process it). The token lives in a Secret and never reaches a message.
    """

    def __init__(self, token: str | Secret[str] | None, provider: TokenProvider | None) -> None:
        if token is None and provider is None:
            raise errors.InvalidInput("token", "give a token or a token_provider")
        if isinstance(token, str | Secret):
            token = self._usable(token.reveal() if isinstance(token, Secret) else token, "token")
        self._token: Secret[str] | None = token
        self._provider = provider
        self.base_url = httpx.URL()

    @staticmethod
    def _usable(token: object, field: str) -> Secret[str]:
        if not isinstance(token, str) or not token or any(c.isspace() for c in token):
            raise errors.InvalidInput(field, "must be a non-empty JWT without spaces")
        return Secret(token)

    def _covers(self, request: httpx.Request) -> bool:
        base = self.base_url
        return (request.url.scheme, request.url.host, request.url.port) == (
            base.scheme,
            base.host,
            base.port,
        ) and request.url.raw_path.startswith(base.raw_path)

    def _provided(self, token: object) -> Secret[str]:
        try:
            self._token = self._usable(token, "token_provider")
        except errors.InvalidInput:
            raise errors.AuthError("token_provider returned no usable token") from None
        return self._token

    def _call_provider(self) -> object:
        assert self._provider is not None
        try:
            return self._provider()
        except Exception as exc:
            raise errors.AuthError(f"token_provider failed: {type(exc).__name__}") from exc

    def _fetch(self) -> Secret[str]:
        token = self._call_provider()
        if inspect.isawaitable(token):
            _discard(token)
            raise errors.InvalidInput(
                "token_provider", "returns an awaitable: use AsyncOmniaClient"
            )
        return self._provided(token)

    async def _afetch(self) -> Secret[str]:
        token = self._call_provider()
        if inspect.isawaitable(token):
            try:
                token = await token
            except Exception as exc:
                raise errors.AuthError(f"token_provider failed: {type(exc).__name__}") from exc
        return self._provided(token)

    @staticmethod
    def _signed(request: httpx.Request, token: Secret[str]) -> httpx.Request:
        request.headers["Authorization"] = f"Bearer {token.reveal()}"
        return request

    def _refresh_due(self, response: httpx.Response) -> bool:
        return self._provider is not None and token_rejected(response.status_code, response.content)

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if not self._covers(request):
            yield request
            return
        used = self._token or self._fetch()
        response = yield self._signed(request, used)
        response.read()
        if self._refresh_due(response):
            # Another call may have refreshed the token meanwhile: then use that one.
            fresh = self._fetch() if self._token == used or self._token is None else self._token
            yield self._signed(request, fresh)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if not self._covers(request):
            yield request
            return
        used = self._token or await self._afetch()
        response = yield self._signed(request, used)
        await response.aread()
        if self._refresh_due(response):
            stale = self._token == used or self._token is None
            fresh = await self._afetch() if stale else self._token
            assert fresh is not None
            yield self._signed(request, fresh)


def _discard(awaitable: Awaitable[Any]) -> None:
    """Close a coroutine we will not await, so it does not warn 'never awaited'."""
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()


class _Omnia:
    """Set-up shared by both clients: settings, the bearer auth, the generated client."""

    _base_url: httpx.URL

    def _set_up(
        self, http: httpx.Client | httpx.AsyncClient, auth: _BearerAuth
    ) -> AuthenticatedClient:
        # The generated client only adds a token to httpx clients it builds itself.
        if http.auth is not None:
            raise errors.InvalidInput(
                "http_client", "must not carry its own auth: the Omnia client adds its bearer token"
            )
        auth.base_url = self._base_url = http.base_url
        http.auth = auth
        # token is a placeholder: _BearerAuth adds the real one, which would show in this repr.
        return AuthenticatedClient(base_url=str(http.base_url), token="")

    def _shown(self) -> dict[str, object]:
        return {"base_url": str(self._base_url)}


def _plans(max_retries: int, clock: Callable[[], float]) -> OmniaPlans:
    return OmniaPlans(
        max_retries=max_retries, clock=clock, wall_clock_ms=lambda: time.time_ns() // 1_000_000
    )


def _posted(exc: Exception, raw: httpx.Response | None) -> Any:
    return unreadable(exc, raw, post=True, what="request_withdrawal")


def _looked_up(exc: Exception) -> Any:
    return unreadable(exc, last_response(), post=False, what="get_withdrawal")


class OmniaClient(_Omnia, SyncShell[OmniaPlans]):
    """Blocking Omnia withdrawal client; a context manager that closes what it opened.

    ``token`` is a JWT; ``token_provider`` a callable returning one, asked again once when
    Omnia answers 401 ``INVALID_JWT_TOKEN``. ``base_url`` wins over ``environment`` ("demo" or
    "production"). ``transport`` or ``http_client`` replace the HTTP layer; a given
    ``http_client`` must not carry its own ``auth``: this client installs one that only touches
    requests under the base URL. ``sleep`` and ``clock`` (monotonic seconds) exist for tests.
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
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._core = _plans(max_retries, clock)
        self._sleep = sleep
        auth = _BearerAuth(token, token_provider)  # every argument is checked before opening
        http, owned = open_sync_client(
            base_url=base_url_for(base_url, environment),
            timeout=timeout,
            transport=transport,
            http_client=http_client,
        )
        self._api = self._set_up(http, auth).set_httpx_client(http)
        self._adopt(http, owned)

    request_withdrawal = blocking(OmniaPlans.request_withdrawal)
    get_withdrawal = blocking(OmniaPlans.get_withdrawal)
    wait_for_withdrawal = blocking(OmniaPlans.wait_for_withdrawal)

    def _perform(self, step: Post | Get | Sign) -> Any:
        if isinstance(step, Sign):
            signature = step.signer.sign_withdrawal(step.withdrawal)
            if inspect.isawaitable(signature):
                _discard(signature)
                raise errors.InvalidInput("signer", "returns an awaitable: use AsyncOmniaClient")
            return signature
        if isinstance(step, Post):
            try:
                send = request_withdrawal.sync_detailed
                return call_generated(send, _posted, client=self._api, body=step.body)
            except httpx.TransportError as exc:
                return NoAnswer.of(exc)
        try:
            return send_with_retries(
                functools.partial(
                    call_generated,
                    get_withdrawal.sync_detailed,
                    instruction_id=step.instruction_id,
                    client=self._api,
                ),
                self._core.policy,
                what="get_withdrawal",
                sleep=self._sleep,
            )
        except errors.WithdrawalClientError as exc:
            return exc
        except PARSE_ERRORS as exc:
            return _looked_up(exc)


class AsyncOmniaClient(_Omnia, AsyncShell[OmniaPlans]):
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
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._core = _plans(max_retries, clock)
        self._sleep = sleep
        auth = _BearerAuth(token, token_provider)  # every argument is checked before opening
        http, owned = open_async_client(
            base_url=base_url_for(base_url, environment),
            timeout=timeout,
            transport=transport,
            http_client=http_client,
        )
        self._api = self._set_up(http, auth).set_async_httpx_client(http)
        self._adopt(http, owned)

    request_withdrawal = awaitable(OmniaPlans.request_withdrawal)
    get_withdrawal = awaitable(OmniaPlans.get_withdrawal)
    wait_for_withdrawal = awaitable(OmniaPlans.wait_for_withdrawal)

    async def _perform(self, step: Post | Get | Sign) -> Any:
        if isinstance(step, Sign):
            signature = step.signer.sign_withdrawal(step.withdrawal)
            return await signature if inspect.isawaitable(signature) else signature
        if isinstance(step, Post):
            try:
                send = request_withdrawal.asyncio_detailed
                return await acall_generated(send, _posted, client=self._api, body=step.body)
            except httpx.TransportError as exc:
                return NoAnswer.of(exc)
        try:
            return await asend_with_retries(
                functools.partial(
                    acall_generated,
                    get_withdrawal.asyncio_detailed,
                    instruction_id=step.instruction_id,
                    client=self._api,
                ),
                self._core.policy,
                what="get_withdrawal",
                sleep=self._sleep,
            )
        except errors.WithdrawalClientError as exc:
            return exc
        except PARSE_ERRORS as exc:
            return _looked_up(exc)
