"""A wrapper that keeps secrets out of repr, str, logs and exception messages."""

from __future__ import annotations

import hashlib
import secrets
from typing import Generic, TypeVar

T = TypeVar("T")
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
