"""Rules both clients apply to what a caller gives, each written once.

Pure functions without I/O; each raises :class:`InvalidInput` naming the field and the rule,
never quoting the value.
"""

from __future__ import annotations

import re

from Crypto.Hash import keccak

from ..errors import InvalidInput

__all__ = ["decimal_int", "eip55", "eth_address"]

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


_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def eip55(address: str) -> str:
    """The EIP-55 mixed-case checksum spelling of a 0x address."""
    digits = address[2:].lower()
    hashed = keccak.new(digest_bits=256, data=digits.encode()).hexdigest()
    return "0x" + "".join(
        c.upper() if int(h, 16) >= 8 else c for c, h in zip(digits, hashed[:40], strict=True)
    )


def eth_address(value: object, field: str) -> str:
    """An Ethereum address as given: 0x and 40 hex digits; a mixed-case spelling must pass its
    EIP-55 checksum (all lower or all upper case carries no checksum)."""
    if not isinstance(value, str) or not _ADDRESS.fullmatch(value):
        raise InvalidInput(field, "must be an Ethereum address: 0x followed by 40 hex digits")
    digits = value[2:]
    if digits not in (digits.lower(), digits.upper()) and value != eip55(value):
        raise InvalidInput(field, "fails its EIP-55 checksum (a typo?)")
    return value
