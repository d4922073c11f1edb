"""Keeping secrets out of every text: repr, str, logs, messages, pickles and tracebacks.

A traceback formatted with its frames' locals (``traceback.TracebackException(...,
capture_locals=True)``, or an error tracker) shows every local of every frame it passes through.
So a function that receives a secret wraps it in a :class:`Secret` on its first line
(:func:`conceal`) and drops the raw value; a check that must look at the raw value runs through
:func:`unwrap`, whose failures are raised again from a frame that never held it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ..errors import InvalidInput

T = TypeVar("T")
R = TypeVar("R")
# Per process, so equal secrets hash alike here and their hashes mean nothing elsewhere.
_HASH_KEY = secrets.token_bytes(32)


class Secret(Generic[T]):
    """Holds a secret value; ``reveal()`` is the only way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: T) -> None:
        self._value = value

    def reveal(self) -> T:
        return self._value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        # hash(int) is the value mod 2^61-1: a hash must reveal nothing of the secret.
        return hash(hashlib.blake2b(repr(self._value).encode(), key=_HASH_KEY).digest())

    def __reduce__(self) -> str | tuple[object, ...]:  # keep secrets out of pickles too
        raise TypeError("Secret values cannot be pickled")


def conceal(value: object) -> Secret[Any] | None:
    """``value`` in a Secret (a Secret as is, None as None). Never raises: call it on the
    first line that receives a secret, then ``del`` the raw name."""
    if value is None or isinstance(value, Secret):
        return value
    return Secret(value)


def unwrap(secret: Secret[Any], check: Callable[[Any], R], field: str, rule: str) -> R:
    """``check(secret.reveal())``, raising only from here: an InvalidInput it raises is raised
    again without its traceback (whose frames hold the raw value), and anything else it raises
    (a library's own error, whose message may quote the value) becomes InvalidInput(field,
    rule)."""
    try:
        return check(secret.reveal())
    except InvalidInput as exc:
        failure = InvalidInput(exc.field, exc.rule)
    except Exception:
        failure = InvalidInput(field, rule)
    raise failure  # outside the except block: no context, no frame below this one


class SafeRepr:
    """A repr that never fails (on a half-built object it shows no fields) and shows only what
    :meth:`_shown` returns, never a secret."""

    def _shown(self) -> dict[str, object]:
        return {}

    def __repr__(self) -> str:
        try:
            shown = self._shown()
        except Exception:  # a half-built object: a repr must never fail
            shown = {}
        fields = ", ".join(f"{name}={value!r}" for name, value in shown.items())
        return f"{type(self).__name__}({fields})"
