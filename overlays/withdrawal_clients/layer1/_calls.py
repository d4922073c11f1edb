"""Which StarkEx call claims an asset, with which arguments: pure planning, no I/O.

StarkEx v4.5 (Reddio's deployment) keeps a withdrawal that reached layer 1 as a pending
balance per (owner key, asset id), and pays it out through one of three functions:

- ``withdraw(ownerKey, assetType)`` for ETH and ERC20 (there the asset type is the asset id);
- ``withdrawNft(ownerKey, assetType, tokenId)`` for ERC721, with the contract's asset type;
- ``withdrawAndMint(ownerKey, assetType, mintingBlob)`` for mintable ERC721: Reddio's ERC721M
  (blob: the token id as minimal big-endian bytes) and ERC721MC (blob: the ABI encoding of
  (token id, token URL)).

The owner key of a withdrawal to an Ethereum address is that address as an integer; the
contract pays that address itself. ABI encoding needs eth-abi (extras ``[l1]`` or ``[eth]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs

from .. import starkex
from ..errors import InvalidInput
from ..reddio.inputs import eth_address, hex_int
from ..starkex.assets import keccak256

if TYPE_CHECKING:
    from ..reddio.results import WithdrawableAsset

__all__ = [
    "ClaimCall",
    "ClaimKind",
    "ClaimTarget",
    "balance_call",
    "claimed_amount",
    "minting_blob",
    "plan_call",
    "recipient_of",
]

U160 = 2**160
U250 = 2**250
U256 = 2**256
MAX_TOKEN_URL = 512  # bytes; what the sandbox's ERC721MC contract stores


class ClaimKind(StrEnum):
    """The asset kinds a claim knows, by Reddio's names."""

    ETH = "ETH"
    ERC20 = "ERC20"
    ERC721 = "ERC721"
    ERC721M = "ERC721M"
    ERC721MC = "ERC721MC"

    @property
    def is_fungible(self) -> bool:
        return self in (ClaimKind.ETH, ClaimKind.ERC20)

    @property
    def is_mintable(self) -> bool:
        return self in (ClaimKind.ERC721M, ClaimKind.ERC721MC)


_ALIASES = {"MINTABLE_ERC721": ClaimKind.ERC721M}


def claim_kind(value: object, field: str = "kind") -> ClaimKind:
    name = value.strip().upper() if isinstance(value, str) else None
    kind = _ALIASES.get(name or "") or (ClaimKind.__members__.get(name) if name else None)
    if kind is None:
        names = ", ".join(ClaimKind.__members__)
        raise InvalidInput(field, f"cannot be claimed on layer 1 by this package: one of {names}")
    return kind


def minting_blob(kind: ClaimKind, token_id: int, token_url: str | None = None) -> bytes:
    """The blob ``withdrawAndMint`` passes to the token's ``mintFor``."""
    if kind is ClaimKind.ERC721M:
        return token_id.to_bytes(max(1, (token_id.bit_length() + 7) // 8), "big")
    if kind is ClaimKind.ERC721MC:
        if token_url is None:
            raise InvalidInput("token_url", "is required for ERC721MC (the withdrawal's token_uri)")
        url = token_url.encode()
        if len(url) > MAX_TOKEN_URL:
            raise InvalidInput("token_url", f"must be at most {MAX_TOKEN_URL} bytes of UTF-8")
        return _abi_encode(["uint256", "bytes"], [token_id, url])
    raise InvalidInput("kind", f"{kind.value} is not minted on withdrawal")


def _token_id(value: object, kind: ClaimKind) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < U256:
        raise InvalidInput("token_id", f"is required for {kind.value}: an integer in [0, 2^256)")
    return value


@attrs.frozen
class ClaimTarget:
    """One asset of one owner, waiting in the StarkEx contract's pending withdrawals.

    Build it from Reddio's listing (:meth:`from_withdrawable`) or from explicit values
    (:meth:`of`); every check happens there, before anything is read or sent.
    """

    kind: ClaimKind
    owner_key: int
    asset_type: int
    asset_id: int
    token_id: int | None = None
    minting_blob: bytes | None = None
    contract_address: str | None = None  # the token on layer 1; None for ETH
    symbol: str | None = attrs.field(default=None, eq=False)  # for display only

    @property
    def recipient(self) -> str | None:
        """The address the contract pays: the owner key itself when it is an address."""
        return recipient_of(self.owner_key)

    @classmethod
    def of(
        cls,
        kind: ClaimKind | str,
        *,
        owner: str | int,
        contract_address: str | None = None,
        quantum: int | None = None,
        token_id: int | str | None = None,
        token_url: str | None = None,
        symbol: str | None = None,
    ) -> ClaimTarget:
        """From explicit values: ``quantum`` is required for ETH and ERC20 (the quantum
        registered on layer 1), ``token_id`` for NFTs, ``token_url`` for ERC721MC."""
        kind = claim_kind(kind)
        owner_key = _owner_key(owner)
        if kind is ClaimKind.ETH:
            if contract_address not in (None, "ETH"):
                raise InvalidInput("contract_address", 'must be None or "ETH" for ETH')
            address = None
        else:
            address = eth_address(contract_address, "contract_address")
        if kind.is_fungible:
            if token_id not in (None, ""):
                raise InvalidInput("token_id", f"must be empty for {kind.value}")
            if quantum is None:
                raise InvalidInput("quantum", f"is required for {kind.value}")
            asset_type = starkex.get_asset_type(
                kind.value, contract_address=address, quantum=quantum
            )
            return cls(kind, owner_key, asset_type, asset_type, None, None, address, symbol)
        if quantum not in (None, 1):
            raise InvalidInput("quantum", f"must be 1 for {kind.value}")
        number = _token_id(token_id, kind)
        if kind is ClaimKind.ERC721:
            asset_type = starkex.get_asset_type("ERC721", contract_address=address)
            asset_id = starkex.get_asset_id("ERC721", contract_address=address, token_id=number)
            return cls(kind, owner_key, asset_type, asset_id, number, None, address, symbol)
        blob = minting_blob(kind, number, token_url)
        asset_type = starkex.get_asset_type("MINTABLE_ERC721", contract_address=address)
        asset_id = starkex.get_asset_id(
            "MINTABLE_ERC721", contract_address=address, minting_blob=blob
        )
        return cls(kind, owner_key, asset_type, asset_id, number, blob, address, symbol)

    @classmethod
    def from_withdrawable(cls, asset: WithdrawableAsset, *, owner: str | int) -> ClaimTarget:
        """From an item of ``withdrawal_status`` (Reddio's list of what is withdrawable).

        ETH and ERC20 take the listed asset id as their asset type. NFT ids are computed from
        the contract and token id and must match the listed id; ERC721MC also needs the
        item's ``token_uri``.
        """
        kind = claim_kind(asset.type, "asset.type")
        if kind.is_fungible:
            if asset.asset_id is None:
                raise InvalidInput("asset.asset_id", f"is required for {kind.value}")
            asset_type = hex_int(asset.asset_id, "asset.asset_id", bound=U250, bound_text="2^250")
            address = None if kind is ClaimKind.ETH else asset.contract_address
            if address is not None:
                address = eth_address(address, "asset.contract_address")
            owner_key = _owner_key(owner)
            return cls(kind, owner_key, asset_type, asset_type, None, None, address, asset.symbol)
        url = asset.raw.get("token_uri")
        target = cls.of(
            kind,
            owner=owner,
            contract_address=asset.contract_address,
            token_id=asset.token_id,
            token_url=url if isinstance(url, str) else None,
            symbol=asset.symbol,
        )
        if asset.asset_id is not None and hex_int(asset.asset_id, "asset.asset_id") != (
            target.asset_id
        ):
            raise InvalidInput(
                "asset.asset_id",
                f"must be the id of {kind.value} token {target.token_id} of "
                f"{target.contract_address} ({hex(target.asset_id)})",
            )
        return target


def recipient_of(owner_key: int) -> str | None:
    """The address StarkEx pays for an owner key below 2^160 (None for a stark key, which
    needs an Ethereum key registered on the contract)."""
    return "0x" + owner_key.to_bytes(20, "big").hex() if owner_key < U160 else None


def _owner_key(owner: object) -> int:
    """An Ethereum address (the usual owner of a withdrawalto) or a stark key."""
    key = hex_int(owner, "owner")
    if key == 0:
        raise InvalidInput("owner", "must not be zero")
    return key


# -- the calls -------------------------------------------------------------------------------


@attrs.frozen
class ClaimCall:
    """One call on the StarkEx contract: its name, named arguments and calldata."""

    function: str
    arguments: tuple[tuple[str, int | bytes], ...]
    data: bytes

    def describe(self) -> str:
        return f"{self.function}({', '.join(_shown(n, v) for n, v in self.arguments)})"


def _shown(name: str, value: int | bytes) -> str:
    """An argument as a person reads it: an owner key that is an address with all 40 digits."""
    if isinstance(value, bytes):
        return f"{name}=0x{value.hex()}"
    if name == "ownerKey" and (address := recipient_of(value)) is not None:
        return f"{name}={address}"
    return f"{name}={hex(value)}"


_SIGNATURES = {
    "withdraw": ("withdraw(uint256,uint256)", ("ownerKey", "assetType")),
    "withdrawNft": ("withdrawNft(uint256,uint256,uint256)", ("ownerKey", "assetType", "tokenId")),
    "withdrawAndMint": (
        "withdrawAndMint(uint256,uint256,bytes)",
        ("ownerKey", "assetType", "mintingBlob"),
    ),
    "getWithdrawalBalance": ("getWithdrawalBalance(uint256,uint256)", ("ownerKey", "assetId")),
}


def _abi_encode(types: list[str], values: list[Any]) -> bytes:
    try:
        from eth_abi.abi import encode
    except ImportError:
        raise ImportError(
            "layer-1 calls need eth-abi: pip install 'withdrawal-clients[l1]'"
        ) from None
    return bytes(encode(types, values))


def _call(function: str, *values: int | bytes) -> ClaimCall:
    signature, names = _SIGNATURES[function]
    types = signature[signature.index("(") + 1 : -1].split(",")
    data = keccak256(signature.encode())[:4] + _abi_encode(types, list(values))
    return ClaimCall(function, tuple(zip(names, values, strict=True)), data)


def plan_call(target: ClaimTarget) -> ClaimCall:
    """The call that pays ``target`` out."""
    if target.kind.is_fungible:
        return _call("withdraw", target.owner_key, target.asset_type)
    assert target.token_id is not None
    if target.kind is ClaimKind.ERC721:
        return _call("withdrawNft", target.owner_key, target.asset_type, target.token_id)
    assert target.minting_blob is not None
    return _call("withdrawAndMint", target.owner_key, target.asset_type, target.minting_blob)


def balance_call(target: ClaimTarget) -> ClaimCall:
    """``getWithdrawalBalance(ownerKey, assetId)``: the pending amount, un-quantized."""
    return _call("getWithdrawalBalance", target.owner_key, target.asset_id)


# -- what a receipt says ---------------------------------------------------------------------

# The contract's events for each claim; in each, the amount paid is the third word (an NFT's
# event carries its token id there instead, and an NFT claim pays exactly 1).
_EVENTS = {
    keccak256(b"LogWithdrawalPerformed(uint256,uint256,uint256,uint256,address)"): False,
    keccak256(b"LogNftWithdrawalPerformed(uint256,uint256,uint256,uint256,address)"): True,
    keccak256(b"LogMintWithdrawalPerformed(uint256,uint256,uint256,uint256,uint256)"): False,
}


def _as_bytes(value: Any) -> bytes:
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)


def claimed_amount(logs: Iterable[Mapping[str, Any]], contract: str, owner_key: int) -> int | None:
    """The amount the contract reports paying ``owner_key`` (un-quantized), from a receipt's
    logs; None when no claim event of the contract names that owner."""
    for entry in logs:
        topics = [_as_bytes(t) for t in entry.get("topics", ())]
        if str(entry.get("address", "")).lower() != contract.lower() or not topics:
            continue
        nft = _EVENTS.get(topics[0])
        data = _as_bytes(entry.get("data", b""))
        if nft is None or len(data) < 96 or int.from_bytes(data[:32], "big") != owner_key:
            continue
        return 1 if nft else int.from_bytes(data[64:96], "big")
    return None
