"""Arithmetic on the STARK curve y² = x³ + a·x + β over F_p (a = ALPHA = 1), in pure Python.

Points are affine tuples ``(x, y)`` or Jacobian tuples ``(X, Y, Z)`` standing for
``(X/Z², Y/Z³)``, with ``Z == 0`` for the point at infinity. The hot paths add precomputed
affine points into a Jacobian accumulator (a "mixed" addition needs no inversion); tables of
precomputed points are normalised to affine with one inversion per batch (Montgomery's trick)
and built on first use, so importing this module costs nothing.

None of this is constant-time: Python integers leak timing. That is acceptable for a client
that signs its own messages on its own machine, and not meant for anything else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

P = FIELD_PRIME = 2**251 + 17 * 2**192 + 1  # field prime
N = EC_ORDER = 0x800000000000010FFFFFFFFFFFFFFFFB781126DCAE7B2321E66A241ADC64D2F  # order of G
ALPHA = 1
BETA = 0x6F21413EFBE40DE150E596D72F7A8C5609AD26C15C915C1F4CDFCB99CEE9E89
G = (
    0x1EF15C18599971B7BECED415A40F0C7DEACFD9B0D1819E03D723D8BC943CFCA,
    0x5668060AA49730B7BE4801DF46EC62DE53ECD11ABE43A32873000C36E8DC1F,
)

Affine = tuple[int, int]
Jacobian = tuple[int, int, int]
Table = list[Affine]  # table[v] = v·B for one window; table[0] is an unused placeholder

INFINITY: Jacobian = (0, 1, 0)

T = TypeVar("T")


def curve_rhs(x: int) -> int:
    """x³ + a·x + β mod p: y² for a point with this x."""
    return (x * x * x + ALPHA * x + BETA) % P


def jacobi(a: int, n: int = P) -> int:
    """The Jacobi symbol (a/n) for odd n > 0; for a prime n: 1 on squares, -1 else, 0 on 0.

    Quadratic reciprocity in a loop: about three times faster in Python than Euler's
    criterion pow(a, (n-1)/2, n).
    """
    a %= n
    result = 1
    while a:
        twos = (a & -a).bit_length() - 1
        if twos:
            a >>= twos
            if twos & 1 and n & 7 in (3, 5):
                result = -result
        if a & n & 3 == 3:
            result = -result
        a, n = n % a, a
    return result if n == 1 else 0


def x_is_on_curve(x: int) -> bool:
    """Whether some point of the curve has this x (x³ + a·x + β must be a square)."""
    return jacobi(curve_rhs(x)) >= 0


def affine_add(a: Affine | None, b: Affine | None, alpha: int = ALPHA) -> Affine | None:
    """a + b in affine coordinates (None is infinity); slow, used off the hot paths."""
    if a is None:
        return b
    if b is None:
        return a
    (x1, y1), (x2, y2) = a, b
    if x1 == x2:
        if (y1 + y2) % P == 0:
            return None
        lam = (3 * x1 * x1 + alpha) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P


def to_affine(point: Jacobian) -> Affine | None:
    X, Y, Z = point
    if Z % P == 0:
        return None
    z_inv = pow(Z, -1, P)
    zz_inv = z_inv * z_inv % P
    return X * zz_inv % P, Y * zz_inv % P * z_inv % P


def jacobian_x(point: Jacobian) -> int | None:
    """The affine x of a Jacobian point (None for infinity): one inversion."""
    X, _, Z = point
    if Z % P == 0:
        return None
    z_inv = pow(Z, -1, P)
    return X * z_inv % P * z_inv % P


def _add_slow(acc: Jacobian, point: Affine, alpha: int) -> Jacobian:
    """acc + point through affine coordinates: the rare cases (doubling, opposite points)."""
    total = affine_add(to_affine(acc), point, alpha)
    return INFINITY if total is None else (total[0], total[1], 1)


def sum_points(
    points: Iterable[Affine], alpha: int = ALPHA, start: Jacobian = INFINITY
) -> Jacobian:
    """start + the sum of affine points, accumulated in Jacobian coordinates (mixed additions)."""
    X, Y, Z = start
    for x2, y2 in points:
        if not Z:
            X, Y, Z = x2, y2, 1
            continue
        ZZ = Z * Z % P
        H = (x2 * ZZ - X) % P
        R = (y2 * ZZ % P * Z - Y) % P
        if not H:  # same x: a doubling or a cancellation, never met by honest inputs
            X, Y, Z = _add_slow((X, Y, Z), (x2, y2), alpha)
            continue
        HH = H * H % P
        HHH = H * HH % P
        V = X * HH % P
        X = (R * R - HHH - 2 * V) % P
        Y = (R * (V - X) - Y * HHH) % P
        Z = Z * H % P
    return X, Y, Z


def batch_inverse(values: Sequence[int], modulus: int = P) -> list[int]:
    """Inverses of nonzero values with a single modular inversion (Montgomery's trick)."""
    prefix = []
    acc = 1
    for value in values:
        prefix.append(acc)
        acc = acc * value % modulus
    inv = pow(acc, -1, modulus)
    result = [0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        result[i] = prefix[i] * inv % modulus
        inv = inv * values[i] % modulus
    return result


def doublings(point: Affine, count: int) -> list[Affine]:
    """[point, 2·point, 4·point, ...], ``count`` points."""
    result = [point]
    for _ in range(count - 1):
        doubled = affine_add(result[-1], result[-1])
        assert doubled is not None  # points of odd prime order never double to infinity
        result.append(doubled)
    return result


class WindowTables:
    """Multiples of a fixed point B for a windowed multiplication without doublings.

    ``bit_points[i]`` is the point for bit i (2^i·B; any points work, one per bit). Table k
    holds the sums for every value v of the bits of window k (``width`` bits; the last window
    may be narrower), so a scalar's multiple is one addition per nonzero window. Entries are
    built level by level (v = 2^b + u from u), each level of every window sharing one
    inversion.
    """

    def __init__(self, bit_points: Sequence[Affine], width: int) -> None:
        self.width = width
        self.mask = (1 << width) - 1
        windows = [bit_points[i : i + width] for i in range(0, len(bit_points), width)]
        self.shifts = range(0, len(bit_points), width)
        self.tables: list[Table] = [[(0, 0)] * (1 << len(bases)) for bases in windows]
        for bit in range(width):
            top = 1 << bit
            jobs: list[tuple[Table, int, Affine, Affine]] = []
            for table, bases in zip(self.tables, windows, strict=True):
                if bit < len(bases):
                    table[top] = bases[bit]
                    jobs.extend((table, top + u, table[u], bases[bit]) for u in range(1, top))
            if not jobs:
                continue
            inverses = batch_inverse([(p2[0] - p1[0]) % P for _, _, p1, p2 in jobs])
            for (table, index, (x1, y1), (x2, y2)), inv in zip(jobs, inverses, strict=True):
                lam = (y2 - y1) * inv % P
                x3 = (lam * lam - x1 - x2) % P
                table[index] = (x3, (lam * (x1 - x3) - y1) % P)

    def points(self, scalar: int) -> list[Affine]:
        """The table entries whose sum is the scalar's multiple (scalar < 2^len(bit_points))."""
        if self.width == 8:  # bytes are the windows: the fastest split
            digits: Iterable[int] = scalar.to_bytes(len(self.tables), "little")
        else:
            mask = self.mask
            digits = [scalar >> shift & mask for shift in self.shifts]
        return [table[d] for table, d in zip(self.tables, digits, strict=True) if d]


class Lazy(Generic[T]):
    """A value built on first use, once, even when several threads ask at the same time."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
                value = self._value
        return value


G_TABLES: Lazy[WindowTables] = Lazy(lambda: WindowTables(doublings(G, 252), 8))


def mul_g(scalar: int) -> Jacobian:
    """scalar·G for 0 <= scalar < 2^252, from the precomputed tables of G."""
    return sum_points(G_TABLES.get().points(scalar))


def normalize(points: Sequence[Jacobian]) -> list[Affine]:
    """Affine forms of finite Jacobian points, with one inversion for all of them."""
    inverses = batch_inverse([Z for _, _, Z in points])
    result = []
    for (X, Y, _), z_inv in zip(points, inverses, strict=True):
        zz_inv = z_inv * z_inv % P
        result.append((X * zz_inv % P, Y * zz_inv % P * z_inv % P))
    return result


def multiply(point: Affine, scalar: int, alpha: int = ALPHA) -> Jacobian:
    """scalar·point, 0 < scalar < n, on y² = x³ + alpha·x + (any β), for a point of order n.

    Width-5 NAF: the odd multiples 1..15 of the point, then one doubling per bit and a mixed
    addition for each nonzero digit (about one bit in six).
    """
    twice = affine_add(point, point, alpha)
    assert twice is not None  # only a point of order 2 doubles to infinity
    odd: list[Jacobian] = [(point[0], point[1], 1)]
    for _ in range(7):
        odd.append(sum_points((twice,), alpha, odd[-1]))
    multiples = normalize(odd)

    digits = []
    while scalar:
        digit = 0
        if scalar & 1:
            digit = scalar & 31
            if digit >= 16:
                digit -= 32
            scalar -= digit
        digits.append(digit)
        scalar >>= 1

    top = digits.pop()  # the leading digit is positive
    X, Y = multiples[top >> 1]
    Z = 1
    for digit in reversed(digits):
        # Doubling (dbl-2007-bl without the a = -3 shortcut).
        YY = Y * Y % P
        ZZ = Z * Z % P
        S = 4 * X * YY % P
        M = (3 * X * X + alpha * ZZ * ZZ) % P
        Z = 2 * Y * Z % P
        X = (M * M - 2 * S) % P
        Y = (M * (S - X) - 8 * YY * YY) % P
        if digit:
            x2, y2 = multiples[abs(digit) >> 1]
            if digit < 0:
                y2 = P - y2
            X, Y, Z = sum_points(((x2, y2),), alpha, (X, Y, Z))
    return X, Y, Z
