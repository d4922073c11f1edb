from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WithdrawableAsset")


@_attrs_define
class WithdrawableAsset:
    """An asset waiting in the layer-1 withdrawal area."""

    contract_address: str | Unset = UNSET
    """ The token contract, or `ETH`. """
    asset_id: str | Unset = UNSET
    """ The StarkEx asset id. """
    token_id: str | Unset = UNSET
    """ The token id; empty for ETH and ERC20. """
    type_: str | Unset = UNSET
    """ Token kind (ETH, ERC20, ERC721, ...). """
    asset_type: str | Unset = UNSET
    """ The StarkEx asset type (0x-hex). """
    display_value: str | Unset = UNSET
    """ Human-readable amount. """
    symbol: str | Unset = UNSET
    """ The token symbol. """
    amount: int | str | Unset = UNSET
    """ Quantized amount. Reddio sends a JSON number (its docs show `11000`; its Java SDK
    reads a long, its JS SDK a number); a decimal string is accepted too. A number above
    2^53 may lose precision in JavaScript.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contract_address = self.contract_address

        asset_id = self.asset_id

        token_id = self.token_id

        type_ = self.type_

        asset_type = self.asset_type

        display_value = self.display_value

        symbol = self.symbol

        amount: int | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if contract_address is not UNSET:
            field_dict["contract_address"] = contract_address
        if asset_id is not UNSET:
            field_dict["asset_id"] = asset_id
        if token_id is not UNSET:
            field_dict["token_id"] = token_id
        if type_ is not UNSET:
            field_dict["type"] = type_
        if asset_type is not UNSET:
            field_dict["asset_type"] = asset_type
        if display_value is not UNSET:
            field_dict["display_value"] = display_value
        if symbol is not UNSET:
            field_dict["symbol"] = symbol
        if amount is not UNSET:
            field_dict["amount"] = amount

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contract_address = d.pop("contract_address", UNSET)

        asset_id = d.pop("asset_id", UNSET)

        token_id = d.pop("token_id", UNSET)

        type_ = d.pop("type", UNSET)

        asset_type = d.pop("asset_type", UNSET)

        display_value = d.pop("display_value", UNSET)

        symbol = d.pop("symbol", UNSET)

        def _parse_amount(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        withdrawable_asset = cls(
            contract_address=contract_address,
            asset_id=asset_id,
            token_id=token_id,
            type_=type_,
            asset_type=asset_type,
            display_value=display_value,
            symbol=symbol,
            amount=amount,
        )

        withdrawable_asset.additional_properties = d
        return withdrawable_asset

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
