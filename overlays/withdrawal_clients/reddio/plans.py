"""Every Reddio operation as a plan: every decision, none of the I/O.

A plan yields the shared steps of :mod:`withdrawal_clients._core.steps` and receives their
outcomes; :class:`~withdrawal_clients.reddio.ReddioClient` and its async twin only carry them
out. Reading answers, checking inputs and the exactly-once rule for withdrawalto live here.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from reddio_client.api.accounts import get_nonce, get_vault_ids
from reddio_client.api.assets import get_contract_info
from reddio_client.api.layer1 import get_starkex_contracts
from reddio_client.api.records import get_record, get_record_by_signature, get_withdrawal_status
from reddio_client.api.withdrawals import withdrawal, withdrawal_to
from reddio_client.models import ContractInfo as ContractInfoModel
from reddio_client.models import (
    ContractInfoEnvelope,
    NonceEnvelope,
    RecordsEnvelope,
    SequenceIdEnvelope,
    StarkexContractsEnvelope,
    VaultIdsEnvelope,
    WithdrawalRequest,
    WithdrawalStatusEnvelope,
    WithdrawalToRequest,
)
from reddio_client.models import Nonce as NonceModel
from reddio_client.models import Record as RecordModel
from reddio_client.models import SequenceId as SequenceIdModel
from reddio_client.models import StarkexContracts as StarkexContractsModel
from reddio_client.models import VaultIds as VaultIdsModel
from reddio_client.models import WithdrawableAsset as WithdrawableAssetModel
from reddio_client.types import Unset

from .. import errors, starkex
from .._core import durable, rules
from .._core.answers import error_for_answer, read_json
from .._core.durable import Recovery
from .._core.secret import Secret
from .._core.steps import Answer, Exclusive, Extend, Plan, Request, Sleep
from .._core.transport import RetryPolicy, check_seconds
from .._core.writes import Write, write_once
from ..starkex import AssetKind
from . import inputs as check
from .inputs import DEFAULT_EXPIRATION, GivenAmount, SignedWithdrawalTo, StarkKeys
from .results import INT64, ContractInfo, Record, WithdrawableAsset, WithdrawalResult, to_int

if TYPE_CHECKING:
    from ..journal import Entry, Journal

T = TypeVar("T")
log = logging.getLogger("withdrawal_clients.reddio")
API = "reddio"
NONCE_ATTEMPTS = 4  # fresh nonces tried when another writer took the one we were handed

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
        journal: Journal | None = None,
        cache_lookups: bool = False,
    ) -> None:
        self.policy = RetryPolicy(max_retries=max_retries)
        if clock is not None and not callable(clock):
            raise errors.InvalidInput("clock", "must be a function returning monotonic seconds")
        self.journal = journal
        if not isinstance(cache_lookups, bool):
            raise errors.InvalidInput("cache_lookups", "must be True or False")
        # Contract info and vault ids cannot change while a payout run lasts: fetched once.
        self._cache: dict[tuple[str, ...], Any] | None = {} if cache_lookups else None
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
        cache = self._cache
        missing = keys if cache is None else [k for k in keys if ("vault", asset, k) not in cache]
        if not missing:
            assert cache is not None
            return [cache[("vault", asset, key)] for key in keys]
        asked = list(dict.fromkeys(missing))

        def convert(data: Any) -> list[int]:
            ids = [check.u31(v, "vault_id") for v in _expect(data, VaultIdsModel).vault_ids]
            if len(ids) != len(asked):
                raise ValueError(f"{len(ids)} vault ids for {len(asked)} keys")
            return ids

        found = yield from self._get(
            "GET /v1/vaults",
            get_vault_ids,
            VaultIdsEnvelope,
            convert,
            asset_id=asset,
            stark_keys=",".join(asked),
        )
        if cache is None:
            by_key = dict(zip(asked, found, strict=True))
        else:
            cache.update({("vault", asset, k): v for k, v in zip(asked, found, strict=True)})
            by_key = {key: cache[("vault", asset, key)] for key in keys}
        return [by_key[key] for key in keys]

    def contract_info(self, contract_address: str, asset_type: str) -> Plan[ContractInfo]:
        kind = check.asset_kind(asset_type)
        address = check.contract(contract_address)
        cached = ("contract_info", address, kind.value)
        if self._cache is not None and cached in self._cache:
            info: ContractInfo = self._cache[cached]
            return info
        info = yield from self._get(
            "GET /v1/contract_info",
            get_contract_info,
            ContractInfoEnvelope,
            lambda data: ContractInfo.from_model(_expect(data, ContractInfoModel)),
            type_=check.api_name(kind),
            contract_address=address,
        )
        if self._cache is not None:
            self._cache[cached] = info
        return info

    def starkex_contracts(self) -> Plan[dict[str, str]]:
        def convert(data: Any) -> dict[str, str]:
            model = _expect(data, StarkexContractsModel)
            listed = {net: getattr(model, net) for net in ("mainnet", "testnet", "sepolia")}
            return {
                net: rules.eth_address(address, net)  # InvalidInput here: a MalformedResponse
                for net, address in listed.items()
                if not isinstance(address, Unset) and address is not None
            }

        return (
            yield from self._get(
                "GET /v1/starkex/contracts",
                get_starkex_contracts,
                StarkexContractsEnvelope,
                convert,
            )
        )

    def asset_id_for(
        self, contract_address: str, asset_type: str, token_id: str | int | None
    ) -> Plan[int]:
        address = check.contract(contract_address)
        kind = self._kind_for(asset_type, address)
        token = check.token_id_for(token_id, kind)
        if kind not in check.FUNGIBLE_KINDS:
            return _asset_id(kind, address, 1, token)
        info = yield from self.contract_info(address, kind)
        return _asset_id(kind, address, info.quantum, token)

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
        ours = [record for record in records if record.sequence_id == sequence_id]
        if not ours:
            raise errors.MalformedResponse(f"{what}: the answer holds other sequence ids")
        if len({json.dumps(dict(r.raw), sort_keys=True, default=str) for r in ours}) > 1:
            raise errors.MalformedResponse(f"{what}: conflicting records for {sequence_id}")
        return ours[0]

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
        idempotency_key: str | None = None,
    ) -> Plan[WithdrawalResult]:
        key = durable.idempotency_key(self.journal, idempotency_key)
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

        def prepare() -> Plan[Callable[..., SignedWithdrawalTo]]:
            """Look up what was not given; the signer of this withdrawal, given a nonce."""
            asset_, vault, receiver_vault = asset, known_vault, known_receiver_vault
            if asset_ is None and kind in check.FUNGIBLE_KINDS:
                info = yield from self.contract_info(address, kind)
                asset_ = _asset_id(kind, address, info.quantum, token)
                units = given.quantize(decimals=info.decimals, quantum=info.quantum, kind=kind)
            else:
                units = yield from self._quantize(given, kind, address)
                if asset_ is None:
                    asset_ = _asset_id(kind, address, 1, token)
            if vault is None or receiver_vault is None:
                ids = yield from self.vault_ids(asset_, [sender, to])
                vault = ids[0] if vault is None else vault
                receiver_vault = ids[1] if receiver_vault is None else receiver_vault
            return functools.partial(
                check.build_withdrawal_to,
                stark_private_key=keys,
                contract_address=address,
                asset_id=asset_,
                amount=units,
                vault_id=vault,
                receiver=to,
                receiver_vault_id=receiver_vault,
                token_id=token,
                expiration_timestamp=expiry,
            )

        if key is not None:
            intent = {
                "contract_address": address,
                "asset_type": check.api_name(kind),
                "amount": str(given.value),
                "quantized": given.quantized,
                "receiver": to,
                "token_id": token,
                "expiration_timestamp": expiry,
                "nonce": known_nonce,
                "vault_id": known_vault,
                "receiver_vault_id": known_receiver_vault,
                "asset_id": None if asset is None else hex(asset),
            }
            return (yield from self._durable_withdraw_to(key, sender, intent, prepare, known_nonce))
        sign = yield from prepare()
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
        for _ in range(NONCE_ATTEMPTS - 1):
            nonce = yield from self.nonce(sender)
            try:
                return (yield from self._submit(sign(nonce=nonce), fetched_nonce=True))
            except errors.ApiError as exc:
                if exc.code != DUPLICATE_TRANSACTION:
                    raise
                log_nonce_taken(nonce)
        nonce = yield from self.nonce(sender)
        return (yield from self._submit(sign(nonce=nonce)))

    def submit_withdrawal_to(
        self, signed: SignedWithdrawalTo, *, maybe_sent: bool = False
    ) -> Plan[WithdrawalResult]:
        if not isinstance(signed, SignedWithdrawalTo):
            raise errors.InvalidInput("signed", "must be a SignedWithdrawalTo")
        if not isinstance(maybe_sent, bool):
            raise errors.InvalidInput("maybe_sent", "must be True or False")
        return (yield from self._submit(signed, sent_before=maybe_sent))

    def _submit(
        self, signed: SignedWithdrawalTo, *, fetched_nonce: bool = False, sent_before: bool = False
    ) -> Plan[WithdrawalResult]:
        """Post a signed body exactly once. ``fetched_nonce``: we took its nonce from Reddio
        just now, so a duplicate on the first post means another writer took that nonce."""
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
                    first_duplicate_is_taken=fetched_nonce,
                ),
                self.policy,
                sent_before=sent_before,
            )
        )

    def _find(self, signed: SignedWithdrawalTo) -> Plan[WithdrawalResult | None]:
        """The result of a signed withdrawal Reddio already holds, found by its signature;
        None when Reddio has no record of it."""
        record = yield from self.record_by_signature(signed.r, signed.s)
        if record is None:
            return None
        _check_record_matches(record, signed)
        if record.is_failed:
            raise errors.WithdrawalRejected(
                f"withdrawal {record.sequence_id} failed",
                reason=record.status.name,
                withdrawal=record,
            )
        return WithdrawalResult(record.sequence_id, signed.body, signed.msg_hash, record)

    # --- the journal ---

    def _durable_withdraw_to(
        self,
        key: str,
        sender: str,
        intent: dict[str, Any],
        prepare: Callable[[], Plan[Callable[..., SignedWithdrawalTo]]],
        known_nonce: int | None,
    ) -> Plan[WithdrawalResult]:
        journal = self._need_journal()
        entry = yield from durable.begin(journal, API, key, sender, intent)
        done = durable.settled(entry, _result_from_journal)
        if done is not None:
            return done
        return (
            yield from durable.holding(
                journal, API, sender, self._send_journaled(key, sender, prepare, known_nonce)
            )
        )

    def _send_journaled(
        self,
        key: str,
        sender: str,
        prepare: Callable[[], Plan[Callable[..., SignedWithdrawalTo]]],
        known_nonce: int | None,
    ) -> Plan[WithdrawalResult]:
        """Under the sender's journal lock: finish what an earlier run left, or sign and send."""
        from ..journal import NonceTaken, State

        journal = self._need_journal()
        entry, done = yield from durable.current(journal, API, key, _result_from_journal)
        if done is not None:
            return done
        yield from self._settle_others(sender, key)
        if entry.state == State.SENDING:
            return (yield from self._post_recorded(entry, sent_before=True))
        sign = yield from prepare()
        for attempt in range(NONCE_ATTEMPTS):
            fetched = known_nonce is None
            nonce = known_nonce if known_nonce is not None else (yield from self.nonce(sender))
            signed = sign(nonce=nonce)
            try:
                recorded = yield from durable.call(
                    functools.partial(journal.mark_sending, nonce=nonce),
                    API,
                    key,
                    _signed_to_journal(signed),
                )
            except NonceTaken:
                if not fetched:
                    raise errors.InvalidInput(
                        "nonce", "is held by another withdrawal of this sender in the journal"
                    ) from None
                yield Sleep(self.policy.backoff_base * 2**attempt)  # Reddio has not counted it yet
                continue
            try:
                return (yield from self._post_recorded(recorded, fetched_nonce=fetched))
            except errors.ApiError as exc:
                if not (fetched and exc.code == DUPLICATE_TRANSACTION):
                    raise
                log_nonce_taken(nonce)  # another writer outside this journal took it
                yield from durable.call(journal.release_nonce, API, key)
        raise errors.ServerError(
            f"GET /v1/nonce: Reddio kept handing out nonces already used for {sender}; "
            "nothing was sent, try again later"
        )

    def _post_recorded(
        self, entry: Entry, *, sent_before: bool = False, fetched_nonce: bool = False
    ) -> Plan[WithdrawalResult]:
        """Post the body an entry recorded, and record how it ended before returning."""
        assert entry.request is not None
        sending = self._submit(
            _signed_from_journal(entry.request),
            fetched_nonce=fetched_nonce,
            sent_before=sent_before,
        )

        def taken(exc: errors.WithdrawalClientError) -> bool:  # not ours: sign again
            return fetched_nonce and getattr(exc, "code", None) == DUPLICATE_TRANSACTION

        return (
            yield from durable.finish(
                durable.need(self.journal), API, entry.key, sending, _result_to_journal, taken
            )
        )

    def _settle_others(self, sender: str, key: str) -> Plan[None]:
        """Settle this sender's other entries that a crash left with a recorded body, so that
        no nonce is taken while one of theirs may still be in flight."""
        from ..journal import State

        journal = self._need_journal()
        entries = yield from durable.call(
            functools.partial(journal.entries, api=API, scope=sender, states=[State.SENDING])
        )
        for other in entries:
            if other.key != key:
                yield from durable.recover_entry(other, self._recorded, _result_from_journal)

    def recover(self) -> Plan[list[Recovery]]:
        sender = self._signing_keys().stark_key
        return (
            yield from durable.recover_all(
                durable.need(self.journal),
                API,
                sender,
                lambda key: sender,  # one sender's entries are settled in turn
                self._recorded,
                _result_from_journal,
            )
        )

    def _recorded(self, entry: Entry) -> Plan[WithdrawalResult]:
        return self._post_recorded(entry, sent_before=True)

    def _need_journal(self) -> Journal:
        return durable.need(self.journal)

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


def log_nonce_taken(nonce: int) -> None:
    log.info("POST /v1/withdrawalto: nonce %d was taken by another writer; signing again", nonce)


def _check_record_matches(record: Record, signed: SignedWithdrawalTo) -> None:
    """A record found by our signature must describe our body in every field it carries."""
    body = signed.body
    ours = {
        "stark_key": int(body["stark_key"], 16),
        "asset_id": int(body["asset_id"], 16),
        "amount": int(body["amount"]),
        "token_id": body["token_id"] or None,
    }
    theirs = {
        "stark_key": _hex_or_none(record.stark_key),
        "asset_id": _hex_or_none(record.asset_id),
        "amount": _int_or_none(record.amount),
        "token_id": record.token_id or None,
    }
    differing = [k for k, v in theirs.items() if v is not None and v != ours[k]]
    if differing:
        raise errors.MalformedResponse(
            "GET /v1/record/by/signature: the record found for our signature differs from the "
            f"signed body in {', '.join(differing)}"
        )


def _hex_or_none(value: object) -> int | None:
    try:
        return int(str(value), 16) if value not in (None, "") else None
    except ValueError:
        return -1  # unreadable: never equal to ours


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return -1


def _signed_to_journal(signed: SignedWithdrawalTo) -> dict[str, Any]:
    return {"body": signed.to_dict(), "msg_hash": hex(signed.msg_hash)}


def _signed_from_journal(recorded: Mapping[str, Any]) -> SignedWithdrawalTo:
    body = dict(recorded["body"])
    signature = MappingProxyType(dict(body["signature"]))
    body["signature"] = signature
    return SignedWithdrawalTo(
        MappingProxyType(body),
        int(recorded["msg_hash"], 16),
        int(signature["r"], 16),
        int(signature["s"], 16),
    )


def _result_to_journal(result: WithdrawalResult) -> dict[str, Any]:
    body = dict(result.body)
    if "signature" in body:
        body["signature"] = dict(body["signature"])
    msg_hash = None if result.msg_hash is None else hex(result.msg_hash)
    return {"sequence_id": result.sequence_id, "body": body, "msg_hash": msg_hash}


def _result_from_journal(recorded: Mapping[str, Any]) -> WithdrawalResult:
    msg_hash = recorded.get("msg_hash")
    return WithdrawalResult(
        int(recorded["sequence_id"]),
        MappingProxyType(dict(recorded["body"])),
        None if msg_hash is None else int(msg_hash, 16),
    )


def _how_to_check(signed: SignedWithdrawalTo) -> str:
    r, s = signed.signature
    return (
        f"look the signature up with record_by_signature(r={r!r}, s={s!r}) "
        "(GET /v1/record/by/signature) before signing anything new; posting the same signed "
        "body again with submit_withdrawal_to() is safe (Reddio refuses a copy as a duplicate)"
    )


__all__ = ["DEFAULT_EXPIRATION", "NETWORKS", "ReddioPlans", "failure", "read_data"]
