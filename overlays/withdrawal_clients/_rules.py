"""Rules both clients apply to what a caller gives, each written once.

Pure functions without I/O; each raises :class:`InvalidInput` naming the field and the rule,
never quoting the value.
"""

from __future__ import annotations

import re

from .errors import InvalidInput

__all__ = ["decimal_int"]

# ASCII digits only: Python's int() and \d also take Arabic-Indic or full-width digits.
_DIGITS = re.compile(r"[0-9]+")


def decimal_int(text: str, field: str, *, below: int, type_rule: str, range_rule: str) -> int:
    """The int an ASCII decimal string spells (no sign, no spaces), checked to be below ``below``.

    The length is checked before converting, so an absurdly long string is refused with
    InvalidInput rather than Python's ValueError about its int digit limit.
    """
    if _DIGITS.fullmatch(text) is None:
        raise InvalidInput(field, type_rule)
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(below)):
        raise InvalidInput(field, range_rule)
    number = int(significant)
    if number >= below:
        raise InvalidInput(field, range_rule)
    return number
