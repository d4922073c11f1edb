"""Argument checks shared by the STARK-curve modules.

Every public function checks its arguments here before any arithmetic. Messages name the
argument and the rule, never the value: some of the values are private keys.
"""

from __future__ import annotations

from .._core.secret import conceal, unwrap
from ..errors import InvalidInput
from .curve import N


def integer(value: object, field: str) -> int:
    """``value`` as an int; bool, float, str and the rest are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"must be an int, not {type(value).__name__}")
    return int(value)


def in_range(value: object, field: str, low: int, high: int, rule: str) -> int:
    """An int with ``low <= value < high``; ``rule`` describes the range in the message."""
    number = integer(value, field)
    if not low <= number < high:
        raise InvalidInput(field, f"must be {rule}")
    return number


def private_key(value: object, field: str = "private_key") -> int:
    """A STARK private key (an int or a ``Secret[int]``) in (0, n). Its error is raised from a
    frame that never held the raw value (see :func:`~.._core.secret.unwrap`)."""
    secret = conceal(value)
    del value
    rule = "in (0, n), n the STARK curve order"
    if secret is None:
        raise InvalidInput(field, f"must be an int {rule}")
    return unwrap(secret, lambda raw: in_range(raw, field, 1, N, rule), field, rule)
