from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WithdrawalRequest")


@_attrs_define
class WithdrawalRequest:
    """The unsigned withdrawal of the original API."""

    contract_address: str
    """ The token contract (an Ethereum address), or `ETH` for ether. """
    token_id: str
    """ The token id for ERC721 kinds (a decimal string below 2^256; the pattern bounds its
    length); the empty string for ETH and ERC20.
     """
    stark_key: str
    """ The stark key whose layer-2 vault is withdrawn from (0x-hex without leading zeros,
    non-zero, below 2^251).
     """
    amount: str
    """ Quantized amount as a decimal string: positive, without leading zeros, below 2^63
    (the pattern bounds the length to 19 digits; the server refuses the rest).
    1 for an ERC721 token.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contract_address = self.contract_address

        token_id = self.token_id

        stark_key = self.stark_key

        amount = self.amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contract_address": contract_address,
                "token_id": token_id,
                "stark_key": stark_key,
                "amount": amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contract_address = d.pop("contract_address")

        token_id = d.pop("token_id")

        stark_key = d.pop("stark_key")

        amount = d.pop("amount")

        withdrawal_request = cls(
            contract_address=contract_address,
            token_id=token_id,
            stark_key=stark_key,
            amount=amount,
        )

        withdrawal_request.additional_properties = d
        return withdrawal_request

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
