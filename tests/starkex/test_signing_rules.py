"""StarkWare's signing rules beyond the vectors: seeds as RFC 6979 extra data, and retries."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from withdrawal_clients.starkex import ecdsa, verify
from withdrawal_clients.starkex.curve import N, jacobian_x, mul_g


def rfc6979_with_extra_data(private_key: int, digest: bytes, extra: bytes) -> int:
    """RFC 6979 section 3.2 with HMAC-SHA256 and the additional data k' of section 3.6."""
    qlen = N.bit_length()

    def bits2int(data: bytes) -> int:
        value = int.from_bytes(data, "big")
        return value >> max(0, 8 * len(data) - qlen)

    x = private_key.to_bytes(32, "big")
    h1 = (bits2int(digest) % N).to_bytes(32, "big")
    v, k = b"\x01" * 32, b"\x00" * 32
    for marker in (b"\x00", b"\x01"):
        k = hmac.new(k, v + marker + x + h1 + extra, hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        candidate = bits2int(v)
        if 0 < candidate < N:
            return candidate
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


def minimal(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


@settings(max_examples=30, deadline=None)
@given(
    msg=st.integers(1, 2**248 - 1),
    priv=st.integers(1, N - 1),
    seed=st.none() | st.integers(0, 2**300),
)
def test_seed_is_extra_data_in_minimal_big_endian_bytes(
    msg: int, priv: int, seed: int | None
) -> None:
    """StarkWare hands RFC 6979 the hash as its minimal big-endian bytes."""
    extra = b"" if seed is None else minimal(seed)
    assert ecdsa.rfc6979_k(msg, priv, seed) == rfc6979_with_extra_data(priv, minimal(msg), extra)


def test_hashes_of_249_to_252_bits_enter_multiplied_by_16() -> None:
    priv = 0x1234
    for bits in (249, 250, 251):
        msg = 2 ** (bits - 1) + 12345
        shifted = minimal(msg * 16)  # 253 to 255 bits, cut back to 252 by bits2int
        assert ecdsa.rfc6979_k(msg, priv, None) == rfc6979_with_extra_data(priv, shifted, b"")
        assert ecdsa.rfc6979_k(msg, priv, None) != rfc6979_with_extra_data(priv, minimal(msg), b"")
    msg = 2**247 + 12345  # 248 bits: as is
    assert ecdsa.rfc6979_k(msg, priv, None) == rfc6979_with_extra_data(priv, minimal(msg), b"")


def test_bad_nonces_retry_with_the_next_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unusable r is so rare on the real bound (about 2^-55) that no vector has one: with
    the bound lowered to 2^250, half of the nonces give an r to retry."""
    bound = 2**250
    monkeypatch.setattr(ecdsa, "ECDSA_BOUND", bound)
    priv = 0x5EED
    msg = next(
        m
        for m in range(1, 1000)
        if (jacobian_x(mul_g(ecdsa.rfc6979_k(m, priv, None))) or 0) >= bound
    )
    seeds: list[int | None] = []
    original = ecdsa.rfc6979_k

    def recording(msg_hash: int, key: int, seed: int | None) -> int:
        seeds.append(seed)
        return original(msg_hash, key, seed)

    monkeypatch.setattr(ecdsa, "rfc6979_k", recording)
    r, s = ecdsa.sign(msg, priv)
    assert len(seeds) >= 2
    assert seeds == [None, *range(1, len(seeds))]
    assert r < bound and pow(s, -1, N) < bound
    last = seeds[-1]
    seeds.clear()
    assert ecdsa.sign(msg, priv, seed=last) == (r, s)
    assert seeds == [last]
    monkeypatch.undo()
    assert verify(msg, r, s, jacobian_x(mul_g(priv)) or 0)
