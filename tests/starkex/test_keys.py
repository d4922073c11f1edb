"""Key derivation: StarkWare's vectors, Reddio's leading-zero rule, the EIP-712 typed data."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from withdrawal_clients.errors import InvalidInput
from withdrawal_clients.starkex import (
    get_private_key_from_eth_signature,
    grind_key,
    layer2_key_typed_data,
    private_to_stark_key,
)
from withdrawal_clients.starkex.assets import keccak256
from withdrawal_clients.starkex.curve import N

Loader = Callable[[str], Any]


def test_grind_key_vector(vectors: Loader) -> None:
    case = vectors("key_derivation_vectors.json")["grind_key"]
    assert grind_key(bytes.fromhex(case["key_seed_hex"])) == int(case["expected"], 16)


@pytest.mark.parametrize("prefix", ["0x", ""])
def test_private_key_from_eth_signature_vector(vectors: Loader, prefix: str) -> None:
    case = vectors("key_derivation_vectors.json")["private_key_from_eth_signature"]
    signature = prefix + case["eth_signature"].removeprefix("0x")
    assert get_private_key_from_eth_signature(signature) == int(case["expected"], 16)
    assert get_private_key_from_eth_signature(signature.upper().replace("0X", "0x")) == int(
        case["expected"], 16
    )


def grind_by_definition(seed: bytes) -> int:
    """sha256(seed ‖ i) for i = 0, 1, ... until below the largest multiple of n under 2^256."""
    bound = 2**256 - 2**256 % N
    for i in range(256):
        value = int.from_bytes(hashlib.sha256(seed + bytes([i])).digest(), "big")
        if value < bound:
            return value % N
    raise AssertionError("no key in 256 tries")


R_WITH_LEADING_ZERO = bytes(1) + bytes(range(1, 32))
SIGNATURE_WITH_LEADING_ZERO = "0x" + (R_WITH_LEADING_ZERO + bytes(32) + b"\x1b").hex()


def test_leading_zero_bytes_of_r_are_kept() -> None:
    key = get_private_key_from_eth_signature(SIGNATURE_WITH_LEADING_ZERO)
    assert key == grind_by_definition(R_WITH_LEADING_ZERO)
    assert key != grind_by_definition(R_WITH_LEADING_ZERO.lstrip(b"\0"))
    assert 0 < key < N


def test_fast_stark_crypto_drops_leading_zeros(
    vectors: Loader, fast_stark_crypto: ModuleType
) -> None:
    """Why the compiled backend never derives keys: it agrees on the official vector but not
    when r starts with a zero byte."""
    case = vectors("key_derivation_vectors.json")["private_key_from_eth_signature"]
    agreed, _ = fast_stark_crypto.generate_keypair_from_eth_signature(case["eth_signature"])
    assert agreed == int(case["expected"], 16)
    theirs, _ = fast_stark_crypto.generate_keypair_from_eth_signature(SIGNATURE_WITH_LEADING_ZERO)
    assert theirs == grind_by_definition(R_WITH_LEADING_ZERO.lstrip(b"\0"))
    assert theirs != get_private_key_from_eth_signature(SIGNATURE_WITH_LEADING_ZERO)


@pytest.mark.parametrize(
    "signature", ["", "0x", "0x" + "ab" * 64, "0x" + "ab" * 66, "0x" + "zz" * 65, "0X" + "ab" * 65]
)
def test_malformed_eth_signatures(signature: str) -> None:
    with pytest.raises(InvalidInput) as info:
        get_private_key_from_eth_signature(signature)
    assert info.value.field == "eth_signature"


@pytest.mark.parametrize("value", [b"\x00" * 65, 123, None])
def test_eth_signature_must_be_text(value: object) -> None:
    with pytest.raises(InvalidInput):
        get_private_key_from_eth_signature(value)  # type: ignore[arg-type]


def test_grind_key_arguments() -> None:
    with pytest.raises(InvalidInput):
        grind_key("00")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        grind_key(b"\x01", 0)
    assert grind_key(b"\x01", 7) < 7


def eip712_hash(chain_id: int) -> bytes:
    """The EIP-712 digest of Reddio's typed data, written out from the standard."""
    domain_type = keccak256(b"EIP712Domain(uint256 chainId)")
    domain = keccak256(domain_type + chain_id.to_bytes(32, "big"))
    struct_type = keccak256(b"reddio(string contents)")
    struct = keccak256(struct_type + keccak256(b"Generate layer 2 key"))
    return keccak256(b"\x19\x01" + domain + struct)


@pytest.mark.parametrize("chain_id", [1, 5, 11155111])
def test_layer2_typed_data_is_what_a_wallet_signs(chain_id: int) -> None:
    account = pytest.importorskip("eth_account").Account
    typed = layer2_key_typed_data(chain_id)
    assert typed["domain"] == {"chainId": chain_id}
    assert typed["primaryType"] == "reddio"
    wallet = account.from_key(b"\x11" * 32)
    signed = wallet.sign_typed_data(full_message=typed)
    assert bytes(signed.message_hash) == eip712_hash(chain_id)
    signature = bytes(signed.signature)
    assert signature[:32] == signed.r.to_bytes(32, "big")
    key = get_private_key_from_eth_signature(signature.hex())
    assert key == grind_by_definition(signature[:32])
    assert private_to_stark_key(key) > 0


def test_layer2_typed_data_is_fresh_and_checked() -> None:
    first = layer2_key_typed_data(1)
    first["message"]["contents"] = "changed"
    assert layer2_key_typed_data(1)["message"] == {"contents": "Generate layer 2 key"}
    for bad in (0, -1, True, "1"):
        with pytest.raises(InvalidInput):
            layer2_key_typed_data(bad)  # type: ignore[arg-type]
