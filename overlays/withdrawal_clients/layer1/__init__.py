"""Finishing a Reddio withdrawal on layer 1: claiming what the StarkEx contract holds.

A withdrawal that reached status 6 (AcceptedOnL1) waits in the StarkEx contract as a pending
balance of its owner (the receiver's Ethereum address). Claiming it is one contract call that
anyone may send and that pays the owner::

    from web3 import Web3
    from withdrawal_clients.layer1 import ClaimTarget, FileClaimLog, L1Claimer, starkex_contract_for

    contract = starkex_contract_for("sepolia", fetched=None)      # or what Reddio's API says
    claimer = L1Claimer(Web3(Web3.HTTPProvider(rpc_url)), contract.address,
                        tracker=FileClaimLog("claims.json"))
    for asset in reddio.withdrawal_status(owner):
        result = claimer.claim(ClaimTarget.from_withdrawable(asset, owner=owner), account=acct)

Planning (:mod:`._calls`) is pure; :class:`L1Claimer` does the I/O (extra ``[l1]``).
"""

from __future__ import annotations

from ._addresses import KNOWN_STARKEX_CONTRACTS, StarkexContract, starkex_contract_for
from ._calls import (
    ClaimCall,
    ClaimKind,
    ClaimTarget,
    balance_call,
    claimed_amount,
    minting_blob,
    plan_call,
    recipient_of,
)
from .claim import (
    ClaimResult,
    L1Claimer,
    NothingToClaim,
    PlannedClaim,
    TransactionSigner,
    UnsignedClaim,
)
from .tracking import ClaimTracker, FileClaimLog, JournalClaimLog

__all__ = [
    "KNOWN_STARKEX_CONTRACTS",
    "ClaimCall",
    "ClaimKind",
    "ClaimResult",
    "ClaimTarget",
    "ClaimTracker",
    "FileClaimLog",
    "JournalClaimLog",
    "L1Claimer",
    "NothingToClaim",
    "PlannedClaim",
    "StarkexContract",
    "TransactionSigner",
    "UnsignedClaim",
    "balance_call",
    "claimed_amount",
    "minting_blob",
    "plan_call",
    "recipient_of",
    "starkex_contract_for",
]
