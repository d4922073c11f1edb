from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """An error answer. Omnia's endpoint pages document `code` and `description`; a summary page names the same fields
    `error_code` and `error_message`. Every field is optional so that both shapes parse; read whichever is present.

    """

    code: str | Unset = UNSET
    """ The machine-readable error code, e.g. `INVALID_JWT_TOKEN`, `INVALID_PERMISSIONS`,
    `UNKNOWN_WITHDRAWAL_REQUEST`, `ORDER_SOURCE_NOT_FOUND` or `INVALID_ORDER_SOURCE` (the same error under two
    names), `INVALID_SCHEMA`. The list is open. """
    description: str | Unset = UNSET
    """ A human-readable explanation of the error. """
    error_code: str | Unset = UNSET
    """ The error code under its alternative name (same values as `code`). """
    error_message: str | Unset = UNSET
    """ The explanation under its alternative name (same as `description`). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        description = self.description

        error_code = self.error_code

        error_message = self.error_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if description is not UNSET:
            field_dict["description"] = description
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if error_message is not UNSET:
            field_dict["error_message"] = error_message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code", UNSET)

        description = d.pop("description", UNSET)

        error_code = d.pop("error_code", UNSET)

        error_message = d.pop("error_message", UNSET)

        error = cls(
            code=code,
            description=description,
            error_code=error_code,
            error_message=error_message,
        )

        error.additional_properties = d
        return error

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
