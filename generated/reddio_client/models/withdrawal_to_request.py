from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.signature import Signature


T = TypeVar("T", bound="WithdrawalToRequest")


@_attrs_define
class WithdrawalToRequest:
    """A signed StarkEx transfer from the sender's vault to the receiver's vault."""

    contract_address: str
    """ The token contract (an Ethereum address), or `ETH` for ether. Reddio's Python SDK
    omits it and its Java SDK sends `ETH` for ether; this contract requires it.
     """
    asset_id: str
    """ The StarkEx asset id that is signed (0x-hex without leading zeros, non-zero, below
    2^251). It must be the id of `contract_address` (and `token_id`).
     """
    stark_key: str
    """ The sender's stark key (0x-hex without leading zeros, non-zero, below 2^251); it must
    match the signing key.
     """
    amount: str
    """ Quantized amount as a decimal string: positive, without leading zeros, below 2^63
    (the pattern bounds the length to 19 digits; the server refuses the rest).
    1 for an ERC721 token. This exact integer is signed.
     """
    token_id: str
    """ The token id for ERC721 kinds (a decimal string below 2^256; the pattern bounds its
    length); the empty string for ETH and ERC20.
     """
    nonce: int
    """ The sender's nonce from `GET /v1/nonce`, below 2^31. """
    vault_id: str
    """ The sender's vault id for the asset (a decimal string without leading zeros, below
    2^31; the pattern spells out the range).
     """
    receiver: str
    """ The receiver: an Ethereum address (0x and 40 hex digits) or a stark key (0x-hex
    without leading zeros, non-zero, below 2^251). It enters the signed message as an
    integer, which must not be zero (the pattern cannot refuse the zero address).
     """
    receiver_vault_id: str
    """ The receiver's vault id for the asset (a decimal string without leading zeros, below
    2^31; the pattern spells out the range).
     """
    signature: Signature
    """ STARK ECDSA signature of the transfer's message hash. It must verify for the body's
    fields and `stark_key`, which a schema cannot say.
     """
    expiration_timestamp: int | Unset = 4194303
    """ Expiry in HOURS since the Unix epoch, below 2^22 (it is packed into 22 bits of the
    signed message; Reddio's docs say seconds, which cannot be signed). It must be later
    than the current hour, which a schema cannot say. Default and SDK convention:
    4194303 (2^22-1).
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contract_address = self.contract_address

        asset_id = self.asset_id

        stark_key = self.stark_key

        amount = self.amount

        token_id = self.token_id

        nonce = self.nonce

        vault_id = self.vault_id

        receiver = self.receiver

        receiver_vault_id = self.receiver_vault_id

        signature = self.signature.to_dict()

        expiration_timestamp = self.expiration_timestamp

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contract_address": contract_address,
                "asset_id": asset_id,
                "stark_key": stark_key,
                "amount": amount,
                "token_id": token_id,
                "nonce": nonce,
                "vault_id": vault_id,
                "receiver": receiver,
                "receiver_vault_id": receiver_vault_id,
                "signature": signature,
            }
        )
        if expiration_timestamp is not UNSET:
            field_dict["expiration_timestamp"] = expiration_timestamp

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signature import Signature

        d = dict(src_dict)
        contract_address = d.pop("contract_address")

        asset_id = d.pop("asset_id")

        stark_key = d.pop("stark_key")

        amount = d.pop("amount")

        token_id = d.pop("token_id")

        nonce = d.pop("nonce")

        vault_id = d.pop("vault_id")

        receiver = d.pop("receiver")

        receiver_vault_id = d.pop("receiver_vault_id")

        signature = Signature.from_dict(d.pop("signature"))

        expiration_timestamp = d.pop("expiration_timestamp", UNSET)

        withdrawal_to_request = cls(
            contract_address=contract_address,
            asset_id=asset_id,
            stark_key=stark_key,
            amount=amount,
            token_id=token_id,
            nonce=nonce,
            vault_id=vault_id,
            receiver=receiver,
            receiver_vault_id=receiver_vault_id,
            signature=signature,
            expiration_timestamp=expiration_timestamp,
        )

        withdrawal_to_request.additional_properties = d
        return withdrawal_to_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
