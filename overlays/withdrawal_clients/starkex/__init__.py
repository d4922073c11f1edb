"""STARK-curve cryptography for StarkEx: Pedersen hash, ECDSA, keys, messages, asset ids.

All values are ints; every argument is range-checked first and a bad one raises
:class:`withdrawal_clients.errors.InvalidInput` naming it (never showing a private key).
Private keys may be given as ints or as ``Secret[int]``.

The arithmetic is pure Python with precomputed tables (built on first use). When
fast-stark-crypto is installed (extra ``[fast]``) it serves Pedersen hashes and verification
behind the same checks; ``use_backend("pure")`` or WITHDRAWAL_CLIENTS_PURE=1
turns it off. Signing is always done here, to StarkWare's deterministic scheme.

The pure-Python arithmetic is not constant-time. That is acceptable for a client signing its
own messages on its own machine; do not use it where an attacker can time the signer.
"""

from __future__ import annotations

from ._fast import backend, use_backend
from .assets import AssetKind, get_asset_id, get_asset_type, parse_asset_kind
from .curve import ALPHA, BETA, EC_ORDER, FIELD_PRIME
from .ecdsa import sign, verify
from .keys import (
    get_private_key_from_eth_signature,
    grind_key,
    layer2_key_typed_data,
    private_to_stark_key,
)
from .messages import (
    get_conditional_transfer_msg_hash,
    get_limit_order_msg_hash,
    get_limit_order_msg_hash_with_fee,
    get_transfer_msg_hash,
    get_transfer_msg_hash_with_fee,
)
from .pedersen import pedersen_hash

__all__ = [
    "ALPHA",
    "BETA",
    "EC_ORDER",
    "FIELD_PRIME",
    "AssetKind",
    "backend",
    "get_asset_id",
    "get_asset_type",
    "get_conditional_transfer_msg_hash",
    "get_limit_order_msg_hash",
    "get_limit_order_msg_hash_with_fee",
    "get_private_key_from_eth_signature",
    "get_transfer_msg_hash",
    "get_transfer_msg_hash_with_fee",
    "grind_key",
    "layer2_key_typed_data",
    "parse_asset_kind",
    "pedersen_hash",
    "private_to_stark_key",
    "sign",
    "use_backend",
    "verify",
]
