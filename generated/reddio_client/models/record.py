from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.record_order import RecordOrder


T = TypeVar("T", bound="Record")


@_attrs_define
class Record:
    """What happened to one submitted transaction."""

    sequence_id: int
    """ The transaction's sequence id. """
    status: int
    """ Known values (open list): 0 SubmittedToReddio, 1 AcceptedByReddio,
    2 FailedOnReddio, 3 AcceptedOnL2, 4 RejectedOnL2, 5 Rolled, 6 AcceptedOnL1.
    1, 3 and 6 are acceptances; 2, 4 and 5 are failures.
     """
    record_type: int | Unset = UNSET
    """ Known values (open list): 1 deposit, 2 mint, 3 transfer, 4 withdraw, 7 ask, 8 bid.
    A withdrawalto to an Ethereum address is a withdraw (4).
     """
    stark_key: str | Unset = UNSET
    """ The stark key that submitted the transaction. """
    amount: str | Unset = UNSET
    """ Quantized amount as a decimal string. """
    display_value: str | Unset = UNSET
    """ Human-readable amount. """
    asset_id: str | Unset = UNSET
    """ The StarkEx asset id. """
    asset_name: str | Unset = UNSET
    """ The token name. """
    asset_type: str | Unset = UNSET
    """ Token kind (ETH, ERC20, ERC721, ...). """
    contract_address: str | Unset = UNSET
    """ The token contract, or `ETH`. """
    token_id: str | Unset = UNSET
    """ The token id; empty for ETH and ERC20. """
    from_: str | Unset = UNSET
    """ The sender. """
    to: str | Unset = UNSET
    """ The receiver. """
    time: int | Unset = UNSET
    """ When the transaction was recorded, in seconds since the Unix epoch. """
    resp: str | Unset | None = UNSET
    """ A text Reddio's Java SDK reads from records; its content is not documented. """
    order: RecordOrder | Unset | None = UNSET
    """ The order behind an ask or bid record (types 7 and 8), as Reddio's Java SDK reads it.
    Its fields are not documented; a withdrawal's record has none (absent or null).
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.record_order import RecordOrder

        sequence_id = self.sequence_id

        status = self.status

        record_type = self.record_type

        stark_key = self.stark_key

        amount = self.amount

        display_value = self.display_value

        asset_id = self.asset_id

        asset_name = self.asset_name

        asset_type = self.asset_type

        contract_address = self.contract_address

        token_id = self.token_id

        from_ = self.from_

        to = self.to

        time = self.time

        resp: str | Unset | None
        if isinstance(self.resp, Unset):
            resp = UNSET
        else:
            resp = self.resp

        order: dict[str, Any] | Unset | None
        if isinstance(self.order, Unset):
            order = UNSET
        elif isinstance(self.order, RecordOrder):
            order = self.order.to_dict()
        else:
            order = self.order

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sequence_id": sequence_id,
                "status": status,
            }
        )
        if record_type is not UNSET:
            field_dict["record_type"] = record_type
        if stark_key is not UNSET:
            field_dict["stark_key"] = stark_key
        if amount is not UNSET:
            field_dict["amount"] = amount
        if display_value is not UNSET:
            field_dict["display_value"] = display_value
        if asset_id is not UNSET:
            field_dict["asset_id"] = asset_id
        if asset_name is not UNSET:
            field_dict["asset_name"] = asset_name
        if asset_type is not UNSET:
            field_dict["asset_type"] = asset_type
        if contract_address is not UNSET:
            field_dict["contract_address"] = contract_address
        if token_id is not UNSET:
            field_dict["token_id"] = token_id
        if from_ is not UNSET:
            field_dict["from"] = from_
        if to is not UNSET:
            field_dict["to"] = to
        if time is not UNSET:
            field_dict["time"] = time
        if resp is not UNSET:
            field_dict["resp"] = resp
        if order is not UNSET:
            field_dict["order"] = order

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record_order import RecordOrder

        d = dict(src_dict)
        sequence_id = d.pop("sequence_id")

        status = d.pop("status")

        record_type = d.pop("record_type", UNSET)

        stark_key = d.pop("stark_key", UNSET)

        amount = d.pop("amount", UNSET)

        display_value = d.pop("display_value", UNSET)

        asset_id = d.pop("asset_id", UNSET)

        asset_name = d.pop("asset_name", UNSET)

        asset_type = d.pop("asset_type", UNSET)

        contract_address = d.pop("contract_address", UNSET)

        token_id = d.pop("token_id", UNSET)

        from_ = d.pop("from", UNSET)

        to = d.pop("to", UNSET)

        time = d.pop("time", UNSET)

        def _parse_resp(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resp = _parse_resp(d.pop("resp", UNSET))

        def _parse_order(data: object) -> RecordOrder | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_record_order_type_0 = RecordOrder.from_dict(data)

                return componentsschemas_record_order_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RecordOrder | Unset, data)

        order = _parse_order(d.pop("order", UNSET))

        record = cls(
            sequence_id=sequence_id,
            status=status,
            record_type=record_type,
            stark_key=stark_key,
            amount=amount,
            display_value=display_value,
            asset_id=asset_id,
            asset_name=asset_name,
            asset_type=asset_type,
            contract_address=contract_address,
            token_id=token_id,
            from_=from_,
            to=to,
            time=time,
            resp=resp,
            order=order,
        )

        record.additional_properties = d
        return record

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
