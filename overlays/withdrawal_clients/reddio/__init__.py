"""Reddio (StarkEx layer 2): the clients, their inputs and results.

- :mod:`.client`: :class:`ReddioClient` and :class:`AsyncReddioClient`.
- :mod:`.plans`: every operation as a plan (reading answers, exactly-once writes), no I/O.
- :mod:`.inputs`: input rules, stark keys and offline signing (:func:`build_withdrawal_to`).
- :mod:`.results`: typed results.
"""

from .client import AsyncReddioClient, ReddioClient
from .inputs import (
    DEFAULT_EXPIRATION,
    SignedWithdrawalTo,
    StarkKeys,
    build_withdrawal_to,
    signed_from_body,
)
from .plans import NETWORKS
from .results import ContractInfo, Record, RecordStatus, WithdrawableAsset, WithdrawalResult

__all__ = [
    "DEFAULT_EXPIRATION",
    "NETWORKS",
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
    "signed_from_body",
]
