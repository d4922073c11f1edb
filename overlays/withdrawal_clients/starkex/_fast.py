"""Optional compiled backend: fast-stark-crypto, for Pedersen hashes and verification.

The pure-Python code stays the reference and the only signer: fast-stark-crypto has no seed
argument (its signatures cannot follow StarkWare's retry rule) and its key derivation drops
leading zero bytes. Public keys stay pure too: with the precomputed tables of G they are about
1.5 times faster than fast-stark-crypto's. It is only ever called with arguments already
validated here, because it panics (a BaseException that ``except Exception`` misses) on some
inputs that are valid.

Backend choice: ``use_backend("auto" | "pure" | "fast")``; "auto" (the default) takes
fast-stark-crypto when it is installed, unless the environment sets WITHDRAWAL_CLIENTS_PURE=1.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Any

from ..errors import InvalidInput

BACKENDS = ("auto", "pure", "fast")
_ECDSA_BOUND = 2**251

_choice = "auto"
_module: ModuleType | None = None
_resolved = False


def _load() -> ModuleType | None:
    try:
        return importlib.import_module("fast_stark_crypto")
    except ImportError:
        return None


def use_backend(name: str) -> None:
    """Select the arithmetic backend: "auto", "pure" or "fast" (fails if not installed)."""
    global _choice, _module, _resolved
    if name not in BACKENDS:
        raise InvalidInput("backend", f"must be one of {', '.join(BACKENDS)}")
    module = None if name == "pure" else _load()
    if name == "fast" and module is None:
        raise InvalidInput(
            "backend", "'fast' needs fast-stark-crypto: pip install 'withdrawal-clients[fast]'"
        )
    if name == "auto" and os.environ.get("WITHDRAWAL_CLIENTS_PURE") == "1":
        module = None
    _choice, _module, _resolved = name, module, True


def backend() -> str:
    """The backend in use: "fast" or "pure"."""
    return "pure" if fast_module() is None else "fast"


def fast_module() -> ModuleType | None:
    """fast-stark-crypto when it is the selected backend, else None."""
    if not _resolved:
        use_backend(_choice)
    return _module


def pedersen(module: ModuleType, x: int, y: int) -> int:
    return int(module.rs_compute_pedersen_hash(hex(x), hex(y)))


def verify(module: ModuleType, msg_hash: int, r: int, s: int, stark_key: int) -> bool | None:
    """fast-stark-crypto's verdict, or None where it cannot give one (the caller decides).

    It refuses s >= 2^251 (StarkWare accepts s < n when s⁻¹ < 2^251) and panics when the
    verification point is at infinity; both are left to the pure code.
    """
    if s >= _ECDSA_BOUND:
        return None
    try:
        result: Any = module.rs_verify_signature(hex(stark_key), hex(msg_hash), hex(r), hex(s))
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        return None
    return bool(result)
