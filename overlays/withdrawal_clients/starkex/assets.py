"""StarkEx asset types and asset ids (Keccak-256 based, as StarkEx's contracts compute them).

asset_type = keccak(selector ‖ contract address as 32 bytes (not for ETH) ‖ quantum as 32
bytes) mod 2^250. ETH and ERC20 ids are their types; ERC721: keccak("NFT:" ‖ type ‖ token id)
mod 2^250; mintable assets: keccak("MINTABLE:" ‖ type ‖ keccak(minting blob)) mod 2^240, with
bit 250 set. Keccak-256 is Ethereum's (pycryptodome), not hashlib's sha3_256.
"""

from __future__ import annotations

from enum import StrEnum

from .._core.rules import eth_address
from ..errors import InvalidInput
from ._checks import in_range


class AssetKind(StrEnum):
    ETH = "ETH"
    ERC20 = "ERC20"
    ERC721 = "ERC721"
    MINTABLE_ERC20 = "MINTABLE_ERC20"
    MINTABLE_ERC721 = "MINTABLE_ERC721"


# First 4 bytes of keccak of the token's type signature (ETH(), ERC20Token(address), ...).
_SELECTORS = {
    AssetKind.ETH: bytes.fromhex("8322fff2"),
    AssetKind.ERC20: bytes.fromhex("f47261b0"),
    AssetKind.ERC721: bytes.fromhex("02571792"),
    AssetKind.MINTABLE_ERC20: bytes.fromhex("68646e2d"),
    AssetKind.MINTABLE_ERC721: bytes.fromhex("b8b86672"),
}
_ALIASES = {"ERC721M": AssetKind.MINTABLE_ERC721}  # Reddio's name for mintable ERC721
_NFTS = (AssetKind.ERC721, AssetKind.MINTABLE_ERC721)
_MASK_250 = 2**250 - 1
_MASK_240 = 2**240 - 1
_MINTABLE_FLAG = 2**250
_UINT256 = 2**256


def keccak256(data: bytes) -> bytes:
    from Crypto.Hash import keccak  # imported on first use: keeps the package import light

    return bytes(keccak.new(digest_bits=256, data=data).digest())


def parse_asset_kind(value: object, field: str = "asset_kind") -> AssetKind:
    """An asset kind by name, case-insensitive; Reddio's ERC721M is MINTABLE_ERC721."""
    if isinstance(value, AssetKind):
        return value
    if isinstance(value, str):
        name = value.strip().upper()
        if name in _ALIASES:
            return _ALIASES[name]
        if name in AssetKind.__members__:
            return AssetKind[name]
    names = ", ".join([*AssetKind.__members__, *_ALIASES])
    raise InvalidInput(field, f"must be one of {names}")


def _address(value: object) -> bytes:
    return bytes.fromhex(eth_address(value, "contract_address")[2:]).rjust(32, b"\0")


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def get_asset_type(
    asset_kind: AssetKind | str, *, contract_address: str | None = None, quantum: int = 1
) -> int:
    """The asset type of a token: its kind, contract (not for ETH) and quantum.

    NFT kinds (ERC721, MINTABLE_ERC721 alias ERC721M) require quantum 1.
    """
    kind = parse_asset_kind(asset_kind)
    quantum_ = in_range(quantum, "quantum", 1, _UINT256, "in [1, 2^256)")
    if kind in _NFTS and quantum_ != 1:
        raise InvalidInput("quantum", f"must be 1 for {kind.value}")
    if kind is AssetKind.ETH:
        if contract_address is not None:
            raise InvalidInput("contract_address", "must be None for ETH")
        info = _SELECTORS[kind]
    else:
        if contract_address is None:
            raise InvalidInput("contract_address", f"is required for {kind.value}")
        info = _SELECTORS[kind] + _address(contract_address)
    return int.from_bytes(keccak256(info + _word(quantum_)), "big") & _MASK_250


def _blob(value: object) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes):
        return value
    raise InvalidInput("minting_blob", f"must be bytes or str, not {type(value).__name__}")


def get_asset_id(
    asset_kind: AssetKind | str,
    *,
    contract_address: str | None = None,
    quantum: int = 1,
    token_id: int | None = None,
    minting_blob: bytes | str | None = None,
) -> int:
    """The StarkEx asset id of a token.

    - ETH, ERC20: the asset type (``quantum`` as registered on L1).
    - ERC721: needs ``token_id`` (an int).
    - MINTABLE_ERC20, MINTABLE_ERC721: need ``minting_blob`` (bytes, or a str taken as UTF-8
      as StarkWare's reference code does). For MINTABLE_ERC721 (Reddio's ERC721M) a
      ``token_id`` may stand in for the blob: Reddio uses the token id's minimal big-endian
      bytes (at least one byte) as the minting blob.
    """
    kind = parse_asset_kind(asset_kind)
    if token_id is not None:
        token_id = in_range(token_id, "token_id", 0, _UINT256, "in [0, 2^256)")
    if kind in (AssetKind.ETH, AssetKind.ERC20, AssetKind.MINTABLE_ERC20) and token_id is not None:
        raise InvalidInput("token_id", f"must be None for {kind.value}")
    if kind not in (AssetKind.MINTABLE_ERC20, AssetKind.MINTABLE_ERC721) and (
        minting_blob is not None
    ):
        raise InvalidInput("minting_blob", f"must be None for {kind.value}")
    if kind is AssetKind.ERC721 and token_id is None:
        raise InvalidInput("token_id", "is required for ERC721")
    blob = None if minting_blob is None else _blob(minting_blob)
    if kind is AssetKind.MINTABLE_ERC721 and blob is not None and token_id is not None:
        raise InvalidInput("token_id", "give either token_id or minting_blob, not both")
    if kind is AssetKind.MINTABLE_ERC721 and blob is None and token_id is not None:
        blob = token_id.to_bytes(max(1, (token_id.bit_length() + 7) // 8), "big")
    if kind in (AssetKind.MINTABLE_ERC20, AssetKind.MINTABLE_ERC721) and blob is None:
        raise InvalidInput("minting_blob", f"is required for {kind.value}")

    asset_type = get_asset_type(kind, contract_address=contract_address, quantum=quantum)
    if kind is AssetKind.ERC721:
        assert token_id is not None
        digest = keccak256(b"NFT:" + _word(asset_type) + _word(token_id))
        return int.from_bytes(digest, "big") & _MASK_250
    if blob is not None:
        digest = keccak256(b"MINTABLE:" + _word(asset_type) + keccak256(blob))
        return int.from_bytes(digest, "big") & _MASK_240 | _MINTABLE_FLAG
    return asset_type
