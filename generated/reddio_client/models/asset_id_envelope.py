from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.asset_id_data import AssetIdData


T = TypeVar("T", bound="AssetIdEnvelope")


@_attrs_define
class AssetIdEnvelope:
    """Envelope whose `data` holds an asset id."""

    status: str
    """ `"OK"` on success; anything else (Reddio sends `"FAILED"`) is a failure. """
    error: str | Unset | None = UNSET
    """ Failure text; empty or null on success. """
    error_code: int | Unset = UNSET
    """ 0 (or absent) on success. Known failure codes (open list: Reddio's Java SDK knows
    about 36, and new codes may appear): 2 AmountInvalid, 6 NoSuchAssetID,
    8 InsufficientAvailable, 11 FailedToGenerateNonce, 13 DuplicateTransactionError,
    16 FailedToGenerateVaultID, 18 StarkKeyInvalid, 19 InvalidParam, 25 NotSuchToken,
    32 InvalidAPIKey, 34 InvalidSignature, 400 FailedToVerifyParams,
    401 FailedToJSONUnmarshal, 500 SystemError. No code is tied to an HTTP status.
     """
    data: AssetIdData | Unset | None = UNSET
    """ A StarkEx asset id. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.asset_id_data import AssetIdData

        status = self.status

        error: str | Unset | None
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        error_code = self.error_code

        data: dict[str, Any] | Unset | None
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, AssetIdData):
            data = self.data.to_dict()
        else:
            data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.asset_id_data import AssetIdData

        d = dict(src_dict)
        status = d.pop("status")

        def _parse_error(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        error_code = d.pop("error_code", UNSET)

        def _parse_data(data: object) -> AssetIdData | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_asset_id_data_type_0 = AssetIdData.from_dict(data)

                return componentsschemas_asset_id_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssetIdData | None | Unset, data)

        data = _parse_data(d.pop("data", UNSET))

        asset_id_envelope = cls(
            status=status,
            error=error,
            error_code=error_code,
            data=data,
        )

        asset_id_envelope.additional_properties = d
        return asset_id_envelope

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
