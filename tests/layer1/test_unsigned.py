"""The unsigned path: a transaction for the caller's own signer (signed here by eth-account, as
a KMS or hardware wallet would), then submitted; its hash is keccak of the raw bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from layer1_support import nonce, seeded, withdraw
from web3 import Web3
from withdrawal_clients import InvalidInput, ReddioClient
from withdrawal_clients.layer1 import ClaimTarget, FileClaimLog, L1Claimer, NothingToClaim
from withdrawal_clients.sandbox import ServedSandbox
from withdrawal_clients.sandbox._l1 import STARKEX_ADDRESS
from withdrawal_clients.starkex.assets import keccak256


@pytest.fixture
def log(tmp_path: Path) -> FileClaimLog:
    return FileClaimLog(tmp_path / "claims.json")


def test_signed_elsewhere_then_submitted(
    served: ServedSandbox, reddio: ReddioClient, owner: Any, payer: Any, web3: Web3, log: Any
) -> None:
    target = withdraw(reddio, seeded(served.sandbox, "ERC721M"), owner.address, token_id=1)
    claimer = L1Claimer(web3, STARKEX_ADDRESS, tracker=log)

    unsigned = claimer.build_unsigned(target, sender=payer.address)

    tx = unsigned.transaction
    assert tx["to"] == STARKEX_ADDRESS and tx["from"] == payer.address and tx["value"] == 0
    assert tx["data"] == "0x" + unsigned.plan.call.data.hex() and tx["chainId"] == web3.eth.chain_id
    assert tx["nonce"] == 0 and tx["gas"] > 21_000 and tx["type"] == 2
    assert unsigned.plan.pending == 1 and not log.path.exists()  # nothing recorded, nothing sent
    signed = Account.sign_transaction(dict(tx), payer.key)

    result = claimer.submit_signed(unsigned, signed.raw_transaction)

    assert result.tx_hash == "0x" + keccak256(bytes(signed.raw_transaction)).hex()
    assert result.tx_hash == "0x" + bytes(signed.hash).hex()
    token = seeded(served.sandbox, "ERC721M").contract_address
    assert served.sandbox.l1.owner_of(token, 1) == owner.address.lower()
    (entry,) = json.loads(log.path.read_text()).values()
    assert entry["tx_hash"] == result.tx_hash and entry["state"] == "done"
    assert entry["raw_tx"] == "0x" + bytes(signed.raw_transaction).hex()
    with pytest.raises(NothingToClaim):  # the same signed bytes again: refused, not re-sent
        claimer.submit_signed(unsigned, signed.raw_transaction)
    assert nonce(web3, payer) == 1


def test_a_signed_transaction_that_is_not_the_planned_call_is_refused(
    served: ServedSandbox, reddio: ReddioClient, owner: Any, payer: Any, web3: Web3
) -> None:
    target = withdraw(reddio, seeded(served.sandbox, "ETH"), owner.address, "0.1")
    claimer = L1Claimer(web3, STARKEX_ADDRESS)
    unsigned = claimer.build_unsigned(target, sender=payer.address)
    elsewhere = {**unsigned.transaction, "to": Account.create().address}
    changed = {**unsigned.transaction, "data": unsigned.transaction["data"][:-2] + "00"}
    for tampered in (elsewhere, changed):
        raw = Account.sign_transaction(tampered, payer.key).raw_transaction
        with pytest.raises(InvalidInput) as refused:
            claimer.submit_signed(unsigned, raw)
        assert refused.value.field == "raw_transaction"
    with pytest.raises(InvalidInput):
        claimer.submit_signed(unsigned, "0x1234")
    assert nonce(web3, payer) == 0
    legacy = {k: v for k, v in unsigned.transaction.items() if "Fee" not in k and k != "type"}
    raw = Account.sign_transaction({**legacy, "gasPrice": 2 * 10**9}, payer.key).raw_transaction
    assert claimer.submit_signed(unsigned, raw).amount == 10**17  # a legacy signer works too


def test_unsigned_refused_when_nothing_is_pending(
    served: ServedSandbox, owner: Any, payer: Any, web3: Web3
) -> None:
    target = ClaimTarget.of("ETH", owner=owner.address, quantum=10**12)
    with pytest.raises(NothingToClaim):
        L1Claimer(web3, STARKEX_ADDRESS).build_unsigned(target, sender=payer.address)
