"""Exact conversions between human amounts (Decimal) and quantized integers.

A token amount on StarkEx is an integer count of quanta: quantized = amount · 10^decimals /
quantum. Every conversion here is exact: floats are refused (0.1 is not 1/10), and an amount
that is not a whole number of quanta is an error, never a silent truncation.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .errors import InvalidInput

QUANTIZED_BOUND = 2**63  # StarkEx amounts are 63-bit
MAX_DECIMALS = 255  # ERC20 decimals is a uint8
_UINT256 = 2**256
_SIZE_LIMIT = 400  # digits and |exponent|: far beyond any token, small enough to stay cheap
# ASCII digits only (\d would take Arabic-Indic or full-width ones); no surrounding spaces.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def to_decimal(value: object, field: str) -> Decimal:
    """An exact Decimal from a Decimal, an int or a decimal string ("5.67", "1e-6").

    Floats, bools, NaN, infinities, absurdly long numbers, magnitudes of 2^256 or more (no
    token holds that many; an ERC20 balance is a uint256), text with spaces or non-ASCII digits
    and anything else are refused with InvalidInput.
    """
    if isinstance(value, (bool, float)):
        raise InvalidInput(
            field, f"must be a Decimal, int or decimal string, not {type(value).__name__}"
        )
    if isinstance(value, int):
        if not -_UINT256 < value < _UINT256:
            raise InvalidInput(field, "is too large: its magnitude must be below 2^256")
        return Decimal(value)
    if isinstance(value, str):
        if _DECIMAL_TEXT.fullmatch(value) is None:
            raise InvalidInput(
                field, "must be a decimal number such as 5.67 (ASCII digits, no spaces)"
            )
        value = Decimal(value)
    if not isinstance(value, Decimal):
        raise InvalidInput(
            field, f"must be a Decimal, int or decimal string, not {type(value).__name__}"
        )
    if not value.is_finite():
        raise InvalidInput(field, "must be a finite number")
    _, digits, exponent = value.as_tuple()
    if len(digits) > _SIZE_LIMIT or abs(int(exponent)) > _SIZE_LIMIT:
        raise InvalidInput(field, f"must have at most {_SIZE_LIMIT} digits and exponent")
    if abs(value) >= _UINT256:
        raise InvalidInput(field, "is too large: its magnitude must be below 2^256")
    return value


def _scale(decimals: object, quantum: object) -> tuple[int, int]:
    if isinstance(decimals, bool) or not isinstance(decimals, int):
        raise InvalidInput("decimals", f"must be an int, not {type(decimals).__name__}")
    if not 0 <= decimals <= MAX_DECIMALS:
        raise InvalidInput("decimals", f"must be in [0, {MAX_DECIMALS}]")
    if isinstance(quantum, bool) or not isinstance(quantum, int):
        raise InvalidInput("quantum", f"must be an int, not {type(quantum).__name__}")
    if not 1 <= quantum < _UINT256:
        raise InvalidInput("quantum", "must be in [1, 2^256)")
    return decimals, quantum


def quantize(amount: object, decimals: int, quantum: int, *, field: str = "amount") -> int:
    """The quantized integer of a positive human amount, e.g. quantize("5.67", 18, 10**12).

    Raises InvalidInput (naming ``field``) for floats, non-positive amounts, amounts that are
    not a whole number of quanta, and results of 2^63 or more.
    """
    value = to_decimal(amount, field)
    decimals, quantum = _scale(decimals, quantum)
    if value <= 0:
        raise InvalidInput(field, "must be greater than 0")
    numerator, denominator = value.as_integer_ratio()
    scale: int = 10**decimals
    quantized, remainder = divmod(numerator * scale, denominator * quantum)
    if remainder:
        raise InvalidInput(field, f"must be a whole number of quanta (10^-{decimals} * {quantum})")
    if quantized >= QUANTIZED_BOUND:
        raise InvalidInput(field, "is too large: its quantized value must be below 2^63")
    return quantized


def dequantize(quantized: object, decimals: int, quantum: int, *, field: str = "amount") -> Decimal:
    """The exact human amount of a quantized integer in [0, 2^63)."""
    if isinstance(quantized, bool) or not isinstance(quantized, int):
        raise InvalidInput(field, f"must be an int, not {type(quantized).__name__}")
    if not 0 <= quantized < QUANTIZED_BOUND:
        raise InvalidInput(field, "must be in [0, 2^63)")
    decimals, quantum = _scale(decimals, quantum)
    return Decimal(f"{quantized * quantum}e-{decimals}")


def format_decimal(value: Decimal) -> str:
    """A plain decimal string: no exponent, no trailing fractional zeros ("5.67", "100")."""
    number = to_decimal(value, "value")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
