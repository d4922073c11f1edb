"""Bearer JWT authentication for Omnia, refreshed once when Omnia says the token is bad."""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator

import httpx

from .. import errors
from .._core.answers import read_json
from .._core.secret import Secret
from .._core.steps import Answer
from .plans import error_fields

TokenProvider = Callable[[], str | Awaitable[str]]


def token_rejected(status: int, content: bytes) -> bool:
    """A 401 that a fresh token may cure: ``INVALID_JWT_TOKEN``, or one with no code at all."""
    if status != 401:
        return False
    try:
        code, _ = error_fields(read_json(Answer(status, httpx.Headers(), content), "401"))
    except errors.MalformedResponse:
        code = None
    return code in (None, "INVALID_JWT_TOKEN")


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer`` to the client's own requests (given per request, so a
    shared httpx client is never changed and its other requests never carry the token).

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

    @staticmethod
    def _usable(token: object, field: str) -> Secret[str]:
        if not isinstance(token, str) or not token or any(c.isspace() for c in token):
            raise errors.InvalidInput(field, "must be a non-empty JWT without spaces")
        return Secret(token)

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
            close = getattr(token, "close", None)
            if close is not None:
                close()  # a coroutine we will not await must not warn "never awaited"
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
        used = self._token or await self._afetch()
        response = yield self._signed(request, used)
        await response.aread()
        if self._refresh_due(response):
            stale = self._token == used or self._token is None
            fresh = await self._afetch() if stale else self._token
            assert fresh is not None
            yield self._signed(request, fresh)
