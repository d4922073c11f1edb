from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ContractInfo")


@_attrs_define
class ContractInfo:
    """A token contract as Reddio knows it. `quantum` and `decimals` arrive as a JSON number
    in some responses and as a decimal string in others; several fields may be null.

    """

    decimals: int | str
    """ The token's decimals (number or decimal string). """
    quantum: int | str
    """ The StarkEx quantum (number or decimal string), at least 1. """
    contract_address: str | Unset | None = UNSET
    """ The contract address, or `ETH`. """
    type_: str | Unset | None = UNSET
    """ Token kind. Known values `ETH`, `ERC20`, `ERC721`, `ERC721M` (open list). """
    symbol: str | Unset | None = UNSET
    """ The token symbol. """
    name: str | Unset | None = UNSET
    """ The token name. """
    asset_type: str | Unset | None = UNSET
    """ The StarkEx asset type (0x-hex); for ETH and ERC20 it equals the asset id.
     """
    asset_info: str | Unset | None = UNSET
    """ The StarkEx asset info (0x-hex: the kind's selector, then the contract address as
    32 bytes), empty or null when unknown.
     """
    total_supply: str | Unset | None = UNSET
    """ Total supply as a decimal string. """
    count: int | Unset | None = UNSET
    """ Number of tokens minted through Reddio, for ERC721 kinds. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        decimals: int | str
        decimals = self.decimals

        quantum: int | str
        quantum = self.quantum

        contract_address: str | Unset | None
        if isinstance(self.contract_address, Unset):
            contract_address = UNSET
        else:
            contract_address = self.contract_address

        type_: str | Unset | None
        if isinstance(self.type_, Unset):
            type_ = UNSET
        else:
            type_ = self.type_

        symbol: str | Unset | None
        if isinstance(self.symbol, Unset):
            symbol = UNSET
        else:
            symbol = self.symbol

        name: str | Unset | None
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        asset_type: str | Unset | None
        if isinstance(self.asset_type, Unset):
            asset_type = UNSET
        else:
            asset_type = self.asset_type

        asset_info: str | Unset | None
        if isinstance(self.asset_info, Unset):
            asset_info = UNSET
        else:
            asset_info = self.asset_info

        total_supply: str | Unset | None
        if isinstance(self.total_supply, Unset):
            total_supply = UNSET
        else:
            total_supply = self.total_supply

        count: int | Unset | None
        if isinstance(self.count, Unset):
            count = UNSET
        else:
            count = self.count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "decimals": decimals,
                "quantum": quantum,
            }
        )
        if contract_address is not UNSET:
            field_dict["contract_address"] = contract_address
        if type_ is not UNSET:
            field_dict["type"] = type_
        if symbol is not UNSET:
            field_dict["symbol"] = symbol
        if name is not UNSET:
            field_dict["name"] = name
        if asset_type is not UNSET:
            field_dict["asset_type"] = asset_type
        if asset_info is not UNSET:
            field_dict["asset_info"] = asset_info
        if total_supply is not UNSET:
            field_dict["total_supply"] = total_supply
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_decimals(data: object) -> int | str:
            return cast(int | str, data)

        decimals = _parse_decimals(d.pop("decimals"))

        def _parse_quantum(data: object) -> int | str:
            return cast(int | str, data)

        quantum = _parse_quantum(d.pop("quantum"))

        def _parse_contract_address(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contract_address = _parse_contract_address(d.pop("contract_address", UNSET))

        def _parse_type_(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        def _parse_symbol(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        symbol = _parse_symbol(d.pop("symbol", UNSET))

        def _parse_name(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_asset_type(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        asset_type = _parse_asset_type(d.pop("asset_type", UNSET))

        def _parse_asset_info(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        asset_info = _parse_asset_info(d.pop("asset_info", UNSET))

        def _parse_total_supply(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        total_supply = _parse_total_supply(d.pop("total_supply", UNSET))

        def _parse_count(data: object) -> int | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        count = _parse_count(d.pop("count", UNSET))

        contract_info = cls(
            decimals=decimals,
            quantum=quantum,
            contract_address=contract_address,
            type_=type_,
            symbol=symbol,
            name=name,
            asset_type=asset_type,
            asset_info=asset_info,
            total_supply=total_supply,
            count=count,
        )

        contract_info.additional_properties = d
        return contract_info

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
