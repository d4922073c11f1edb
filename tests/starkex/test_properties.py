"""Property tests: round trips, tampering, and the fast arithmetic against a plain reference.

The reference below is the textbook affine double-and-add, one inversion per operation: slow
and obviously right. Every table, Jacobian formula and shortcut of the library is checked
against it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from withdrawal_clients.errors import InvalidInput
from withdrawal_clients.starkex import pedersen_hash, private_to_stark_key, sign, verify
from withdrawal_clients.starkex.curve import (
    BETA,
    INFINITY,
    G,
    N,
    P,
    jacobi,
    mul_g,
    multiply,
    sum_points,
    to_affine,
)
from withdrawal_clients.starkex.ecdsa import verify_pure
from withdrawal_clients.starkex.pedersen import pedersen_pure

Point = tuple[int, int] | None
ECDSA_BOUND = 2**251

# Both backends share the fixture's state for all examples of a test.
SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def ref_add(a: Point, b: Point, alpha: int = 1) -> Point:
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        slope = (3 * a[0] ** 2 + alpha) * pow(2 * a[1], -1, P) % P
    else:
        slope = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (slope**2 - a[0] - b[0]) % P
    return x, (slope * (a[0] - x) - a[1]) % P


def ref_mul(point: Point, k: int, alpha: int = 1) -> Point:
    result: Point = None
    while k:
        if k & 1:
            result = ref_add(result, point, alpha)
        point = ref_add(point, point, alpha)
        k >>= 1
    return result


def ref_neg(point: Point) -> Point:
    return None if point is None else (point[0], -point[1] % P)


def ref_verify(z: int, r: int, s: int, public: Point) -> bool:
    """x(u1·G ± u2·Q) == r, with the full public key point."""
    w = pow(s, -1, N)
    a, b = ref_mul(G, z * w % N), ref_mul(public, r * w % N)
    return any(
        point is not None and point[0] == r for point in (ref_add(a, b), ref_add(a, ref_neg(b)))
    )


scalars = st.integers(min_value=1, max_value=N - 1)
hashes = st.integers(min_value=1, max_value=ECDSA_BOUND - 1)
felts = st.integers(min_value=0, max_value=P - 1)


@SETTINGS
@given(k=scalars)
def test_fixed_base_tables_match_the_reference(k: int) -> None:
    assert to_affine(mul_g(k)) == ref_mul(G, k)


@pytest.mark.parametrize(
    "k", [1, 2, 255, 256, 2**248 - 1, 2**248, 2**251, N - 1, N - 256, int("ff" * 31, 16)]
)
def test_fixed_base_edges(k: int) -> None:
    assert to_affine(mul_g(k)) == ref_mul(G, k)


@SETTINGS
@given(k=scalars, j=scalars)
def test_variable_base_multiplication_matches_the_reference(k: int, j: int) -> None:
    point = ref_mul(G, j)
    assert point is not None
    assert to_affine(multiply(point, k)) == ref_mul(point, k)


@SETTINGS
@given(k=scalars, priv=scalars)
def test_multiplication_on_the_isomorphic_curve(k: int, priv: int) -> None:
    """Verification multiplies Q = (x, y) without y: as (c·x, c²) on v² = u³ + c²·u + β·c³,
    c = x³ + x + β, where the multiples have u = c·x(k·Q)."""
    public = ref_mul(G, priv)
    assert public is not None
    x = public[0]
    c = (x**3 + x + BETA) % P
    point, alpha = (c * x % P, c * c % P), c * c % P
    result = to_affine(multiply(point, k, alpha))
    assert result == ref_mul(point, k, alpha)
    assert result is not None
    expected = ref_mul(public, k)
    assert expected is not None
    assert result[0] == c * expected[0] % P


def test_mixed_addition_corner_cases() -> None:
    point = ref_mul(G, 7)
    assert point is not None
    assert to_affine(sum_points([point, point])) == ref_mul(G, 14)  # a doubling
    assert sum_points([point, (point[0], P - point[1])])[2] == 0  # P + (-P): infinity
    after = sum_points([point, (point[0], P - point[1]), G])  # infinity, then on again
    assert to_affine(after) == G
    assert sum_points([]) == INFINITY


def ref_pedersen(x: int, y: int, points: list[list[int]]) -> int:
    """The definition, bit by bit over StarkWare's 506 constant points."""
    total: Point = (points[0][0], points[0][1])
    for i, value in enumerate((x, y)):
        for bit in range(252):
            if value >> bit & 1:
                p = points[2 + 252 * i + bit]
                total = ref_add(total, (p[0], p[1]))
    assert total is not None
    return total[0]


@settings(max_examples=8, deadline=None)
@given(x=felts, y=felts)
def test_pedersen_tables_match_the_definition(
    vectors: Callable[[str], Any], x: int, y: int
) -> None:
    points = vectors("starkex-resources/pedersen_params.json")["CONSTANT_POINTS"]
    assert pedersen_pure(x, y) == ref_pedersen(x, y, points)


@SETTINGS
@given(x=felts, y=felts)
def test_pedersen_backends_agree(backend: str, x: int, y: int) -> None:
    assert pedersen_hash(x, y) == pedersen_pure(x, y)


@SETTINGS
@given(priv=scalars)
def test_public_keys_match_the_reference(backend: str, priv: int) -> None:
    expected = ref_mul(G, priv)
    assert expected is not None
    assert private_to_stark_key(priv) == expected[0]


@SETTINGS
@given(priv=scalars, msg=hashes, seed=st.none() | st.integers(min_value=0, max_value=2**64))
def test_sign_verify_round_trip(backend: str, priv: int, msg: int, seed: int | None) -> None:
    public = ref_mul(G, priv)
    assert public is not None
    r, s = sign(msg, priv, seed)
    assert 1 <= r < ECDSA_BOUND and 1 <= s < N and pow(s, -1, N) < ECDSA_BOUND
    assert ref_verify(msg, r, s, public)
    assert verify(msg, r, s, public[0])
    assert sign(msg, priv, seed) == (r, s)  # deterministic


@SETTINGS
@given(priv=scalars, msg=hashes, delta=st.integers(min_value=1, max_value=2**40))
def test_tampered_signatures_fail(backend: str, priv: int, msg: int, delta: int) -> None:
    key = private_to_stark_key(priv)
    r, s = sign(msg, priv)
    tampered = (msg + delta) % ECDSA_BOUND
    assume(tampered != N - msg)  # the one other message it signs (see the next test)
    assert not verify(tampered, r, s, key)
    if r + delta < ECDSA_BOUND:
        assert not verify(msg, r + delta, s, key)
    tampered_s = (s + delta) % N or 1
    if pow(tampered_s, -1, N) < ECDSA_BOUND:
        assert not verify(msg, r, tampered_s, key)
    assert not verify(msg, r, s, private_to_stark_key(2 * priv % N))


@SETTINGS
@given(priv=scalars, msg=hashes)
def test_both_y_of_the_key_and_the_mirror_signature_verify(
    backend: str, priv: int, msg: int
) -> None:
    """Verification takes a key's x only (either y), as StarkWare's does. So (r, s) and
    (r, n - s) both verify, and (r, s) also verifies for the message n - msg (with -Q):
    signatures are malleable and never an identifier on their own."""
    key = private_to_stark_key(priv)
    r, s = sign(msg, priv)
    assert verify(msg, r, s, private_to_stark_key(N - priv))  # -Q has the same x
    if pow(N - s, -1, N) < ECDSA_BOUND:
        assert verify(msg, r, N - s, key)
    if N - msg < ECDSA_BOUND:
        assert verify(N - msg, r, s, key)


@SETTINGS
@given(priv=scalars, r=st.integers(1, ECDSA_BOUND - 1), s=st.integers(1, N - 1), z=hashes)
def test_verify_matches_the_reference_on_random_signatures(
    priv: int, r: int, s: int, z: int
) -> None:
    assume(pow(s, -1, N) < ECDSA_BOUND)
    public = ref_mul(G, priv)
    assert public is not None
    assert verify_pure(z, r, pow(s, -1, N), public[0]) == ref_verify(z, r, s, public)


def forged(priv: int, k: int, r_to_s: Callable[[int], int]) -> tuple[int, int, int] | None:
    """A signature made from a chosen nonce k and a chosen s: solves for the message."""
    point = ref_mul(G, k)
    assert point is not None
    r = point[0]
    s = r_to_s(r)
    z = (s * k - r * priv) % N
    if not (r < ECDSA_BOUND and z < ECDSA_BOUND and pow(s, -1, N) < ECDSA_BOUND):
        return None
    return z, r, s


@SETTINGS
@given(priv=scalars, k=scalars, s=st.integers(ECDSA_BOUND, N - 1))
def test_large_s_verifies(backend: str, priv: int, k: int, s: int) -> None:
    """StarkWare accepts any s < n whose inverse is below 2^251, including s >= 2^251 (which
    fast-stark-crypto refuses: the pure code answers then)."""
    signature = forged(priv, k, lambda r: s)
    assume(signature is not None)
    assert signature is not None
    z, r, s = signature
    assert verify(z, r, s, private_to_stark_key(priv))


@SETTINGS
@given(priv=scalars, r=st.integers(1, 2**200), sign_=st.sampled_from([1, -1]))
def test_degenerate_verification_points(backend: str, priv: int, r: int, sign_: int) -> None:
    """z = ±r·priv makes u1·G = ±u2·Q: one of u1·G ± u2·Q is infinity. No crash (a Rust panic
    in fast-stark-crypto), and the same answer as the reference."""
    z = sign_ * r * priv % N
    assume(z < ECDSA_BOUND)
    public = ref_mul(G, priv)
    assert public is not None
    s = 1 + r % 1000
    assume(pow(s, -1, N) < ECDSA_BOUND)
    assert verify(z, r, s, public[0]) == ref_verify(z, r, s, public)


def test_a_zero_message_hash_verifies(backend: str) -> None:
    """u1 = 0: the verification point is ±u2·Q alone."""
    priv = 0x1234567
    k = 0x89ABCDEF
    point = ref_mul(G, k)
    assert point is not None
    r = point[0]
    s = r * priv * pow(k, -1, N) % N  # s·k = r·priv: the message hash is 0
    assert pow(s, -1, N) < ECDSA_BOUND
    assert verify(0, r, s, private_to_stark_key(priv))
    assert not verify(0, r, s, private_to_stark_key(priv + 1))


def not_on_curve_key() -> int:
    x = 0
    while pow((x**3 + x + BETA) % P, (P - 1) // 2, P) != P - 1:  # Euler's criterion
        x += 1
    return x


def test_keys_off_the_curve_do_not_verify(backend: str) -> None:
    r, s = sign(1234, 5678)
    assert not verify(1234, r, s, not_on_curve_key())


@SETTINGS
@given(value=st.integers(0, P - 1))
def test_jacobi_symbol_matches_euler(value: int) -> None:
    euler = pow(value, (P - 1) // 2, P)
    assert jacobi(value) == (0 if value == 0 else 1 if euler == 1 else -1)


any_int = st.integers(min_value=-(2**300), max_value=2**300)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(z=any_int, r=any_int, s=any_int, key=any_int | st.integers(0, P - 1))
def test_verify_answers_or_refuses_cleanly(backend: str, z: int, r: int, s: int, key: int) -> None:
    """Any ints: a bool, or InvalidInput naming an argument; nothing else escapes."""
    try:
        assert isinstance(verify(z, r, s, key), bool)
    except InvalidInput as exc:
        assert exc.field in ("msg_hash", "r", "s", "stark_key")
