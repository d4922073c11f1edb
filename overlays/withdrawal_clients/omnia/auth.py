"""Bearer JWT authentication for Omnia, renewed once when Omnia says the token is bad.

The driver (:mod:`withdrawal_clients._core.driver`) adds the token to each request of the
client's own (never to a shared httpx client's other requests) and, when :meth:`refresh_due`
says so, asks for a new token once and repeats the request: Omnia did not process it.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable

from .. import errors
from .._core.answers import read_json
from .._core.secret import Secret, unwrap
from .._core.steps import Answer
from .plans import error_fields

TokenProvider = Callable[[], str | Awaitable[str]]
# Visible ASCII, no spaces: what an HTTP header carries as is (a JWT is base64url and dots).
_TOKEN = re.compile(r"[!-~]+")
_TOKEN_RULE = "must be a non-empty string of visible ASCII characters (a JWT), without spaces"


def token_rejected(answer: Answer) -> bool:
    """A 401 that a fresh token may cure: ``INVALID_JWT_TOKEN``, or one with no code at all."""
    if answer.status_code != 401:
        return False
    try:
        code, _ = error_fields(read_json(answer, "401"))
    except errors.MalformedResponse:
        code = None
    return code in (None, "INVALID_JWT_TOKEN")


def _usable(token: Secret[object], field: str) -> Secret[str]:
    """The token, if it is one, as a Secret[str]; InvalidInput naming ``field`` otherwise."""

    def check(raw: object) -> Secret[str]:
        if not isinstance(raw, str) or not _TOKEN.fullmatch(raw):
            raise errors.InvalidInput(field, _TOKEN_RULE)
        return Secret(raw)

    return unwrap(token, check, field, _TOKEN_RULE)


class BearerAuth:
    """A JWT given once (``token``) or asked of ``provider`` when needed; kept in a Secret.

    Implements the driver's ``Bearer`` protocol.
    """

    def __init__(self, token: Secret[object] | None, provider: object) -> None:
        if token is None and provider is None:
            raise errors.InvalidInput("token", "give a token or a token_provider")
        if provider is not None and not callable(provider):
            raise errors.InvalidInput("token_provider", "must be a function returning a JWT")
        self._token = None if token is None else _usable(token, "token")
        self._provider: Callable[[], object] | None = provider

    def current(self) -> Secret[str] | None:
        return self._token

    def refresh_due(self, answer: Answer) -> bool:
        return self._provider is not None and token_rejected(answer)

    def _provided(self) -> Secret[object]:
        """The provider's answer, wrapped at once; its failure as an AuthError."""
        assert self._provider is not None
        try:
            return Secret(self._provider())
        except Exception as exc:
            failure = _provider_failed(exc)
        raise failure  # outside the except block: without the provider's frames

    def _keep(self, token: Secret[object]) -> Secret[str]:
        try:
            self._token = _usable(token, "token_provider")
        except errors.InvalidInput as exc:  # unwrap's error holds no frame with the token
            raise errors.AuthError(f"token_provider returned no usable token: {exc.rule}") from None
        return self._token

    def fetch(self) -> Secret[str]:
        token = self._provided()
        pending = _pending(token)
        if pending is not None:
            close = getattr(pending, "close", None)
            if close is not None:
                close()  # a coroutine we will not await must not warn "never awaited"
            raise errors.InvalidInput(
                "token_provider", "returns an awaitable: use AsyncOmniaClient"
            )
        return self._keep(token)

    async def afetch(self) -> Secret[str]:
        token = self._provided()
        pending = _pending(token)
        if pending is not None:
            token = await _awaited(pending)
        return self._keep(token)


def _pending(token: Secret[object]) -> Awaitable[object] | None:
    """The awaitable a provider returned instead of a token, if it did (never the token)."""
    value = token.reveal()
    return value if inspect.isawaitable(value) else None


def _provider_failed(exc: Exception) -> errors.AuthError:
    return errors.AuthError(f"token_provider failed: {type(exc).__name__}")


async def _awaited(pending: Awaitable[object]) -> Secret[object]:
    try:
        return Secret(await pending)
    except Exception as exc:
        failure = _provider_failed(exc)
    raise failure
