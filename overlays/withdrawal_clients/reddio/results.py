"""Typed results of the Reddio client, converted from the generated models.

Converters raise ValueError/TypeError on data that breaks the documented shape or a range the
spec states; the caller turns that into :class:`MalformedResponse` with the HTTP context.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from reddio_client.models import ContractInfo as ContractInfoModel
from reddio_client.models import Record as RecordModel
from reddio_client.models import WithdrawableAsset as WithdrawableAssetModel
from reddio_client.types import Unset

from ..amounts import MAX_DECIMALS

__all__ = ["ContractInfo", "Record", "RecordStatus", "WithdrawableAsset", "WithdrawalResult"]

_DIGITS = re.compile(r"[0-9]+")
INT64 = 2**63  # the spec's int64: sequence ids, statuses, times
UINT256 = 2**256


class RecordStatus(int):
    """A record's status: an int that also knows Reddio's names for the known values.

    The set is open: an unknown value is kept as is, named ``UNKNOWN_<n>``, and is neither
    accepted nor failed (so a waiter keeps waiting rather than guessing).
    """

    SUBMITTED_TO_REDDIO: ClassVar[RecordStatus]
    ACCEPTED_BY_REDDIO: ClassVar[RecordStatus]
    FAILED_ON_REDDIO: ClassVar[RecordStatus]
    ACCEPTED_ON_L2: ClassVar[RecordStatus]
    REJECTED_ON_L2: ClassVar[RecordStatus]
    ROLLED: ClassVar[RecordStatus]
    ACCEPTED_ON_L1: ClassVar[RecordStatus]

    _NAMES: ClassVar[dict[int, str]] = {
        0: "SUBMITTED_TO_REDDIO",
        1: "ACCEPTED_BY_REDDIO",
        2: "FAILED_ON_REDDIO",
        3: "ACCEPTED_ON_L2",
        4: "REJECTED_ON_L2",
        5: "ROLLED",
        6: "ACCEPTED_ON_L1",
    }
    ACCEPTED: ClassVar[frozenset[int]] = frozenset({1, 3, 6})
    FAILED: ClassVar[frozenset[int]] = frozenset({2, 4, 5})

    @property
    def name(self) -> str:
        return self._NAMES.get(int(self), f"UNKNOWN_{int(self)}")

    @property
    def is_accepted(self) -> bool:
        """Accepted by Reddio, on layer 2 or on layer 1 (1, 3, 6)."""
        return int(self) in self.ACCEPTED

    @property
    def is_failed(self) -> bool:
        """Failed on Reddio, rejected on layer 2 or rolled back (2, 4, 5)."""
        return int(self) in self.FAILED

    @property
    def is_final(self) -> bool:
        """Nothing more will happen: failed, or accepted on layer 1."""
        return self.is_failed or int(self) == 6

    def __repr__(self) -> str:
        return f"RecordStatus.{self.name}({int(self)})"

    __str__ = __repr__


for _value, _name in RecordStatus._NAMES.items():
    setattr(RecordStatus, _name, RecordStatus(_value))


def to_int(value: object, what: str, *, low: int = 0, below: int = INT64) -> int:
    """An int in [low, below) from a JSON number or a decimal string (Reddio sends both).

    Out of range is a ValueError like any other break of the spec, so the answer reader
    reports it as a MalformedResponse (never as the caller's InvalidInput).
    """
    if isinstance(value, bool):
        raise TypeError(f"{what}: expected an integer, got a boolean")
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        # Checked before int(): a 5,000-digit string is out of range, not Python's digit limit.
        digits = value.lstrip("0") or "0"
        value = int(digits) if len(digits) <= len(str(below)) else below
    if not isinstance(value, int):
        raise ValueError(f"{what}: expected an integer, got {type(value).__name__}")
    if not low <= value < below:
        upper = f"2^{below.bit_length() - 1}" if below > 1024 else str(below)
        raise ValueError(f"{what}: out of range [{low}, {upper})")
    return value


def _opt_str(value: object) -> str | None:
    if value is None or isinstance(value, Unset):
        return None
    return str(value)


def _opt_int(value: object, what: str) -> int | None:
    if value is None or isinstance(value, Unset):
        return None
    return to_int(value, what)


@attrs.frozen
class Record:
    """What happened to one submitted transaction (``raw`` keeps every field received)."""

    sequence_id: int
    status: RecordStatus
    record_type: int | None
    stark_key: str | None
    amount: str | None
    asset_id: str | None
    contract_address: str | None
    token_id: str | None
    time: int | None
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)

    @property
    def is_accepted(self) -> bool:
        return self.status.is_accepted

    @property
    def is_failed(self) -> bool:
        return self.status.is_failed

    @property
    def is_final(self) -> bool:
        return self.status.is_final

    @classmethod
    def from_model(cls, model: RecordModel) -> Record:
        return cls(
            sequence_id=to_int(model.sequence_id, "record.sequence_id"),
            status=RecordStatus(to_int(model.status, "record.status")),
            record_type=_opt_int(model.record_type, "record.record_type"),
            stark_key=_opt_str(model.stark_key),
            amount=_opt_str(model.amount),
            asset_id=_opt_str(model.asset_id),
            contract_address=_opt_str(model.contract_address),
            token_id=_opt_str(model.token_id),
            time=_opt_int(model.time, "record.time"),
            raw=model.to_dict(),
        )


@attrs.frozen
class ContractInfo:
    """A token contract as Reddio knows it; ``quantum`` and ``decimals`` are always ints."""

    contract_address: str | None
    type: str | None
    decimals: int
    quantum: int
    symbol: str | None
    name: str | None
    asset_type: str | None
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)

    @classmethod
    def from_model(cls, model: ContractInfoModel) -> ContractInfo:
        return cls(
            contract_address=_opt_str(model.contract_address),
            type=_opt_str(model.type_),
            decimals=to_int(model.decimals, "contract_info.decimals", below=MAX_DECIMALS + 1),
            quantum=to_int(model.quantum, "contract_info.quantum", low=1, below=UINT256),
            symbol=_opt_str(model.symbol),
            name=_opt_str(model.name),
            asset_type=_opt_str(model.asset_type),
            raw=model.to_dict(),
        )


@attrs.frozen
class WithdrawableAsset:
    """An asset waiting in the layer-1 withdrawal area, ready to be claimed."""

    contract_address: str | None
    asset_id: str | None
    token_id: str | None
    type: str | None
    symbol: str | None
    amount: str | None
    display_value: str | None
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)

    @classmethod
    def from_model(cls, model: WithdrawableAssetModel) -> WithdrawableAsset:
        return cls(
            contract_address=_opt_str(model.contract_address),
            asset_id=_opt_str(model.asset_id),
            token_id=_opt_str(model.token_id),
            type=_opt_str(model.type_),
            symbol=_opt_str(model.symbol),
            amount=_opt_str(model.amount),
            display_value=_opt_str(model.display_value),
            raw=model.to_dict(),
        )


@attrs.frozen
class WithdrawalResult:
    """An accepted withdrawal: its ``sequence_id`` and, for audit, the exact body posted.

    ``msg_hash`` is the signed StarkEx hash (None for the unsigned ``withdraw``). ``record`` is
    set when the outcome was learned from Reddio's records (a lost answer, or a duplicate).
    """

    sequence_id: int
    body: Mapping[str, Any]
    msg_hash: int | None = None
    record: Record | None = None
