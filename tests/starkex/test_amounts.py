"""Exact amount conversions: Decimal/str/int in, integers out, nothing rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from withdrawal_clients.amounts import dequantize, format_decimal, quantize, to_decimal
from withdrawal_clients.errors import InvalidInput


@pytest.mark.parametrize(
    ("amount", "decimals", "quantum", "expected"),
    [
        ("5.67", 18, 10**12, 5_670_000),
        (Decimal("5.67"), 18, 10**12, 5_670_000),
        ("0.000001", 18, 10**12, 1),
        (1, 6, 1, 1_000_000),
        ("1e-6", 6, 1, 1),
        ("1E+2", 0, 1, 100),
        ("+3.50", 2, 1, 350),
        ("9.223372036854775807", 18, 1, 2**63 - 1),
    ],
)
def test_quantize(amount: object, decimals: int, quantum: int, expected: int) -> None:
    assert quantize(amount, decimals, quantum) == expected


@pytest.mark.parametrize(
    ("amount", "rule"),
    [
        (0.1, "not float"),
        (1.0, "not float"),
        (True, "not bool"),
        (None, "not NoneType"),
        ("0", "greater than 0"),
        (0, "greater than 0"),
        ("-1", "greater than 0"),
        (Decimal("-0.000001"), "greater than 0"),
        ("NaN", "decimal number"),
        ("inf", "decimal number"),
        (Decimal("NaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        ("1_000", "decimal number"),
        ("1,5", "decimal number"),
        ("0x10", "decimal number"),
        ("", "decimal number"),
        ("1e999999", "at most"),
        ("0." + "0" * 500 + "1", "at most"),
        ("0.0000001", "whole number of quanta"),  # 10^-7 with 6 decimals
        ("0.0000015", "whole number of quanta"),
        ("9.223372036854775808", "below 2^63"),
    ],
)
def test_quantize_refuses(amount: object, rule: str) -> None:
    with pytest.raises(InvalidInput) as info:
        quantize(amount, 6 if "quanta" in rule else 18, 1)
    assert info.value.field == "amount"
    assert rule in info.value.rule


def test_quantum_must_divide_exactly() -> None:
    assert quantize("0.000002", 18, 10**12) == 2
    with pytest.raises(InvalidInput, match="whole number of quanta"):
        quantize("0.0000015", 18, 10**12)  # 1.5 quanta: refused, never truncated to 1


def test_field_name_is_the_callers() -> None:
    with pytest.raises(InvalidInput) as info:
        quantize(0.5, 6, 1, field="fee_limit")
    assert info.value.field == "fee_limit"


@pytest.mark.parametrize(
    ("decimals", "quantum", "field"),
    [
        (-1, 1, "decimals"),
        (256, 1, "decimals"),
        (True, 1, "decimals"),
        (6.0, 1, "decimals"),
        (6, 0, "quantum"),
        (6, 2**256, "quantum"),
        (6, True, "quantum"),
        (6, "1", "quantum"),
    ],
)
def test_scale_arguments(decimals: object, quantum: object, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        quantize("1", decimals, quantum)  # type: ignore[arg-type]
    assert info.value.field == field
    with pytest.raises(InvalidInput):
        dequantize(1, decimals, quantum)  # type: ignore[arg-type]


def test_dequantize() -> None:
    assert dequantize(5_670_000, 18, 10**12) == Decimal("5.67")
    assert dequantize(0, 18, 10**12) == 0
    assert dequantize(2**63 - 1, 0, 1) == 2**63 - 1
    for bad in (-1, 2**63, True, 1.0, "1"):
        with pytest.raises(InvalidInput):
            dequantize(bad, 18, 1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("5.67"), "5.67"),
        (Decimal("5.6700"), "5.67"),
        (Decimal("100"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("1E-30"), "0.000000000000000000000000000001"),
        (Decimal("-0.000"), "0"),
        (Decimal("0E-18"), "0"),
        (Decimal("-2.50"), "-2.5"),
        (dequantize(1, 255, 1), "0." + "0" * 254 + "1"),
    ],
)
def test_format_decimal(value: Decimal, text: str) -> None:
    assert format_decimal(value) == text


def test_to_decimal() -> None:
    assert to_decimal("1.10", "x") == Decimal("1.10")
    assert to_decimal(3, "x") == 3
    for bad in (1.5, False, object(), b"1", "1.2.3"):
        with pytest.raises(InvalidInput) as info:
            to_decimal(bad, "price")
        assert info.value.field == "price"


@settings(max_examples=100, deadline=None)
@given(
    quantized=st.integers(1, 2**63 - 1),
    decimals=st.integers(0, 40),
    quantum=st.integers(1, 10**20),
)
def test_round_trips(quantized: int, decimals: int, quantum: int) -> None:
    amount = dequantize(quantized, decimals, quantum)
    assert quantize(amount, decimals, quantum) == quantized
    text = format_decimal(amount)
    assert "e" not in text.lower()
    assert Decimal(text) == amount
    assert quantize(text, decimals, quantum) == quantized
