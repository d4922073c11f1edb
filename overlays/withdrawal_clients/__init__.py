"""Exactly-once withdrawal clients for Reddio (StarkEx layer 2) and Omnia Exchange.

The clients are imported on first use, so ``import withdrawal_clients`` stays cheap (it is
also imported by the package's pytest plugin in every test run of an installing project).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._core import logs as _logs  # noqa: F401 (importing it applies WITHDRAWAL_CLIENTS_LOG)
from .errors import (
    ApiError,
    AuthError,
    BadRequest,
    IdempotencyConflict,
    InvalidInput,
    MalformedResponse,
    MissingExtra,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    ServerError,
    Timeout,
    TransportError,
    WaitTimeout,
    WithdrawalClientError,
    WithdrawalRejected,
)

__version__ = "0.1.0"

# Public name -> module that defines it, imported lazily by __getattr__.
_LAZY = {
    **dict.fromkeys(
        [
            "AsyncReddioClient",
            "ContractInfo",
            "Record",
            "RecordStatus",
            "ReddioClient",
            "SignedWithdrawalTo",
            "StarkKeys",
            "WithdrawableAsset",
            "WithdrawalResult",
            "build_withdrawal_to",
        ],
        "reddio",
    ),
    **dict.fromkeys(
        [
            "AsyncOmniaClient",
            "OmniaClient",
            "Withdrawal",
            "Eip712Field",
            "Eip712Layout",
            "Eip712Signer",
            "ExternalSigner",
            "WithdrawalSigner",
            "WithdrawalToSign",
        ],
        "omnia",
    ),
    **dict.fromkeys(["dequantize", "quantize"], "amounts"),
    **dict.fromkeys(["Journal", "Entry", "State"], "journal"),
}

if TYPE_CHECKING:
    from .amounts import dequantize, quantize
    from .journal import Entry, Journal, State
    from .omnia import (
        AsyncOmniaClient,
        Eip712Field,
        Eip712Layout,
        Eip712Signer,
        ExternalSigner,
        OmniaClient,
        Withdrawal,
        WithdrawalSigner,
        WithdrawalToSign,
    )
    from .reddio import (
        AsyncReddioClient,
        ContractInfo,
        Record,
        RecordStatus,
        ReddioClient,
        SignedWithdrawalTo,
        StarkKeys,
        WithdrawableAsset,
        WithdrawalResult,
        build_withdrawal_to,
    )


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'withdrawal_clients' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "ApiError",
    "AsyncOmniaClient",
    "AsyncReddioClient",
    "AuthError",
    "BadRequest",
    "ContractInfo",
    "Eip712Field",
    "Eip712Layout",
    "Eip712Signer",
    "Entry",
    "ExternalSigner",
    "IdempotencyConflict",
    "InvalidInput",
    "Journal",
    "MalformedResponse",
    "MissingExtra",
    "NotFound",
    "OmniaClient",
    "OutcomeUnknown",
    "PermissionDenied",
    "RateLimited",
    "Record",
    "RecordStatus",
    "ReddioClient",
    "ServerError",
    "SignedWithdrawalTo",
    "StarkKeys",
    "State",
    "Timeout",
    "TransportError",
    "WaitTimeout",
    "WithdrawableAsset",
    "Withdrawal",
    "WithdrawalClientError",
    "WithdrawalRejected",
    "WithdrawalResult",
    "WithdrawalSigner",
    "WithdrawalToSign",
    "build_withdrawal_to",
    "dequantize",
    "quantize",
]
