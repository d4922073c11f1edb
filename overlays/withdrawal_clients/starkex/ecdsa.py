"""StarkWare's ECDSA variant on the STARK curve: deterministic signing and verification.

Differences from textbook ECDSA, all from StarkWare's reference code: r is x(k·G) itself (no
reduction mod n) and must lie in [1, 2^251), as must w = s⁻¹ mod n and the message hash; the
public key is an x-coordinate only, so verification accepts either y. k comes from RFC 6979
(HMAC-SHA256), with StarkWare's quirks kept so signatures equal StarkWare's and Reddio's JS
SDK's: hashes of 249 to 252 bits are multiplied by 16 first, and an optional integer seed is
appended as extra entropy, its minimal big-endian bytes (so seed 0 adds nothing, like None).
When a k gives an unusable r or s (odds about 2^-55), signing retries with the next seed:
None, then 1, 2, ...

Not constant-time (see :mod:`.curve`).
"""

from __future__ import annotations

import hmac

from .._core.secret import Secret, conceal
from ..errors import InvalidInput
from . import _fast
from ._checks import in_range, integer
from ._checks import private_key as check_private_key
from .curve import ALPHA, BETA, N, P, curve_rhs, jacobian_x, mul_g, multiply, x_is_on_curve

ECDSA_BOUND = 2**251  # bound on r, w = s⁻¹ and message hashes
_N_BITS = N.bit_length()  # 252
_N_BYTES = (_N_BITS + 7) // 8


def _bits2int(data: bytes) -> int:
    value = int.from_bytes(data, "big")
    excess = 8 * len(data) - _N_BITS
    return value >> excess if excess > 0 else value


def _minimal_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def rfc6979_k(msg_hash: int, priv: int, seed: int | None) -> int:
    """The nonce k of RFC 6979 with SHA-256, as StarkWare derives it (quirks included)."""
    if 249 <= msg_hash.bit_length() <= 252:  # elliptic.js compatibility: one nibble short
        msg_hash *= 16
    z = _bits2int(_minimal_bytes(msg_hash))
    if z >= N:
        z -= N
    extra = b"" if seed is None else _minimal_bytes(seed)
    material = priv.to_bytes(_N_BYTES, "big") + z.to_bytes(_N_BYTES, "big") + extra

    v = b"\x01" * 32
    k = b"\x00" * 32
    k = hmac.digest(k, v + b"\x00" + material, "sha256")
    v = hmac.digest(k, v, "sha256")
    k = hmac.digest(k, v + b"\x01" + material, "sha256")
    v = hmac.digest(k, v, "sha256")
    while True:
        v = hmac.digest(k, v, "sha256")  # one block: 256 bits cover the 252 of n
        candidate = _bits2int(v)
        if 1 <= candidate < N:
            return candidate
        k = hmac.digest(k, v + b"\x00", "sha256")
        v = hmac.digest(k, v, "sha256")


def _seed(value: object) -> int | None:
    if value is None:
        return None
    seed = integer(value, "seed")
    if seed < 0:
        raise InvalidInput("seed", "must be None or an int >= 0")
    return seed


def sign(msg_hash: int, private_key: int | Secret[int], seed: int | None = None) -> tuple[int, int]:
    """Sign a message hash in [1, 2^251) with a private key in (0, n); returns (r, s).

    The same inputs always give the same signature (StarkWare's and Reddio's JS SDK's). The
    private key may be an int or a ``Secret[int]``.
    """
    key = conceal(private_key)  # first: no frame that can raise may hold the raw key
    del private_key
    msg_hash = in_range(msg_hash, "msg_hash", 1, ECDSA_BOUND, "in [1, 2^251)")
    next_seed = _seed(seed)
    priv = check_private_key(key)  # nothing below can fail
    while True:
        k = rfc6979_k(msg_hash, priv, next_seed)
        next_seed = 1 if next_seed is None else next_seed + 1
        r = jacobian_x(mul_g(k))
        if r is None or not 1 <= r < ECDSA_BOUND:
            continue
        t = (msg_hash + r * priv) % N
        if t == 0:
            continue
        inv = pow(t * k, -1, N)  # one inversion for s = t/k and w = k/t
        if not 1 <= k * k % N * inv % N < ECDSA_BOUND:
            continue
        return r, t * t % N * inv % N


def verify(msg_hash: int, r: int, s: int, stark_key: int) -> bool:
    """Whether (r, s) signs msg_hash under stark_key (a public key's x; either y is accepted).

    Out-of-range arguments raise InvalidInput; a well-formed signature that does not verify,
    or a stark_key that is no point's x, gives False.
    """
    z = in_range(msg_hash, "msg_hash", 0, ECDSA_BOUND, "in [0, 2^251)")
    r_ = in_range(r, "r", 1, ECDSA_BOUND, "in [1, 2^251)")
    s_ = in_range(s, "s", 1, N, "in [1, n), n the STARK curve order")
    key = in_range(stark_key, "stark_key", 0, P, "in [0, p), p the STARK field prime")
    w = pow(s_, -1, N)
    if w >= ECDSA_BOUND:
        raise InvalidInput("s", "must have an inverse mod n below 2^251")
    if not x_is_on_curve(key):
        return False
    module = _fast.fast_module()
    if module is not None:
        verdict = _fast.verify(module, z, r_, s_, key)
        if verdict is not None:
            return verdict
    return verify_pure(z, r_, w, key)


def verify_pure(z: int, r: int, w: int, key: int) -> bool:
    """x(u1·G ± u2·Q) == r with u1 = z·w, u2 = r·w, computed without Q's y.

    Q = (key, y) with y² = c = f(key) unknown (a square root costs more than the rest here).
    Q's multiples are computed on the isomorphic curve v² = u³ + a·c²·u + βc³, where
    (c·key, c²) is a point and u = c·x. For A = u1·G and B = u2·Q, x(A + B) and x(A - B) are
    the two roots of  D·t² - 2(f(x1) + f(x2) - (x1 + x2)·D)·t + (x1·x2 - a)² - 4β(x1 + x2),
    D = (x1 - x2)², with f(x1) = y1² and f(x2) = y2²: r just has to be one of them.
    """
    c = curve_rhs(key)
    u1 = z * w % N
    u2 = r * w % N
    U, _, Z2 = multiply((c * key % P, c * c % P), u2, ALPHA * c * c % P)
    if u1 == 0:  # A is infinity: A ± B = ±B
        return U * pow(c * Z2 * Z2, -1, P) % P == r
    X1, _, Z1 = mul_g(u1)
    # One inversion for both x-coordinates: x1 = X1/Z1², x2 = U/(c·Z2²).
    z1z1, cz2z2 = Z1 * Z1 % P, c * Z2 * Z2 % P
    inv = pow(z1z1 * cz2z2, -1, P)
    x1 = X1 * cz2z2 % P * inv % P
    x2 = U * z1z1 % P * inv % P
    d = (x1 - x2) * (x1 - x2) % P
    if d == 0:  # A = ±B: one of A ± B is infinity, the other 2A
        return ((x1 * x1 - ALPHA) ** 2 - 8 * BETA * x1 - 4 * curve_rhs(x1) * r) % P == 0
    linear = 2 * (curve_rhs(x1) + curve_rhs(x2) - (x1 + x2) * d)
    constant = (x1 * x2 - ALPHA) ** 2 - 4 * BETA * (x1 + x2)
    return (d * r * r - linear * r + constant) % P == 0
