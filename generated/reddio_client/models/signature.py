from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Signature")


@_attrs_define
class Signature:
    """STARK ECDSA signature of the transfer's message hash. It must verify for the body's
    fields and `stark_key`, which a schema cannot say.

    """

    r: str
    """ The signature's r, 0x-hex without leading zeros, non-zero, below 2^251. """
    s: str
    """ The signature's s, 0x-hex without leading zeros, non-zero, below 2^251. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        r = self.r

        s = self.s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "r": r,
                "s": s,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        r = d.pop("r")

        s = d.pop("s")

        signature = cls(
            r=r,
            s=s,
        )

        signature.additional_properties = d
        return signature

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
