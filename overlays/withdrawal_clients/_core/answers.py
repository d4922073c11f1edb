"""Reading an HTTP answer: its JSON, or the error of ours it stands for (both APIs)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from .. import errors
from .steps import Answer
from .transport import parse_retry_after

# What an error body says: (the API's code, its text); (None, None) when it says nothing.
ErrorReader = Callable[[object], tuple[int | str | None, str | None]]

MAX_DEPTH = 64  # no answer of either API nests beyond a few levels
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_KNOWN_STATUSES = frozenset(s.value for s in HTTPStatus)
_BY_STATUS: Mapping[int, type[errors.ApiError]] = {
    400: errors.BadRequest,
    401: errors.AuthError,
    403: errors.PermissionDenied,
    404: errors.NotFound,
    429: errors.RateLimited,
}


def _too_deep(content: bytes) -> bool:
    """Whether JSON nests deeper than MAX_DEPTH. json.loads recurses in C: under a high
    recursion limit (importing eth-account sets 100000) a deep body overflows the C stack."""
    if content.count(b"[") + content.count(b"{") <= MAX_DEPTH:
        return False
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", content)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > MAX_DEPTH:
            return True
    return False


def read_json(answer: Answer, what: str) -> Any:
    """The JSON of an answer; anything unreadable (an HTML page, a truncated or absurdly nested
    body, one too large to keep) is a MalformedResponse."""
    if not answer.complete:
        raise errors.MalformedResponse(
            f"{what}: response body is larger than any answer of this API",
            http_status=answer.status_code,
            body=answer.content[:200],
        )
    try:
        if _too_deep(answer.content):
            raise ValueError("nested too deeply")
        return json.loads(answer.content)
    except (UnicodeDecodeError, ValueError, RecursionError):
        snippet = answer.content[:200].decode("utf-8", "replace")
        raise errors.MalformedResponse(
            f"{what}: response body is not valid JSON: {snippet!r}",
            http_status=answer.status_code,
            body=answer.content,
        ) from None


def error_for_answer(
    answer: Answer,
    what: str,
    read: ErrorReader,
    *,
    by_code: Mapping[int | str, type[errors.ApiError]] | None = None,
) -> errors.ApiError:
    """The error a failed answer stands for, for either API.

    The API's own code wins when ``by_code`` knows it; otherwise the HTTP status decides, also
    when the body is not the API's JSON (a proxy's HTML page still means what its status says).
    ``read`` extracts (code, text) from a decoded body in the API's own shape.
    """
    status = answer.status_code
    try:
        code, text = read(read_json(answer, what))
    except errors.MalformedResponse:
        snippet = answer.content[:200].decode("utf-8", "replace")
        code, text = None, f"HTTP {status}, body is not JSON: {snippet!r}"
    phrase = HTTPStatus(status).phrase if status in _KNOWN_STATUSES else f"HTTP {status}"
    message = f"{what}: {text or phrase}"
    kind = (by_code or {}).get(code) if code is not None else None
    if kind is None:
        kind = errors.ServerError if status >= 500 else _BY_STATUS.get(status, errors.ApiError)
    fields: dict[str, Any] = {
        "code": code,
        "http_status": status,
        "body": answer.content,
        "headers": answer.headers,
        "method": answer.method,
        "path": answer.path,
    }
    if issubclass(kind, errors.RateLimited):
        fields["retry_after"] = parse_retry_after(answer.headers.get("retry-after"))
    return kind(message, **fields)
