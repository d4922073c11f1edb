from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Withdrawal")


@_attrs_define
class Withdrawal:
    """A withdrawal as Omnia records it. Fields that do not apply to the current state (a transaction id before the
    transfer, a rejection reason for a successful withdrawal) are absent or null; fields not listed here may appear and
    must be ignored.

    """

    instruction_id: str
    """ The client's reference given when the withdrawal was requested. """
    order_source: str
    """ The chain of the DTW contract, as requested. Known values: `ETHEREUM`, `OPTIMISM`, `POLYGON`, `LINEA`,
    `OFFCHAIN`; others can appear. """
    token_address: str
    """ The ERC-20 contract address of the withdrawn token. """
    amount: str
    """ The amount in whole token units, as a plain decimal string. """
    status: str
    """ The withdrawal's state. `COMPLETED` (documented) means it succeeded. Other states exist but are not
    documented: a client should treat `REJECTED`, `FAILED`, `CANCELLED` and `EXPIRED` (or any state with a
    `rejectionReason`) as final failures and anything else as still in progress. """
    rejection_reason: str | Unset | None = UNSET
    """ Why the withdrawal was rejected; absent or null unless it was. """
    transaction_id: str | Unset | None = UNSET
    """ The hash of the on-chain transaction that moved the funds; absent or null until there is one. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instruction_id = self.instruction_id

        order_source = self.order_source

        token_address = self.token_address

        amount = self.amount

        status = self.status

        rejection_reason: str | Unset | None
        if isinstance(self.rejection_reason, Unset):
            rejection_reason = UNSET
        else:
            rejection_reason = self.rejection_reason

        transaction_id: str | Unset | None
        if isinstance(self.transaction_id, Unset):
            transaction_id = UNSET
        else:
            transaction_id = self.transaction_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instructionId": instruction_id,
                "orderSource": order_source,
                "tokenAddress": token_address,
                "amount": amount,
                "status": status,
            }
        )
        if rejection_reason is not UNSET:
            field_dict["rejectionReason"] = rejection_reason
        if transaction_id is not UNSET:
            field_dict["transactionId"] = transaction_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instruction_id = d.pop("instructionId")

        order_source = d.pop("orderSource")

        token_address = d.pop("tokenAddress")

        amount = d.pop("amount")

        status = d.pop("status")

        def _parse_rejection_reason(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rejection_reason = _parse_rejection_reason(d.pop("rejectionReason", UNSET))

        def _parse_transaction_id(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        transaction_id = _parse_transaction_id(d.pop("transactionId", UNSET))

        withdrawal = cls(
            instruction_id=instruction_id,
            order_source=order_source,
            token_address=token_address,
            amount=amount,
            status=status,
            rejection_reason=rejection_reason,
            transaction_id=transaction_id,
        )

        withdrawal.additional_properties = d
        return withdrawal

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
