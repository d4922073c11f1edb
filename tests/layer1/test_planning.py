"""Pure planning: which function, which arguments, which blob; contract addresses; receipts.
No chain here: these are the rules the end-to-end tests then check on a real EVM."""

from __future__ import annotations

import logging

import pytest
from eth_abi.abi import decode
from reddio_client.models import WithdrawableAsset as WithdrawableAssetModel
from withdrawal_clients import InvalidInput, MalformedResponse, WithdrawableAsset, starkex
from withdrawal_clients.layer1 import (
    KNOWN_STARKEX_CONTRACTS,
    ClaimKind,
    ClaimTarget,
    balance_call,
    claimed_amount,
    minting_blob,
    plan_call,
    starkex_contract_for,
)
from withdrawal_clients.starkex.assets import keccak256

OWNER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
TOKEN = "0x5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d0721"
MINTABLE = "0x5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d721d"


def listed(kind: str | None, **fields: str) -> WithdrawableAsset:
    """An item of GET /v1/withdrawal/status as the client parses it."""
    item = {"type": kind, "amount": "1", "display_value": "1", **fields}
    model = WithdrawableAssetModel.from_dict({k: v for k, v in item.items() if v is not None})
    return WithdrawableAsset.from_model(model)


def selector(signature: str) -> bytes:
    return keccak256(signature.encode())[:4]


def test_minting_blobs() -> None:
    assert minting_blob(ClaimKind.ERC721M, 0) == b"\x00"
    assert minting_blob(ClaimKind.ERC721M, 255) == b"\xff"
    assert minting_blob(ClaimKind.ERC721M, 256) == b"\x01\x00"
    assert minting_blob(ClaimKind.ERC721M, 2**256 - 1) == b"\xff" * 32
    blob = minting_blob(ClaimKind.ERC721MC, 7, "ipfs://x")
    # (uint256 7, bytes "ipfs://x"): head word, offset 0x40, length 8, then the padded bytes
    words = [blob[i : i + 32] for i in range(0, len(blob), 32)]
    assert [int.from_bytes(w, "big") for w in words[:3]] == [7, 0x40, 8]
    assert words[3] == b"ipfs://x".ljust(32, b"\0") and len(words) == 4
    with pytest.raises(InvalidInput, match="token_url"):
        minting_blob(ClaimKind.ERC721MC, 7)
    with pytest.raises(InvalidInput):
        minting_blob(ClaimKind.ERC721, 7)


def test_calls_for_each_kind() -> None:
    key = int(OWNER, 16)
    eth = ClaimTarget.of("ETH", owner=OWNER, quantum=10**12)
    assert eth.asset_type == eth.asset_id == starkex.get_asset_id("ETH", quantum=10**12)
    call = plan_call(eth)
    assert call.function == "withdraw"
    assert call.data == selector("withdraw(uint256,uint256)") + key.to_bytes(32, "big") + (
        eth.asset_type.to_bytes(32, "big")
    )
    assert call.describe() == f"withdraw(ownerKey={OWNER}, assetType={hex(eth.asset_type)})"

    nft = ClaimTarget.of("ERC721", owner=OWNER, contract_address=TOKEN, token_id="5")
    assert nft.asset_type == starkex.get_asset_type("ERC721", contract_address=TOKEN)
    assert nft.asset_id == starkex.get_asset_id("ERC721", contract_address=TOKEN, token_id=5)
    call = plan_call(nft)
    assert call.function == "withdrawNft"
    assert call.data[:4] == selector("withdrawNft(uint256,uint256,uint256)")
    assert decode(["uint256"] * 3, call.data[4:]) == (key, nft.asset_type, 5)

    for kind, blob in (
        ("ERC721M", b"\x01\x00"),
        ("ERC721MC", minting_blob(ClaimKind.ERC721MC, 256, "u")),
    ):
        minted = ClaimTarget.of(
            kind, owner=OWNER, contract_address=MINTABLE, token_id=256, token_url="u"
        )
        assert minted.minting_blob == blob
        assert minted.asset_type == starkex.get_asset_type(
            "MINTABLE_ERC721", contract_address=MINTABLE
        )
        assert minted.asset_id == starkex.get_asset_id(
            "MINTABLE_ERC721", contract_address=MINTABLE, minting_blob=blob
        )
        call = plan_call(minted)
        assert call.function == "withdrawAndMint"
        assert call.data[:4] == selector("withdrawAndMint(uint256,uint256,bytes)")
        assert decode(["uint256", "uint256", "bytes"], call.data[4:]) == (
            key,
            minted.asset_type,
            blob,
        )

    balance = balance_call(nft)
    assert balance.data[:4] == selector("getWithdrawalBalance(uint256,uint256)")
    assert decode(["uint256"] * 2, balance.data[4:]) == (key, nft.asset_id)


def test_from_reddio_listing() -> None:
    eth_id = hex(starkex.get_asset_id("ETH", quantum=10**12))
    eth = ClaimTarget.from_withdrawable(
        listed("ETH", contract_address="ETH", asset_id=eth_id), owner=OWNER
    )
    assert eth == ClaimTarget.of("ETH", owner=OWNER, quantum=10**12)
    assert eth.recipient == OWNER
    nft_id = hex(starkex.get_asset_id("ERC721", contract_address=TOKEN, token_id=5))
    nft = ClaimTarget.from_withdrawable(
        listed("ERC721", contract_address=TOKEN, token_id="5", asset_id=nft_id), owner=OWNER
    )
    assert nft.kind is ClaimKind.ERC721 and nft.token_id == 5
    mc = listed("ERC721MC", contract_address=MINTABLE, token_id="9")
    with pytest.raises(InvalidInput, match="token_url"):  # the item carries no token_uri
        ClaimTarget.from_withdrawable(mc, owner=OWNER)
    mc = listed("ERC721MC", contract_address=MINTABLE, token_id="9", token_uri="ipfs://9")
    assert ClaimTarget.from_withdrawable(mc, owner=OWNER).minting_blob == minting_blob(
        ClaimKind.ERC721MC, 9, "ipfs://9"
    )


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (listed("ERC1155", contract_address=TOKEN, token_id="1"), "asset.type"),
        (listed("MINTABLE_ERC20", contract_address=TOKEN), "asset.type"),
        (listed(None), "asset.type"),
        (listed("ETH", contract_address="ETH"), "asset.asset_id"),
        (listed("ERC721", contract_address=TOKEN), "token_id"),
        (listed("ERC721", contract_address="ETH", token_id="1"), "contract_address"),
        (
            listed("ERC721", contract_address=TOKEN, token_id="5", asset_id="0x1234"),
            "asset.asset_id",
        ),
    ],
)
def test_listing_that_cannot_be_claimed_is_refused(item: WithdrawableAsset, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        ClaimTarget.from_withdrawable(item, owner=OWNER)
    assert refused.value.field == field


def test_explicit_values_are_checked() -> None:
    with pytest.raises(InvalidInput, match="quantum"):
        ClaimTarget.of("ERC20", owner=OWNER, contract_address=TOKEN)
    with pytest.raises(InvalidInput, match="quantum"):
        ClaimTarget.of("ERC721", owner=OWNER, contract_address=TOKEN, token_id=1, quantum=10)
    with pytest.raises(InvalidInput, match="token_id"):
        ClaimTarget.of("ETH", owner=OWNER, quantum=1, token_id=1)
    with pytest.raises(InvalidInput, match="owner"):
        ClaimTarget.of("ETH", owner="0x0", quantum=1)
    with pytest.raises(InvalidInput, match="owner"):
        ClaimTarget.of("ETH", owner="alice", quantum=1)
    with pytest.raises(InvalidInput, match="kind"):
        ClaimTarget.of("ERC777", owner=OWNER, quantum=1)
    assert ClaimTarget.of(
        "MINTABLE_ERC721", owner=OWNER, contract_address=MINTABLE, token_id=1
    ).kind is (ClaimKind.ERC721M)


def test_contract_addresses(caplog: pytest.LogCaptureFixture) -> None:
    fetched = {"mainnet": "0x" + "ab" * 20, "testnet": "0x" + "cd" * 20}
    with caplog.at_level(logging.WARNING):
        mainnet = starkex_contract_for("mainnet", fetched)
        goerli = starkex_contract_for("goerli", fetched)
        assert not caplog.records
        sepolia = starkex_contract_for("sepolia", fetched)
    assert (mainnet.address, mainnet.fallback) == ("0x" + "ab" * 20, False)
    assert goerli.address == "0x" + "cd" * 20 and goerli.network == "goerli"
    assert sepolia.fallback and sepolia.address == KNOWN_STARKEX_CONTRACTS["sepolia"].lower()
    assert "using the known address" in caplog.text
    assert (
        starkex_contract_for("testnet", None).address == KNOWN_STARKEX_CONTRACTS["goerli"].lower()
    )
    with pytest.raises(MalformedResponse):
        starkex_contract_for("mainnet", {"mainnet": "not an address"})
    with pytest.raises(InvalidInput):
        starkex_contract_for("ropsten", fetched)


def test_amount_read_from_receipt_logs() -> None:
    contract = "0x5A0d5a0d5A0d5a0d5A0D5A0d5A0D5A0D5A0D0e45"
    key = int(OWNER, 16)
    words = [key, 11, 250, 25, key]
    data = b"".join(w.to_bytes(32, "big") for w in words)
    topic = keccak256(b"LogWithdrawalPerformed(uint256,uint256,uint256,uint256,address)")
    entry = {"address": contract, "topics": [topic], "data": data}
    assert claimed_amount([entry], contract.lower(), key) == 250
    assert claimed_amount([entry], contract, key + 1) is None  # another owner
    assert claimed_amount([{**entry, "address": OWNER}], contract, key) is None  # another contract
    nft = keccak256(b"LogNftWithdrawalPerformed(uint256,uint256,uint256,uint256,address)")
    assert claimed_amount([{**entry, "topics": ["0x" + nft.hex()]}], contract, key) == 1


def test_an_owner_address_with_leading_zeros_is_shown_with_all_40_digits() -> None:
    owner = "0x00000000000000000000000000000000000000ab"
    call = plan_call(ClaimTarget.of("ETH", owner=owner, quantum=10**12))
    assert call.describe().startswith(f"withdraw(ownerKey={owner}, assetType=0x")
