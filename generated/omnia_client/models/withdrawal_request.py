from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WithdrawalRequest")


@_attrs_define
class WithdrawalRequest:
    """A signed request to withdraw a token from the DTW contract."""

    instruction_id: str
    """ The client's own reference for this withdrawal, unique per request (a UUID is a good choice). It is the
    idempotency key: reuse it, never replace it, when repeating a request whose outcome is unknown. Omnia publishes
    no character set; in the path of `GET /v2/withdrawals/{instructionId}` it is percent-encoded, and the ids `.`
    and `..` cannot be sent there (URL rules remove them). """
    order_source: str
    """ The chain whose DTW contract holds the funds. Known values: `ETHEREUM`, `OPTIMISM`, `POLYGON`, `LINEA` (and
    `OFFCHAIN` for API trading elsewhere in the API). The list is open: new chains can be added at any time. """
    token_address: str
    """ The ERC-20 contract address of the token to withdraw (0x and 40 hex digits). """
    amount: str
    """ The amount to withdraw in whole token units, as a plain decimal string (no exponent, no sign, no leading
    zeros), e.g. `5.67`. Greater than zero (the pattern says so). """
    deadline: int
    """ The time after which the request must no longer be executed, as a Unix epoch in milliseconds (not seconds),
    e.g. `4102444800000` (2100-01-01). It must be in the future when Omnia receives the request, which a schema
    cannot say; a deadline that has passed is refused with `INVALID_SCHEMA`. """
    signature: str
    """ The depositor's signature authorising this withdrawal, as 0x-prefixed hex. Omnia does not publish which
    message or typed data it covers. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instruction_id = self.instruction_id

        order_source = self.order_source

        token_address = self.token_address

        amount = self.amount

        deadline = self.deadline

        signature = self.signature

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instructionId": instruction_id,
                "orderSource": order_source,
                "tokenAddress": token_address,
                "amount": amount,
                "deadline": deadline,
                "signature": signature,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instruction_id = d.pop("instructionId")

        order_source = d.pop("orderSource")

        token_address = d.pop("tokenAddress")

        amount = d.pop("amount")

        deadline = d.pop("deadline")

        signature = d.pop("signature")

        withdrawal_request = cls(
            instruction_id=instruction_id,
            order_source=order_source,
            token_address=token_address,
            amount=amount,
            deadline=deadline,
            signature=signature,
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
