"""Helpers of the layer-1 tests: withdraw on layer 2 until status 6, read the chain."""

from __future__ import annotations

from typing import Any

from web3 import Web3
from withdrawal_clients import ReddioClient
from withdrawal_clients.layer1 import ClaimTarget
from withdrawal_clients.sandbox import Sandbox
from withdrawal_clients.sandbox._reddio import Asset

ETHER = 10**18


def seeded(sandbox: Sandbox, kind: str) -> Asset:
    return next(a for a in sandbox.reddio.assets if a.kind == kind)


def withdraw(
    reddio: ReddioClient,
    asset: Asset,
    receiver: str,
    amount: str = "1",
    token_id: int | None = None,
) -> ClaimTarget:
    """A withdrawalto on layer 2, awaited to status 6, and its item in withdrawal_status."""
    result = reddio.withdraw_to(
        contract_address=asset.contract_address,
        asset_type=asset.kind,
        amount=amount,
        token_id=token_id,
        receiver=receiver,
    )
    record = reddio.wait_for_record(result.sequence_id, timeout=10, poll_interval=0.05)
    assert int(record.status) == 6
    (listed,) = [a for a in reddio.withdrawal_status(receiver) if a.symbol == asset.symbol]
    return ClaimTarget.from_withdrawable(listed, owner=receiver)


def nonce(web3: Web3, account: Any) -> int:
    return int(web3.eth.get_transaction_count(account.address))
