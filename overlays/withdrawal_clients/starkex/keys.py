"""STARK keys: public key of a private key, and Reddio's key derivation from a wallet.

Reddio derives a user's STARK private key from an Ethereum signature of fixed EIP-712 typed
data ("Generate layer 2 key"): the signature's r (its first 32 bytes, leading zeros kept) is
ground into a key below n with StarkWare's grind_key. Libraries that turn r into an integer
first lose its leading zero bytes and derive another key for about one wallet in 256.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from .._core.secret import Secret, conceal, unwrap
from ..errors import InvalidInput
from ._checks import in_range
from ._checks import private_key as check_private_key
from .curve import N, jacobian_x, mul_g

LAYER2_KEY_MESSAGE = "Generate layer 2 key"
_SHA256_SPAN = 2**256
_ETH_SIGNATURE = re.compile(r"(?:0x)?([0-9a-fA-F]{130})")


def private_to_stark_key(private_key: int | Secret[int]) -> int:
    """The STARK key (x-coordinate of private_key·G) of a private key in (0, n).

    The private key may be an int or a ``Secret[int]``.
    """
    key = conceal(private_key)  # first: no frame that can raise may hold the raw key
    del private_key
    priv = check_private_key(key)
    x = jacobian_x(mul_g(priv))
    assert x is not None  # 0 < priv < n
    return x


def grind_key(key_seed: bytes, limit: int = N) -> int:
    """StarkWare's grind_key: the first sha256(key_seed ‖ i) below the largest multiple of
    ``limit`` under 2^256 (i = 0, 1, ... as minimal big-endian bytes), reduced mod ``limit``.

    Rejecting the top values keeps the result uniform in [0, limit).
    """
    if not isinstance(key_seed, bytes):
        raise InvalidInput("key_seed", f"must be bytes, not {type(key_seed).__name__}")
    limit = in_range(limit, "limit", 1, _SHA256_SPAN + 1, "in [1, 2^256]")
    bound = _SHA256_SPAN - _SHA256_SPAN % limit
    index = 0
    while True:
        suffix = index.to_bytes(max(1, (index.bit_length() + 7) // 8), "big")
        value = int.from_bytes(hashlib.sha256(key_seed + suffix).digest(), "big")
        if value < bound:
            return value % limit
        index += 1


def get_private_key_from_eth_signature(eth_signature_hex: str) -> int:
    """Reddio's STARK private key from a 65-byte Ethereum signature (hex, 0x optional).

    Uses the signature's r as 32 bytes, leading zeros included. The result is a secret: keep
    it out of logs (``withdrawal_clients._core.secret.Secret`` helps).
    """
    secret = conceal(eth_signature_hex)  # it is as secret as the key it gives
    del eth_signature_hex
    rule = "must be 65 bytes as 130 hex digits, 0x optional"
    if secret is None:
        raise InvalidInput("eth_signature", f"must be a hex string: {rule}")
    r: Secret[bytes] = unwrap(secret, _signature_r, "eth_signature", rule)
    return grind_key(r.reveal())


def _signature_r(signature: object) -> Secret[bytes]:
    """The r of a 65-byte signature in hex (run through unwrap: it may fail freely)."""
    if not isinstance(signature, str):
        raise InvalidInput("eth_signature", f"must be a hex string, not {type(signature).__name__}")
    match = _ETH_SIGNATURE.fullmatch(signature)
    if match is None:
        raise InvalidInput("eth_signature", "must be 65 bytes as 130 hex digits, 0x optional")
    return Secret(bytes.fromhex(match.group(1))[:32])


def layer2_key_typed_data(chain_id: int) -> dict[str, Any]:
    """The EIP-712 typed data a wallet signs for Reddio's key derivation.

    In the full-message form ``eth_signTypedData_v4`` takes: domain {chainId} only (1 for
    mainnet, 11155111 for Sepolia), primary type "reddio" with one string field "contents".
    """
    chain_id = in_range(chain_id, "chain_id", 1, 2**256, "in [1, 2^256)")
    return {
        "types": {
            "EIP712Domain": [{"name": "chainId", "type": "uint256"}],
            "reddio": [{"name": "contents", "type": "string"}],
        },
        "domain": {"chainId": chain_id},
        "primaryType": "reddio",
        "message": {"contents": LAYER2_KEY_MESSAGE},
    }
