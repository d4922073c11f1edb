"""StarkWare's Pedersen hash of two field elements.

H(x, y) = x-coordinate of  S + Σ bit_i(x)·P[2+i] + Σ bit_i(y)·P[254+i]  (i < 252), with the
constant points of StarkWare's ``pedersen_params.json``. Those points are doublings of four
bases: P[2+i] = 2^i·A1 for i < 248 and P[250+j] = 2^j·B1 for j < 4 (likewise A2, B2 for y),
so only the bases are written here; the tests check the derived points against the file.
"""

from __future__ import annotations

from . import _fast
from ._checks import in_range
from .curve import Affine, Lazy, P, WindowTables, doublings, jacobian_x, sum_points

SHIFT_POINT = (
    0x49EE3EBA8C1600700EE1B87EB599F16716B0B1022947733551FDE4050CA6804,
    0x3CA0CFE4B3BC6DDF346D49D06EA0ED34E621062C0E056C1D0405D266E10268A,
)
# Bases of the low 248 bits and of the high 4 bits of each input (P[2], P[250], P[254], P[502]).
_BASES = (
    (
        (
            0x234287DCBAFFE7F969C748655FCA9E58FA8120B6D56EB0C1080D17957EBE47B,
            0x3B056F100F96FB21E889527D41F4E39940135DD7A6C94CC6ED0268EE89E5615,
        ),
        (
            0x4FA56F376C83DB33F9DAB2656558F3399099EC1DE5E3018B7A6932DBA8AA378,
            0x3FA0984C931C9E38113E0C0E47E4401562761F92A7A23B45168F4E80FF5B54D,
        ),
    ),
    (
        (
            0x4BA4CC166BE8DEC764910F75B45F74B40C690C74709E90F3AA372F0BD2D6997,
            0x40301CF5C1751F4B971E46C4EDE85FCAC5C59A5CE5AE7C48151F27B24B219C,
        ),
        (
            0x54302DCB0E6CC1C6E44CCA8F61A63BB2CA65048D53FB325D36FF12C49A58202,
            0x1B77B3E37D13504B348046268D8AE25CE98AD783C25561A879DCC77E99C2426,
        ),
    ),
)
LOW_BITS = 248
HIGH_BITS = 4


def constant_points() -> list[Affine]:
    """P[0], P[2..505] as in StarkWare's parameters (P[1], the generator, is left out)."""
    points = [SHIFT_POINT]
    for low, high in _BASES:
        points += doublings(low, LOW_BITS) + doublings(high, HIGH_BITS)
    return points


# 10-bit windows: 26 additions per input instead of 32 with bytes, for tables of 2 x 25,600
# points (about 10 MB, 0.2 s to build on first use).
WINDOW_BITS = 10


def _build_tables() -> tuple[WindowTables, WindowTables]:
    bits = constant_points()[1:]
    half = LOW_BITS + HIGH_BITS  # the 252 points of each input
    return WindowTables(bits[:half], WINDOW_BITS), WindowTables(bits[half:], WINDOW_BITS)


TABLES: Lazy[tuple[WindowTables, WindowTables]] = Lazy(_build_tables)


def pedersen_pure(x: int, y: int) -> int:
    """The hash by table lookups: at most 52 mixed additions (x, y already in [0, p))."""
    tables_x, tables_y = TABLES.get()
    points = [SHIFT_POINT, *tables_x.points(x), *tables_y.points(y)]
    result = jacobian_x(sum_points(points))
    assert result is not None  # reaching infinity would need a discrete logarithm
    return result


def pedersen_hash(x: int, y: int) -> int:
    """StarkWare's Pedersen hash of two field elements x, y in [0, p)."""
    x = in_range(x, "x", 0, P, "in [0, p), p the STARK field prime")
    y = in_range(y, "y", 0, P, "in [0, p), p the STARK field prime")
    module = _fast.fast_module()
    if module is not None:
        return _fast.pedersen(module, x, y)
    return pedersen_pure(x, y)
