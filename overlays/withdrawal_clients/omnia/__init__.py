"""Omnia Exchange (on-chain Deposit-Trade-Withdraw): the clients, inputs, results, signers.

- :mod:`.client`: :class:`OmniaClient` and :class:`AsyncOmniaClient`.
- :mod:`.plans`: every operation as a plan (reading answers, exactly-once requests), no I/O.
- :mod:`.inputs`: input rules and the request body; :mod:`.results`: :class:`Withdrawal`.
- :mod:`.signers`: pluggable withdrawal signers; :mod:`.auth`: the bearer token.
"""

from .client import AsyncOmniaClient, OmniaClient
from .inputs import ENVIRONMENTS
from .results import COMPLETED, FAILURE_STATUSES, Withdrawal
from .signers import (
    Eip712Field,
    Eip712Layout,
    Eip712Signer,
    ExternalSigner,
    WithdrawalSigner,
    WithdrawalToSign,
)

__all__ = [
    "COMPLETED",
    "ENVIRONMENTS",
    "FAILURE_STATUSES",
    "AsyncOmniaClient",
    "Eip712Field",
    "Eip712Layout",
    "Eip712Signer",
    "ExternalSigner",
    "OmniaClient",
    "Withdrawal",
    "WithdrawalSigner",
    "WithdrawalToSign",
]
