"""Asset ids beyond the vectors: kinds, aliases, argument rules, Keccak (not SHA3)."""

from __future__ import annotations

import hashlib

import pytest
from withdrawal_clients.errors import InvalidInput
from withdrawal_clients.starkex import AssetKind, get_asset_id, get_asset_type
from withdrawal_clients.starkex.assets import _SELECTORS, keccak256

TOKEN = "0xB18ed4768F87b0fFAb83408014f1caF066b91380"
MINTABLE = "0xB1FEFd15fa7bC14e78719f9120a43E54EeBb3d0e"


def test_keccak_is_ethereums_not_sha3() -> None:
    empty = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    assert keccak256(b"") == empty
    assert hashlib.sha3_256(b"").digest() != empty


@pytest.mark.parametrize(
    ("kind", "signature"),
    [
        (AssetKind.ETH, b"ETH()"),
        (AssetKind.ERC20, b"ERC20Token(address)"),
        (AssetKind.ERC721, b"ERC721Token(address,uint256)"),
        (AssetKind.MINTABLE_ERC20, b"MintableERC20Token(address)"),
        (AssetKind.MINTABLE_ERC721, b"MintableERC721Token(address,uint256)"),
    ],
)
def test_selectors_are_keccak_of_the_type_signatures(kind: AssetKind, signature: bytes) -> None:
    assert _SELECTORS[kind] == keccak256(signature)[:4]


def test_kind_spellings() -> None:
    erc20 = get_asset_type("ERC20", contract_address=TOKEN, quantum=10)
    assert get_asset_type("erc20", contract_address=TOKEN, quantum=10) == erc20
    assert get_asset_type(AssetKind.ERC20, contract_address=TOKEN, quantum=10) == erc20
    blob = b"\x07"
    mintable = get_asset_id("MINTABLE_ERC721", contract_address=MINTABLE, minting_blob=blob)
    assert get_asset_id("ERC721M", contract_address=MINTABLE, minting_blob=blob) == mintable
    with pytest.raises(InvalidInput) as info:
        get_asset_type("ERC1155", contract_address=TOKEN)
    assert info.value.field == "asset_kind"


def test_reddio_erc721m_token_id_is_the_minimal_bytes_blob() -> None:
    for token_id, blob in ((0, b"\x00"), (1, b"\x01"), (0x1234, b"\x12\x34")):
        expected = get_asset_id("ERC721M", contract_address=MINTABLE, minting_blob=blob)
        assert get_asset_id("ERC721M", contract_address=MINTABLE, token_id=token_id) == expected
        assert expected >> 250 == 1  # the mintable flag


def test_text_blobs_are_utf8() -> None:
    text = "The quick brown fox jumped over the lazy dog."
    assert get_asset_id(
        "MINTABLE_ERC20", contract_address=MINTABLE, minting_blob=text
    ) == get_asset_id("MINTABLE_ERC20", contract_address=MINTABLE, minting_blob=text.encode())


@pytest.mark.parametrize(
    ("kind", "arguments", "field"),
    [
        ("ETH", {"contract_address": TOKEN}, "contract_address"),
        ("ERC20", {}, "contract_address"),
        ("ERC20", {"contract_address": TOKEN[:-1]}, "contract_address"),
        ("ERC20", {"contract_address": TOKEN[2:]}, "contract_address"),
        ("ERC20", {"contract_address": TOKEN + "00"}, "contract_address"),
        ("ERC20", {"contract_address": int(TOKEN, 16)}, "contract_address"),
        ("ERC20", {"contract_address": TOKEN, "quantum": 0}, "quantum"),
        ("ERC20", {"contract_address": TOKEN, "quantum": 2**256}, "quantum"),
        ("ERC20", {"contract_address": TOKEN, "quantum": 1.0}, "quantum"),
        ("ERC20", {"contract_address": TOKEN, "token_id": 1}, "token_id"),
        ("ETH", {"minting_blob": b"x"}, "minting_blob"),
        ("ERC721", {"contract_address": TOKEN}, "token_id"),
        ("ERC721", {"contract_address": TOKEN, "token_id": -1}, "token_id"),
        ("ERC721", {"contract_address": TOKEN, "token_id": 2**256}, "token_id"),
        ("ERC721", {"contract_address": TOKEN, "token_id": "1"}, "token_id"),
        ("ERC721", {"contract_address": TOKEN, "token_id": 1, "quantum": 10}, "quantum"),
        ("MINTABLE_ERC20", {"contract_address": MINTABLE}, "minting_blob"),
        ("MINTABLE_ERC20", {"contract_address": MINTABLE, "minting_blob": 5}, "minting_blob"),
        ("ERC721M", {"contract_address": MINTABLE}, "minting_blob"),
        (
            "ERC721M",
            {"contract_address": MINTABLE, "token_id": 1, "minting_blob": b"\x01"},
            "token_id",
        ),
    ],
)
def test_argument_rules(kind: str, arguments: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        get_asset_id(kind, **arguments)  # type: ignore[arg-type]
    assert info.value.field == field


def test_token_id_edges() -> None:
    low = get_asset_id("ERC721", contract_address=TOKEN, token_id=0)
    high = get_asset_id("ERC721", contract_address=TOKEN, token_id=2**256 - 1)
    assert low != high and max(low, high) < 2**250
