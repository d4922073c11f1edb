"""The sandbox's StarkEx contract keeps StarkEx v4.5's withdrawal rules on a real EVM, and the
claimer refuses, before sending, what the contract would refuse or pay nothing for."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi.abi import decode
from layer1_support import nonce, seeded
from web3 import Web3
from web3.exceptions import ContractLogicError
from withdrawal_clients import WithdrawalRejected, starkex
from withdrawal_clients.layer1 import (
    ClaimKind,
    ClaimTarget,
    L1Claimer,
    NothingToClaim,
    minting_blob,
    plan_call,
)
from withdrawal_clients.sandbox import ServedSandbox
from withdrawal_clients.sandbox._l1 import STARKEX_ADDRESS
from withdrawal_clients.sandbox._reddio import L1Credit


def types(served: ServedSandbox) -> dict[str, int]:
    """The registered asset type of each seeded asset."""
    out = {}
    for asset in served.sandbox.reddio.assets:
        kind = {"ERC721M": "MINTABLE_ERC721"}.get(asset.kind, asset.kind)
        address = None if kind == "ETH" else asset.contract_address
        out[asset.kind] = starkex.get_asset_type(
            kind, contract_address=address, quantum=asset.quantum
        )
    return out


def call(web3: Web3, kind: ClaimKind, owner: int, asset_type: int, token_id: int = 1) -> str:
    """Ask the contract (eth_call) to pay ``kind`` with the given asset type; its revert reason."""
    blob = minting_blob(ClaimKind.ERC721M, token_id) if kind.is_mintable else None
    target = ClaimTarget(kind, owner, asset_type, 0, token_id, blob)
    data = plan_call(target).data
    try:
        web3.eth.call({"to": STARKEX_ADDRESS, "data": "0x" + data.hex()})
    except ContractLogicError as exc:
        return str(exc.message)
    return "paid"


def test_asset_type_rules_and_reasons_reach_the_caller(
    served: ServedSandbox, web3: Web3, owner: Any
) -> None:
    t = types(served)
    key = int(owner.address, 16)
    reverted = "execution reverted: "
    assert call(web3, ClaimKind.ETH, key, t["ERC721"]) == reverted + "NON_FUNGIBLE_ASSET_TYPE"
    assert call(web3, ClaimKind.ETH, key, t["ERC721M"]) == reverted + "MINTABLE_ASSET_TYPE"
    assert call(web3, ClaimKind.ETH, key, 12345) == reverted + "ASSET_TYPE_NOT_REGISTERED"
    assert call(web3, ClaimKind.ERC721, key, t["ETH"]) == reverted + "INVALID_ASSET_TYPE"
    assert call(web3, ClaimKind.ERC721, key, t["ERC721"]) == reverted + "ILLEGAL_NFT_BALANCE"
    assert call(web3, ClaimKind.ERC721M, key, t["ETH"]) == reverted + "NON_MINTABLE_ASSET_TYPE"
    assert call(web3, ClaimKind.ERC721M, key, 12345) == reverted + "INVALID_ASSET_TYPE"
    empty = reverted + "NO_PENDING_WITHDRAWAL_BALANCE"
    assert call(web3, ClaimKind.ERC721M, key, t["ERC721M"]) == empty
    assert call(web3, ClaimKind.ETH, 2**200, t["ETH"]) == reverted + "USER_UNREGISTERED"
    # As in StarkEx, withdraw with nothing pending succeeds and pays nothing: gas for nothing.
    assert call(web3, ClaimKind.ETH, key, t["ETH"]) == "paid"
    assert call(web3, ClaimKind.ERC20, key, t["ERC20"]) == "paid"


def test_balance_is_un_quantized(served: ServedSandbox, owner: Any) -> None:
    eth = seeded(served.sandbox, "ETH")
    l1, key = served.sandbox.l1, int(owner.address, 16)
    l1.credit(L1Credit(key, eth, eth.asset_id(), "", 250_000))
    assert eth.quantum == 10**12 and l1.pending(key, eth.asset_id()) == 250_000 * 10**12


def test_claimer_refuses_before_sending(served: ServedSandbox, web3: Web3, payer: Any) -> None:
    claimer = L1Claimer(web3, STARKEX_ADDRESS)
    eth = seeded(served.sandbox, "ETH")
    stark_key = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
    served.sandbox.l1.credit(L1Credit(stark_key, eth, eth.asset_id(), "", 1000))
    held_by_stark_key = ClaimTarget.of("ETH", owner=stark_key, quantum=eth.quantum)
    assert held_by_stark_key.recipient is None
    with pytest.raises(WithdrawalRejected) as rejected:  # the estimate reverts: nothing sent
        claimer.claim(held_by_stark_key, account=payer)
    assert rejected.value.reason == "USER_UNREGISTERED"
    nothing = ClaimTarget.of(
        "ERC721",
        owner=payer.address,
        contract_address=seeded(served.sandbox, "ERC721").contract_address,
        token_id=99,
    )
    with pytest.raises(NothingToClaim):
        claimer.claim(nothing, account=payer)
    assert nonce(web3, payer) == 0


def test_erc721mc_mints_with_its_url(
    served: ServedSandbox, web3: Web3, owner: Any, payer: Any
) -> None:
    """Reddio's ERC721MC: the blob is the ABI encoding of (token id, token URL)."""
    token = seeded(served.sandbox, "ERC721M")
    target = ClaimTarget.of(
        "ERC721MC",
        owner=owner.address,
        contract_address=token.contract_address,
        token_id=7,
        token_url="ipfs://bafy/7.json",
    )
    served.sandbox.l1.credit(L1Credit(target.owner_key, token, target.asset_id, "7", 1))
    result = L1Claimer(web3, STARKEX_ADDRESS).claim(target, account=payer)
    assert result.function == "withdrawAndMint" and result.amount == 1
    l1 = served.sandbox.l1
    assert l1.owner_of(token.contract_address, 7) == owner.address.lower()
    answer = l1.call(token.contract_address, "tokenURI(uint256)", ["uint256"], [7])
    assert decode(["string"], answer) == ("ipfs://bafy/7.json",)
