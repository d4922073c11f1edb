"""Every Reddio operation as a plan: every decision, none of the I/O.

A plan yields the shared steps of :mod:`withdrawal_clients._core.steps` and receives their
outcomes; :class:`~withdrawal_clients.reddio.ReddioClient` and its async twin only carry them
out. Reading answers, checking inputs and the exactly-once rule for withdrawalto live here.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from types import ModuleType
from typing import Any, TypeVar

from reddio_client.api.accounts import get_nonce, get_vault_ids
from reddio_client.api.assets import get_contract_info
from reddio_client.api.records import get_record, get_record_by_signature, get_withdrawal_status
from reddio_client.api.withdrawals import withdrawal, withdrawal_to
from reddio_client.models import ContractInfo as ContractInfoModel
from reddio_client.models import (
    ContractInfoEnvelope,
    NonceEnvelope,
    RecordsEnvelope,
    SequenceIdEnvelope,
    VaultIdsEnvelope,
    WithdrawalRequest,
    WithdrawalStatusEnvelope,
    WithdrawalToRequest,
)
from reddio_client.models import Nonce as NonceModel
from reddio_client.models import Record as RecordModel
from reddio_client.models import SequenceId as SequenceIdModel
from reddio_client.models import VaultIds as VaultIdsModel
from reddio_client.models import WithdrawableAsset as WithdrawableAssetModel
from reddio_client.types import Unset

from .. import errors, starkex
from .._core.answers import error_for_answer, read_json
from .._core.secret import Secret
from .._core.steps import Answer, Exclusive, Extend, Plan, Request, Sleep
from .._core.transport import RetryPolicy, check_seconds
from .._core.writes import Write, write_once
from ..starkex import AssetKind
from . import inputs as check
from .inputs import DEFAULT_EXPIRATION, GivenAmount, SignedWithdrawalTo, StarkKeys
from .results import INT64, ContractInfo, Record, WithdrawableAsset, WithdrawalResult, to_int

T = TypeVar("T")

NETWORKS = {
    "mainnet": "https://api.reddio.com",
    "testnet": "https://api-dev.reddio.com",
    "sepolia": "https://api-sepolia.reddio.com",
}
DUPLICATE_TRANSACTION = 13
# Reddio's error codes that name an error class better than the HTTP status does.
ERRORS_BY_CODE: dict[int | str, type[errors.ApiError]] = {
    32: errors.AuthError,  # InvalidAPIKey
    500: errors.ServerError,  # SystemError
}


# --- reading answers --------------------------------------------------------------------------


def _error_fields(body: object) -> tuple[int | str | None, str | None]:
    """(error_code, error text) of a Reddio envelope."""
    if not isinstance(body, dict):
        return None, None
    code = body.get("error_code")
    text = body.get("error") or body.get("status")
    valid_code = isinstance(code, int) and not isinstance(code, bool)
    return (code if valid_code else None), (text if isinstance(text, str) else None)


def failure(answer: Answer, what: str) -> errors.ApiError:
    """The error a failed Reddio answer stands for."""
    return error_for_answer(answer, what, _error_fields, by_code=ERRORS_BY_CODE)


def read_data(answer: Answer, what: str, model: type[Any], convert: Callable[[Any], T]) -> T:
    """The converted ``data`` of a successful answer; our error for anything else.

    A ``status`` other than "OK" is a failure whatever the HTTP status.
    """
    if not 200 <= answer.status_code < 300:
        raise failure(answer, what)
    raw = read_json(answer, what)
    if not isinstance(raw, dict) or not isinstance(raw.get("status"), str):
        raise _malformed(answer, what, "the body is not a Reddio envelope")
    if raw["status"] != "OK":
        raise failure(answer, what)
    try:
        data = model.from_dict(raw).data
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _malformed(answer, what, "the envelope does not match the spec") from None
    try:
        return convert(None if isinstance(data, Unset) else data)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise _malformed(answer, what, f"unexpected data ({exc})") from None


def _malformed(answer: Answer, what: str, problem: str) -> errors.MalformedResponse:
    return errors.MalformedResponse(
        f"{what}: {problem}", http_status=answer.status_code, body=answer.content
    )


def _expect(data: Any, cls: type[T]) -> T:
    if not isinstance(data, cls):
        raise TypeError(f"expected {cls.__name__}")
    return data


def _items(data: Any, cls: type[T]) -> list[T]:
    if not isinstance(data, list):
        raise TypeError("expected a list")
    return [_expect(item, cls) for item in data]


def _records(data: Any) -> list[Record]:
    """Records of a list answer; Reddio may send null for "none"."""
    return [] if data is None else [Record.from_model(item) for item in _items(data, RecordModel)]


def _sequence_id(data: Any) -> int:
    return to_int(_expect(data, SequenceIdModel).sequence_id, "sequence_id")


# --- the plans --------------------------------------------------------------------------------


class ReddioPlans:
    """Every Reddio operation as a plan; each client holds one and carries its plans out."""

    def __init__(
        self,
        *,
        stark_private_key: int | str | Secret[int] | StarkKeys | None,
        max_retries: int,
        clock: Callable[[], float] | None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.policy = RetryPolicy(max_retries=max_retries)
        if clock is not None and not callable(clock):
            raise errors.InvalidInput("clock", "must be a function returning monotonic seconds")
        self._clock = clock or time.monotonic
        self._wall_clock = wall_clock  # Unix seconds: expiration_timestamp must be ahead of it
        self.keys = None if stark_private_key is None else StarkKeys.of(stark_private_key)
        self.stark_key = None if self.keys is None else self.keys.stark_key

    def _own_stark_key(self, given: object, field: str = "stark_key") -> str:
        if given is not None:
            return check.stark_key_hex(given, field)
        if self.stark_key is None:
            raise errors.InvalidInput(
                field, "is required: pass it, or create the client with stark_private_key"
            )
        return self.stark_key

    @staticmethod
    def _get(
        what: str, endpoint: ModuleType, model: type, convert: Callable[[Any], T], **kwargs: Any
    ) -> Plan[T]:
        answer = yield Request.of(what, endpoint, **kwargs)
        return read_data(answer, what, model, convert)

    # --- lookups ---

    def nonce(self, stark_key: str | None = None) -> Plan[int]:
        key = self._own_stark_key(stark_key)
        return (
            yield from self._get(
                "GET /v1/nonce",
                get_nonce,
                NonceEnvelope,
                lambda data: check.u31(to_int(_expect(data, NonceModel).nonce, "nonce"), "nonce"),
                stark_key=key,
            )
        )

    def vault_ids(self, asset_id: int | str, stark_keys: Sequence[str]) -> Plan[list[int]]:
        asset = hex(check.hex_int(asset_id, "asset_id"))
        if isinstance(stark_keys, str) or not isinstance(stark_keys, Sequence) or not stark_keys:
            raise errors.InvalidInput("stark_keys", "must be a non-empty list of 0x-hex keys")
        keys = [check.receiver_hex(key, "stark_keys") for key in stark_keys]

        def convert(data: Any) -> list[int]:
            ids = [check.u31(v, "vault_id") for v in _expect(data, VaultIdsModel).vault_ids]
            if len(ids) != len(keys):
                raise ValueError(f"{len(ids)} vault ids for {len(keys)} keys")
            return ids

        return (
            yield from self._get(
                "GET /v1/vaults",
                get_vault_ids,
                VaultIdsEnvelope,
                convert,
                asset_id=asset,
                stark_keys=",".join(keys),
            )
        )

    def contract_info(self, contract_address: str, asset_type: str) -> Plan[ContractInfo]:
        kind = check.asset_kind(asset_type)
        address = check.contract(contract_address)
        return (
            yield from self._get(
                "GET /v1/contract_info",
                get_contract_info,
                ContractInfoEnvelope,
                lambda data: ContractInfo.from_model(_expect(data, ContractInfoModel)),
                type_=check.api_name(kind),
                contract_address=address,
            )
        )

    def get_record(self, sequence_id: int, *, stark_key: str | None = None) -> Plan[Record]:
        if isinstance(sequence_id, bool) or not isinstance(sequence_id, int):
            raise errors.InvalidInput("sequence_id", "must be an int")
        if not 0 <= sequence_id < INT64:
            raise errors.InvalidInput("sequence_id", "must be in [0, 2^63) (an int64)")
        key = self._own_stark_key(stark_key)
        what = "GET /v1/record"
        records = yield from self._get(
            what, get_record, RecordsEnvelope, _records, stark_key=key, sequence_id=sequence_id
        )
        if not records:
            raise errors.NotFound(f"{what}: no record with sequence_id {sequence_id}")
        return records[0]

    def record_by_signature(self, r: int | str, s: int | str) -> Plan[Record | None]:
        r_hex, s_hex = hex(check.hex_int(r, "r")), hex(check.hex_int(s, "s"))
        records = yield from self._get(
            "GET /v1/record/by/signature",
            get_record_by_signature,
            RecordsEnvelope,
            _records,
            r=r_hex,
            s=s_hex,
        )
        return records[0] if records else None

    def withdrawal_status(self, eth_address: str) -> Plan[list[WithdrawableAsset]]:
        address = check.eth_address(eth_address, "eth_address")
        return (
            yield from self._get(
                "GET /v1/withdrawal/status",
                get_withdrawal_status,
                WithdrawalStatusEnvelope,
                lambda data: [
                    WithdrawableAsset.from_model(item)
                    for item in ([] if data is None else _items(data, WithdrawableAssetModel))
                ],
                stage="withdrawarea",
                ethaddress=address,
            )
        )

    def wait_for_record(
        self,
        sequence_id: int,
        *,
        timeout: float,
        poll_interval: float,
        stark_key: str | None,
        until: Callable[[Record], bool] | None,
    ) -> Plan[Record]:
        timeout = check_seconds(timeout, "timeout")
        poll_interval = check_seconds(poll_interval, "poll_interval")
        if until is not None and not callable(until):
            raise errors.InvalidInput("until", "must be a callable taking a Record, or None")
        done = until or (lambda record: record.is_final)
        yield Extend(timeout)  # the call may last as long as the wait, and one more call
        deadline = self._clock() + timeout
        last: Record | None = None
        while True:
            with contextlib.suppress(errors.NotFound):  # not visible yet: keep waiting
                last = yield from self.get_record(sequence_id, stark_key=stark_key)
            if last is not None and _satisfied(done, last):
                return last
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise errors.WaitTimeout(
                    f"record {sequence_id} did not settle within {timeout} s", last_seen=last
                )
            yield Sleep(min(poll_interval, remaining))

    # --- writes ---

    def withdraw(
        self,
        *,
        contract_address: str,
        amount: Decimal | int | str,
        token_id: str | int | None,
        stark_key: str | None,
        asset_type: str | None,
        quantized: bool,
    ) -> Plan[WithdrawalResult]:
        address = check.contract(contract_address)
        if asset_type is None:
            nft = token_id not in (None, "")
            asset_type = "ETH" if address == "ETH" else "ERC721" if nft else "ERC20"
        kind = self._kind_for(asset_type, address)
        token = check.token_id_for(token_id, kind)
        given = check.given_amount(amount, quantized=quantized)
        key = self._own_stark_key(stark_key)
        quantized_amount = yield from self._quantize(given, kind, address)
        body = {
            "contract_address": address,
            "token_id": token,
            "stark_key": key,
            "amount": str(quantized_amount),
        }
        what = "POST /v1/withdrawal"
        how = (
            "look for the withdrawal in the stark key's records (Reddio's explorer, or "
            "get_record with a sequence id you hold) before sending it again"
        )
        sequence_id = yield from write_once(
            Write(
                Request.of(what, withdrawal, safe=False, body=WithdrawalRequest.from_dict(body)),
                read=lambda answer: read_data(answer, what, SequenceIdEnvelope, _sequence_id),
                unknown=lambda message, cause: errors.OutcomeUnknown(
                    message, how_to_check=how, cause=cause, request_body=body
                ),
                resend_rate_limited=False,
            ),
            self.policy,
        )
        return WithdrawalResult(sequence_id, body)

    def withdraw_to(
        self,
        *,
        contract_address: str,
        asset_type: str,
        amount: Decimal | int | str,
        receiver: str,
        token_id: str | int | None,
        expiration_timestamp: int,
        nonce: int | None,
        vault_id: int | str | None,
        receiver_vault_id: int | str | None,
        asset_id: int | str | None,
        quantized: bool,
    ) -> Plan[WithdrawalResult]:
        keys = self._signing_keys()
        address = check.contract(contract_address)
        kind = self._kind_for(asset_type, address)
        token = check.token_id_for(token_id, kind)
        given = check.given_amount(amount, quantized=quantized)
        to = check.receiver_hex(receiver)
        expiry = check.expiration_hours(expiration_timestamp, now=self._wall_clock())
        known_nonce = None if nonce is None else check.u31(nonce, "nonce")
        known_vault = None if vault_id is None else check.u31(vault_id, "vault_id")
        known_receiver_vault = (
            None if receiver_vault_id is None else check.u31(receiver_vault_id, "receiver_vault_id")
        )
        asset = None if asset_id is None else check.hex_int(asset_id, "asset_id")
        sender = keys.stark_key

        if asset is None and kind in check.FUNGIBLE_KINDS:
            info = yield from self.contract_info(address, kind)
            asset = _asset_id(kind, address, info.quantum, token)
            quantized_amount = given.quantize(
                decimals=info.decimals, quantum=info.quantum, kind=kind
            )
        else:
            quantized_amount = yield from self._quantize(given, kind, address)
            if asset is None:
                asset = _asset_id(kind, address, 1, token)
        if known_vault is None or known_receiver_vault is None:
            ids = yield from self.vault_ids(asset, [sender, to])
            known_vault = ids[0] if known_vault is None else known_vault
            known_receiver_vault = ids[1] if known_receiver_vault is None else known_receiver_vault
        sign = functools.partial(
            check.build_withdrawal_to,
            stark_private_key=keys,
            contract_address=address,
            asset_id=asset,
            amount=quantized_amount,
            vault_id=known_vault,
            receiver=to,
            receiver_vault_id=known_receiver_vault,
            token_id=token,
            expiration_timestamp=expiry,
        )
        if known_nonce is not None:
            return (yield from self.submit_withdrawal_to(sign(nonce=known_nonce)))
        # The nonce Reddio hands out only moves once a withdrawal is in: two withdrawals of one
        # sender must not fetch it at the same time (identical bodies would also sign alike
        # and be taken for one).
        result: WithdrawalResult = yield Exclusive(self._with_next_nonce(sender, sign), sender)
        return result

    def _with_next_nonce(
        self, sender: str, sign: Callable[..., SignedWithdrawalTo]
    ) -> Plan[WithdrawalResult]:
        nonce = yield from self.nonce(sender)
        return (yield from self.submit_withdrawal_to(sign(nonce=nonce)))

    def submit_withdrawal_to(self, signed: SignedWithdrawalTo) -> Plan[WithdrawalResult]:
        if not isinstance(signed, SignedWithdrawalTo):
            raise errors.InvalidInput("signed", "must be a SignedWithdrawalTo")
        what = "POST /v1/withdrawalto"
        body = WithdrawalToRequest.from_dict(signed.to_dict())

        def read(answer: Answer) -> WithdrawalResult:
            sequence_id = read_data(answer, what, SequenceIdEnvelope, _sequence_id)
            return WithdrawalResult(sequence_id, signed.body, signed.msg_hash)

        return (
            yield from write_once(
                Write(
                    Request.of(what, withdrawal_to, safe=False, body=body),
                    read=read,
                    unknown=lambda message, cause: errors.OutcomeUnknown(
                        message,
                        how_to_check=_how_to_check(signed),
                        cause=cause,
                        request_body=signed.to_dict(),
                    ),
                    look_up=lambda: self._find(signed),
                    duplicate_codes={DUPLICATE_TRANSACTION},
                    lookup_name="signature lookup",
                ),
                self.policy,
            )
        )

    def _find(self, signed: SignedWithdrawalTo) -> Plan[WithdrawalResult | None]:
        """The result of a signed withdrawal Reddio already holds, found by its signature;
        None when Reddio has no record of it."""
        record = yield from self.record_by_signature(signed.r, signed.s)
        if record is None:
            return None
        if record.is_failed:
            raise errors.WithdrawalRejected(
                f"withdrawal {record.sequence_id} failed",
                reason=record.status.name,
                withdrawal=record,
            )
        return WithdrawalResult(record.sequence_id, signed.body, signed.msg_hash, record)

    # --- helpers ---

    def _signing_keys(self) -> StarkKeys:
        if self.keys is None:
            raise errors.InvalidInput(
                "stark_private_key", "is required for a signed call: create the client with it"
            )
        return self.keys

    @staticmethod
    def _kind_for(asset_type: object, address: str) -> AssetKind:
        kind = check.asset_kind(asset_type)
        if (kind == AssetKind.ETH) != (address == "ETH"):
            raise errors.InvalidInput(
                "contract_address", 'must be "ETH" exactly when asset_type is ETH'
            )
        return kind

    def _quantize(self, given: GivenAmount, kind: AssetKind, address: str) -> Plan[int]:
        """The quantized amount, looking up decimals and quantum only when they are needed
        (an NFT's quantum is 1 and its amount 1)."""
        if given.quantized or kind not in check.FUNGIBLE_KINDS:
            return given.quantize(decimals=0, quantum=1, kind=kind)
        info = yield from self.contract_info(address, kind)
        return given.quantize(decimals=info.decimals, quantum=info.quantum, kind=kind)


def _satisfied(until: Callable[[Record], object], record: Record) -> bool:
    """Whether ``until`` (the caller's) holds; its own failure is InvalidInput("until")."""
    try:
        return bool(until(record))
    except Exception as exc:
        failure = errors.InvalidInput("until", f"raised {type(exc).__name__}")
    raise failure


def _asset_id(kind: AssetKind, address: str, quantum: int, token: str) -> int:
    if kind == AssetKind.ETH:
        return starkex.get_asset_id(kind, quantum=quantum)
    if kind in check.FUNGIBLE_KINDS:
        return starkex.get_asset_id(kind, contract_address=address, quantum=quantum)
    return starkex.get_asset_id(
        kind, contract_address=address, quantum=quantum, token_id=int(token)
    )


def _how_to_check(signed: SignedWithdrawalTo) -> str:
    r, s = signed.signature
    return (
        f"look the signature up with record_by_signature(r={r!r}, s={s!r}) "
        "(GET /v1/record/by/signature) before signing anything new; posting the same signed "
        "body again with submit_withdrawal_to() is safe (Reddio refuses a copy as a duplicate)"
    )


__all__ = ["DEFAULT_EXPIRATION", "NETWORKS", "ReddioPlans", "failure", "read_data"]
