from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StarkexContracts")


@_attrs_define
class StarkexContracts:
    """The address of Reddio's StarkEx contract per layer-1 network. Reddio has published
    mainnet `0xB62BcD40A24985f560b5a9745d478791d8F1945C`, Sepolia
    `0x682173dd52A16EC51Cb65Bbd6DA1D3baCf831b45` and, for the deprecated Goerli testnet,
    `0x8Eb82154f314EC687957CE1e9c1A5Dc3A3234DF9`.

    """

    mainnet: str | Unset = UNSET
    """ The contract on Ethereum mainnet. """
    testnet: str | Unset = UNSET
    """ The contract on the testnet of `api-dev.reddio.com` (Goerli, deprecated). """
    sepolia: str | Unset = UNSET
    """ The contract on the Sepolia testnet. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mainnet = self.mainnet

        testnet = self.testnet

        sepolia = self.sepolia

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if mainnet is not UNSET:
            field_dict["mainnet"] = mainnet
        if testnet is not UNSET:
            field_dict["testnet"] = testnet
        if sepolia is not UNSET:
            field_dict["sepolia"] = sepolia

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mainnet = d.pop("mainnet", UNSET)

        testnet = d.pop("testnet", UNSET)

        sepolia = d.pop("sepolia", UNSET)

        starkex_contracts = cls(
            mainnet=mainnet,
            testnet=testnet,
            sepolia=sepolia,
        )

        starkex_contracts.additional_properties = d
        return starkex_contracts

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
