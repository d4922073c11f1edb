"""The whole path on a real EVM over real HTTP: withdrawalto on layer 2 -> status 6 -> claim
on layer 1 -> the receiver's balance or token on the chain; a second claim refused before
anything is sent."""

from __future__ import annotations

from typing import Any

import pytest
from layer1_support import nonce, seeded, withdraw
from web3 import Web3
from withdrawal_clients import ReddioClient
from withdrawal_clients.layer1 import ClaimKind, ClaimTarget, L1Claimer, NothingToClaim
from withdrawal_clients.sandbox import ManualClock, Sandbox, SandboxConfig, ServedSandbox
from withdrawal_clients.sandbox._config import TEST_STARK_PRIVATE_KEY
from withdrawal_clients.sandbox._l1 import STARKEX_ADDRESS

# kind, amount withdrawn, token id, what the owner holds on layer 1 afterwards
CASES = [
    ("ETH", "0.25", None, 250_000_000_000_000_000),
    ("ERC20", "12.5", None, 12_500_000),
    ("ERC721", "1", 2, 1),
    ("ERC721M", "1", 3, 1),
]


def holding(served: ServedSandbox, kind: str, owner: str, token_id: int | None) -> int:
    """What ``owner`` holds on layer 1: wei, token units, or 1 if it owns the NFT."""
    l1 = served.sandbox.l1
    if kind == "ETH":
        return l1.balance(owner)
    token = seeded(served.sandbox, kind).contract_address
    if kind == "ERC20":
        return l1.token_balance(token, owner)
    assert token_id is not None
    return int(l1.owner_of(token, token_id).lower() == owner.lower())


@pytest.mark.parametrize(("kind", "amount", "token_id", "received"), CASES)
def test_withdrawal_reaches_the_owner_on_layer_1(
    served: ServedSandbox,
    reddio: ReddioClient,
    claimer: L1Claimer,
    web3: Web3,
    owner: Any,
    payer: Any,
    kind: str,
    amount: str,
    token_id: int | None,
    received: int,
) -> None:
    target = withdraw(reddio, seeded(served.sandbox, kind), owner.address, amount, token_id)
    assert target.kind == ClaimKind(kind)
    assert holding(served, kind, owner.address, token_id) == 0
    planned = claimer.plan(target)
    assert planned.pending == received  # getWithdrawalBalance is un-quantized
    expected_function = {"ETH": "withdraw", "ERC20": "withdraw", "ERC721": "withdrawNft"}
    assert planned.call.function == expected_function.get(kind, "withdrawAndMint")

    result = claimer.claim(target, account=payer)

    assert holding(served, kind, owner.address, token_id) == received
    assert result.amount == received and not result.recovered
    assert result.recipient == owner.address.lower()
    assert result.sender == payer.address
    assert web3.eth.get_transaction_receipt(result.tx_hash)["gasUsed"] == result.gas_used > 21_000
    assert claimer.pending(target) == 0

    sent = nonce(web3, payer)
    with pytest.raises(NothingToClaim) as refused:
        claimer.claim(target, account=payer)
    assert nonce(web3, payer) == sent  # refused before anything was sent
    assert refused.value.last_tx_hash == result.tx_hash
    assert "no pending withdrawal balance" in str(refused.value)
    assert holding(served, kind, owner.address, token_id) == received


def test_only_status_6_is_claimable(owner: Any, payer: Any) -> None:
    clock = ManualClock()
    sandbox = Sandbox(SandboxConfig(), clock=clock)  # 1 s, 2 s, 3 s to statuses 1, 3, 6
    sandbox.l1.fund(payer.address, 10**18)
    web3 = Web3(sandbox.l1.provider())
    claimer = L1Claimer(web3, STARKEX_ADDRESS)
    eth = seeded(sandbox, "ETH")
    with ReddioClient(
        sandbox.reddio_url, stark_private_key=TEST_STARK_PRIVATE_KEY, transport=sandbox.transport()
    ) as reddio:
        reddio.withdraw_to(
            contract_address="ETH", asset_type="ETH", amount="0.5", receiver=owner.address
        )
        clock.advance(2.5)  # accepted on layer 2, not yet on layer 1
        assert reddio.withdrawal_status(owner.address) == []
        target = ClaimTarget.of("ETH", owner=owner.address, quantum=eth.quantum)
        with pytest.raises(NothingToClaim):
            claimer.claim(target, account=payer)
        clock.advance(0.5)
        (listed,) = reddio.withdrawal_status(owner.address)
        assert ClaimTarget.from_withdrawable(listed, owner=owner.address) == target
    assert claimer.claim(target, account=payer).amount == 5 * 10**17
    assert sandbox.l1.balance(owner.address) == 5 * 10**17
