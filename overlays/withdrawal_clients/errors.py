"""One exception hierarchy for both APIs.

Every error a caller can see derives from :class:`WithdrawalClientError`. Messages never carry
secrets (private keys, tokens): only field names, rules, codes and server text.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any


def _rebuilt(cls: type[WithdrawalClientError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


def _picklable(value: Any) -> Any:
    """``value`` itself when it pickles, else its text: an error must cross a process pool
    even when its cause (an httpx error holding a live request) cannot."""
    try:
        pickle.dumps(value)
    except Exception:
        return f"{type(value).__name__}: {value}"
    return value


class WithdrawalClientError(Exception):
    """Base class of every error raised by withdrawal_clients.

    Every subclass survives pickling with its attributes (keyword-only constructors defeat
    ``Exception``'s default, which replays only the positional message).
    """

    def __reduce__(self) -> tuple[Any, ...]:
        state = {name: _picklable(value) for name, value in self.__dict__.items()}
        return (_rebuilt, (type(self), self.args, state))


_REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-correlation-id",
    "cf-ray",
)


def _request_id(headers: Mapping[str, str]) -> str | None:
    lowered = {name.lower(): value for name, value in headers.items()}
    return next((lowered[h] for h in _REQUEST_ID_HEADERS if lowered.get(h)), None)


class InvalidInput(WithdrawalClientError, ValueError):
    """User input broke a rule; raised before anything is sent.

    ``field`` names the argument, ``rule`` says what it must satisfy.
    """

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}")


class IdempotencyConflict(InvalidInput):
    """An idempotency key was used before with different arguments; nothing was sent.

    ``fields`` names the arguments that differ.
    """

    def __init__(self, key: str, fields: list[str]) -> None:
        self.key = key
        self.fields = list(fields)
        super().__init__(
            "idempotency_key",
            f"was used before with other values of {', '.join(fields)}: "
            "use a new key for a new withdrawal",
        )


MAX_BODY = 64 * 1024  # bytes of an answer's body an error keeps


class MissingExtra(WithdrawalClientError, ImportError):
    """A feature needs an optional extra that is not installed; ``extra`` names it."""

    def __init__(self, feature: str, extra: str) -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(
            f"{feature} needs the [{extra}] extra: pip install 'withdrawal-clients[{extra}]'"
        )


class ApiError(WithdrawalClientError):
    """The API answered, and the answer is a failure.

    ``code`` is the API's own error code (Reddio's integer ``error_code`` or Omnia's string
    ``code``), ``message`` its text, ``http_status`` the HTTP status, ``body`` the raw body
    (at most 64 KiB), ``headers`` the answer's headers, ``request_id`` the server's id for the
    request when it sent one (``x-request-id`` and the like), ``method`` and ``path`` the
    request's.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | str | None = None,
        http_status: int | None = None,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.http_status = http_status
        self.body = body[:MAX_BODY] if body is not None else None
        self.headers = dict(headers or {})
        self.request_id = _request_id(self.headers)
        self.method = method
        self.path = path
        super().__init__(self._describe())

    def __repr__(self) -> str:
        shown = {
            "code": self.code,
            "http_status": self.http_status,
            "request_id": self.request_id,
            "method": self.method,
            "path": self.path,
        }
        fields = "".join(f", {k}={v!r}" for k, v in shown.items() if v is not None)
        return f"{type(self).__name__}({self.message!r}{fields})"

    @property
    def description(self) -> str:
        """Omnia calls the message ``description``; both names work."""
        return self.message

    def _describe(self) -> str:
        parts = [self.message or "API error"]
        if self.code is not None:
            parts.append(f"code={self.code}")
        if self.http_status is not None:
            parts.append(f"http_status={self.http_status}")
        return " ".join(parts)


class BadRequest(ApiError):
    """HTTP 400: the API refused the request as malformed or invalid."""


class AuthError(ApiError):
    """HTTP 401 (or an API key/token error): credentials missing, invalid or expired."""


class PermissionDenied(AuthError):
    """HTTP 403: the credentials are valid but not allowed to do this."""


class NotFound(ApiError):
    """HTTP 404: the resource does not exist."""


class RateLimited(ApiError):
    """HTTP 429 after retries were exhausted; ``retry_after`` is in seconds when the server said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(ApiError):
    """HTTP 5xx after retries were exhausted (only for requests that are safe to retry)."""


class MalformedResponse(ApiError):
    """The body is not what the API documents (not JSON, truncated, missing fields)."""


class TransportError(WithdrawalClientError):
    """The request did not get an HTTP answer (connection refused, reset, DNS...)."""


class Timeout(TransportError):
    """The request or a wait ran out of time."""


class WaitTimeout(Timeout):
    """A wait_for_* call ran out of time; ``last_seen`` is the last state observed."""

    def __init__(self, message: str, *, last_seen: Any = None) -> None:
        self.last_seen = last_seen
        super().__init__(message)


class OutcomeUnknown(WithdrawalClientError):
    """A write may or may not have taken effect, and it could not be found out safely.

    ``how_to_check`` tells the caller how to find out before trying again. ``request_body`` is
    the exact body that may have been applied (the signed withdrawalto, or the Omnia request
    with its instruction id): what is needed to look it up or to re-post that very body.
    """

    def __init__(
        self,
        message: str,
        *,
        how_to_check: str,
        cause: BaseException | None = None,
        request_body: Mapping[str, Any] | None = None,
    ):
        self.how_to_check = how_to_check
        self.cause = cause
        self.request_body = None if request_body is None else dict(request_body)
        super().__init__(f"{message}; {how_to_check}")


class WithdrawalRejected(WithdrawalClientError):
    """The API reports the withdrawal as finally failed; ``reason`` says why when known."""

    def __init__(self, message: str, *, reason: str | None = None, withdrawal: Any = None):
        self.reason = reason
        self.withdrawal = withdrawal
        super().__init__(message if reason is None else f"{message}: {reason}")
