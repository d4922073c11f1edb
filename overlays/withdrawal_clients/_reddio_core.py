"""What the sync and async Reddio clients share: every decision, none of the I/O.

Each client operation is written once, as a generator ("flow") that yields steps and
receives their outcomes:

- :class:`Call` — send one generated operation; the driver answers with an :class:`Answer`.
  A safe call (a GET) is retried by the driver; an unsafe one (a POST) is tried once and a
  lost answer comes back as :class:`Lost`, for the flow to decide.
- :class:`Sleep` — wait; the driver answers with None.
- :class:`Exclusive` — run a sub-flow holding the client's lock (one at a time per client).

The clients (``reddio.py``, driven by ``_shell.run``/``_shell.arun``) only perform steps,
so retries, reconciliation and error mapping live here, in one place.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from decimal import Decimal
from types import ModuleType
from typing import Any, TypeVar

import attrs
import httpx
from reddio_client import Client
from reddio_client.api.accounts import get_nonce, get_vault_ids
from reddio_client.api.assets import get_contract_info
from reddio_client.api.records import get_record, get_record_by_signature, get_withdrawal_status
from reddio_client.api.withdrawals import withdrawal, withdrawal_to
from reddio_client.models import ContractInfo as ContractInfoModel
from reddio_client.models import (
    ContractInfoEnvelope,
    Envelope,
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

from . import _reddio_inputs as check
from . import errors, starkex
from ._reddio_inputs import DEFAULT_EXPIRATION, GivenAmount, SignedWithdrawalTo
from ._reddio_results import ContractInfo, Record, WithdrawableAsset, WithdrawalResult, to_int
from ._secret import Secret
from ._shell import Sleep
from ._transport import (
    RetryPolicy,
    check_seconds,
    decode_json,
    map_transport_error,
    may_have_been_sent,
    parse_retry_after,
    retry_delay,
)

log = logging.getLogger("withdrawal_clients.reddio")

T = TypeVar("T")

NETWORKS = {
    "mainnet": "https://api.reddio.com",
    "testnet": "https://api-dev.reddio.com",
    "sepolia": "https://api-sepolia.reddio.com",
}
DUPLICATE_TRANSACTION = 13
INVALID_API_KEY = 32
SYSTEM_ERROR = 500


@attrs.frozen
class Call:
    """Send one generated operation (``api`` is its module) with ``kwargs``."""

    what: str
    api: ModuleType
    kwargs: Mapping[str, Any]
    model: type[Any]
    safe: bool = True


@attrs.frozen
class Exclusive:
    """Run ``flow`` while holding the client's nonce lock; the answer is the flow's result."""

    flow: Generator[Any, Any, Any]


@attrs.frozen
class Answer:
    """An HTTP answer; ``parsed`` is the generated model, or None when it could not be parsed."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    parsed: Any

    @classmethod
    def unparsed(cls, response: httpx.Response) -> Answer:
        return cls(response.status_code, response.headers, response.content, None)


@attrs.frozen
class Lost:
    """A call tried once got no answer."""

    error: httpx.TransportError


Step = Call | Sleep | Exclusive
Flow = Generator[Step, Any, T]


# --- interpreting answers -------------------------------------------------------------------


def api_error(answer: Answer, what: str, message: str, code: int | None) -> errors.ApiError:
    """The error class for a failed answer: HTTP status first, then Reddio's error_code."""
    status = answer.status_code
    text = f"{what}: {message}"
    kwargs: dict[str, Any] = {"code": code, "http_status": status, "body": answer.content}
    if status == 401 or code == INVALID_API_KEY:
        return errors.AuthError(text, **kwargs)
    if status == 403:
        return errors.PermissionDenied(text, **kwargs)
    if status == 404:
        return errors.NotFound(text, **kwargs)
    if status == 429:
        retry_after = parse_retry_after(answer.headers.get("retry-after"))
        return errors.RateLimited(text, retry_after=retry_after, **kwargs)
    if status >= 500 or code == SYSTEM_ERROR:
        return errors.ServerError(text, **kwargs)
    if status == 400:
        return errors.BadRequest(text, **kwargs)
    return errors.ApiError(text, **kwargs)


def _malformed(answer: Answer, what: str, problem: str) -> errors.MalformedResponse:
    return errors.MalformedResponse(
        f"{what}: {problem}", http_status=answer.status_code, body=answer.content
    )


def _envelope(answer: Answer, call: Call) -> Any:
    """The generated envelope of an answer, parsing the raw body when the generated code could
    not (an undocumented status, an HTML page, a truncated or odd body)."""
    if isinstance(answer.parsed, call.model | Envelope):
        return answer.parsed
    try:
        raw = decode_json(answer.content, http_status=answer.status_code, what=call.what)
    except errors.MalformedResponse as exc:
        if answer.status_code >= 400:
            raise api_error(answer, call.what, f"HTTP {answer.status_code}; {exc}", None) from None
        raise
    if not isinstance(raw, dict) or not isinstance(raw.get("status"), str):
        if answer.status_code >= 400:
            raise api_error(answer, call.what, f"HTTP {answer.status_code}", None)
        raise _malformed(answer, call.what, "the body is not a Reddio envelope")
    try:
        return (call.model if raw["status"] == "OK" else Envelope).from_dict(raw)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _malformed(answer, call.what, "the envelope does not match the spec") from None


def interpret(answer: Answer, call: Call, convert: Callable[[Any], T]) -> T:
    """The converted ``data`` of a successful answer; an error for anything else.

    A ``status`` other than "OK" is a failure whatever the HTTP status.
    """
    envelope = _envelope(answer, call)
    code = envelope.error_code if isinstance(envelope.error_code, int) else None
    if envelope.status != "OK":
        raise api_error(answer, call.what, str(envelope.error or envelope.status), code)
    if not 200 <= answer.status_code < 300:
        raise api_error(answer, call.what, f"HTTP {answer.status_code}", code)
    data = getattr(envelope, "data", None)
    if isinstance(data, Unset):
        data = None  # converters decide whether "no data" is an empty result or malformed
    try:
        return convert(data)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise _malformed(answer, call.what, f"unexpected data ({exc})") from None


def _expect(data: Any, cls: type[T]) -> T:
    if not isinstance(data, cls):
        raise TypeError(f"expected {cls.__name__}")
    return data


def _items(data: Any, cls: type[T]) -> list[T]:
    if not isinstance(data, list):
        raise TypeError("expected a list")
    return [_expect(item, cls) for item in data]


def _sequence_id(data: Any) -> int:
    return to_int(_expect(data, SequenceIdModel).sequence_id, "sequence_id")


# --- the shared core ------------------------------------------------------------------------


class ReddioFlows:
    """Every Reddio operation as a flow; the sync and async clients each hold one and run its
    flows with their own I/O."""

    def __init__(
        self,
        base_url: str | None,
        *,
        network: str,
        stark_private_key: int | str | Secret[int] | check.StarkKeys | None,
        max_retries: int,
        clock: Callable[[], float] | None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if base_url is None:
            if network not in NETWORKS:
                raise errors.InvalidInput("network", f"must be one of {', '.join(NETWORKS)}")
            base_url = NETWORKS[network]
        self.base_url = base_url
        self._policy = RetryPolicy(max_retries=max_retries)
        self._clock = clock or time.monotonic
        self._wall_clock = wall_clock  # Unix seconds: expiration_timestamp must be ahead of it
        self._keys = None if stark_private_key is None else check.StarkKeys.of(stark_private_key)
        self.stark_key = None if self._keys is None else self._keys.stark_key
        self.api = Client(base_url=base_url)  # the generated client; the shell sets its httpx

    def _own_stark_key(self, given: object, field: str = "stark_key") -> str:
        if given is not None:
            return check.stark_key_hex(given, field)
        if self.stark_key is None:
            raise errors.InvalidInput(
                field, "is required: pass it, or create the client with stark_private_key"
            )
        return self.stark_key

    def _get(
        self, what: str, api: ModuleType, model: type, convert: Callable[[Any], T], **kwargs: Any
    ) -> Flow[T]:
        call = Call(what, api, kwargs, model)
        answer = yield call
        return interpret(answer, call, convert)

    # --- lookups ---

    def nonce(self, stark_key: str | None = None) -> Flow[int]:
        """The nonce the next signed transaction of ``stark_key`` (default: ours) must carry."""
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

    def vault_ids(self, asset_id: int | str, stark_keys: Sequence[str]) -> Flow[list[int]]:
        """The vault id of each stark key (or Ethereum address) for ``asset_id``, in order."""
        asset = hex(check.hex_int(asset_id, "asset_id"))
        if isinstance(stark_keys, str) or not stark_keys:
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

    def contract_info(self, contract_address: str, asset_type: str) -> Flow[ContractInfo]:
        """Reddio's view of a token contract; ``quantum`` and ``decimals`` as ints."""
        kind = check.asset_kind(asset_type)
        address = check.contract(contract_address)
        return (
            yield from self._get(
                "GET /v1/contract_info",
                get_contract_info,
                ContractInfoEnvelope,
                lambda data: ContractInfo.from_model(_expect(data, ContractInfoModel)),
                type_=kind,
                contract_address=address,
            )
        )

    def get_record(self, sequence_id: int, *, stark_key: str | None = None) -> Flow[Record]:
        """The record of ``sequence_id`` (sent by ``stark_key``, default ours); NotFound if none."""
        if isinstance(sequence_id, bool) or not isinstance(sequence_id, int) or sequence_id < 0:
            raise errors.InvalidInput("sequence_id", "must be a non-negative int")
        key = self._own_stark_key(stark_key)
        what = "GET /v1/record"
        records = yield from self._get(
            what, get_record, RecordsEnvelope, _records, stark_key=key, sequence_id=sequence_id
        )
        if not records:
            raise errors.NotFound(f"{what}: no record with sequence_id {sequence_id}")
        return records[0]

    def record_by_signature(self, r: int | str, s: int | str) -> Flow[Record | None]:
        """The record a signature produced, or None when Reddio has none."""
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

    def withdrawal_status(self, eth_address: str) -> Flow[list[WithdrawableAsset]]:
        """Assets that ``eth_address`` can claim on layer 1 (the withdrawal area)."""
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
        timeout: float = 600.0,
        poll_interval: float = 5.0,
        stark_key: str | None = None,
        until: Callable[[Record], bool] | None = None,
    ) -> Flow[Record]:
        """Poll the record until ``until(record)`` (default: it is final); WaitTimeout after
        ``timeout`` seconds, carrying the last record seen. A record not yet visible is waited
        for. The returned record may be failed: check ``record.is_accepted``."""
        timeout = check_seconds(timeout, "timeout")
        poll_interval = check_seconds(poll_interval, "poll_interval")
        done = until or (lambda record: record.is_final)
        deadline = self._clock() + timeout
        last: Record | None = None
        while True:
            with contextlib.suppress(errors.NotFound):  # not visible yet: keep waiting
                last = yield from self.get_record(sequence_id, stark_key=stark_key)
            if last is not None and done(last):
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
        token_id: str | int | None = "",
        stark_key: str | None = None,
        asset_type: str | None = None,
        quantized: bool = False,
    ) -> Flow[WithdrawalResult]:
        """The unsigned ``POST /v1/withdrawal``. Never repeated once it may have reached Reddio:
        a lost answer raises OutcomeUnknown. ``asset_type`` defaults to ETH for
        ``contract_address="ETH"``, ERC721 when a token id is given, ERC20 otherwise."""
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
        call = Call(
            "POST /v1/withdrawal",
            withdrawal,
            {"body": WithdrawalRequest.from_dict(body)},
            SequenceIdEnvelope,
            safe=False,
        )
        how = (
            "look for the withdrawal in the stark key's records (Reddio's explorer, or "
            "get_record with a sequence id you hold) before sending it again"
        )
        attempt = 0
        while True:
            outcome = yield call
            if isinstance(outcome, Answer):
                try:
                    return WithdrawalResult(interpret(outcome, call, _sequence_id), body)
                except (errors.ServerError, errors.MalformedResponse) as exc:
                    raise errors.OutcomeUnknown(
                        f"{call.what}: the answer was a failure that may follow the withdrawal",
                        how_to_check=how,
                        cause=exc,
                        request_body=body,
                    ) from exc
            if may_have_been_sent(outcome.error):
                raise errors.OutcomeUnknown(
                    f"{call.what}: no answer after sending ({type(outcome.error).__name__})",
                    how_to_check=how,
                    cause=outcome.error,
                    request_body=body,
                ) from outcome.error
            delay = retry_delay(self._policy, attempt)
            if delay is None:
                raise map_transport_error(outcome.error, call.what) from outcome.error
            yield Sleep(delay)
            attempt += 1

    def withdraw_to(
        self,
        *,
        contract_address: str,
        asset_type: str,
        amount: Decimal | int | str,
        receiver: str,
        token_id: str | int | None = None,
        expiration_timestamp: int = DEFAULT_EXPIRATION,
        nonce: int | None = None,
        vault_id: int | str | None = None,
        receiver_vault_id: int | str | None = None,
        asset_id: int | str | None = None,
        quantized: bool = False,
    ) -> Flow[WithdrawalResult]:
        """Sign and post ``POST /v1/withdrawalto`` exactly once.

        ``amount`` is a human amount (Decimal, decimal string, or int of whole tokens) unless
        ``quantized=True``. Missing values are looked up: contract info (quantum, decimals),
        the asset id (computed locally), both vault ids and the nonce. Explicit values skip
        those lookups. ``expiration_timestamp`` is in hours since the Unix epoch and must be
        later than the current hour. A lost answer is reconciled through the signature before
        anything is sent again; a duplicate answer resolves to the original record.
        """
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
        # client must not fetch it at the same time (identical bodies would also sign alike
        # and be taken for one). The client runs this part one withdrawal at a time.
        result: WithdrawalResult = yield Exclusive(self._with_next_nonce(sender, sign))
        return result

    def _with_next_nonce(
        self, sender: str, sign: Callable[..., SignedWithdrawalTo]
    ) -> Flow[WithdrawalResult]:
        nonce = yield from self.nonce(sender)
        return (yield from self.submit_withdrawal_to(sign(nonce=nonce)))

    def submit_withdrawal_to(self, signed: SignedWithdrawalTo) -> Flow[WithdrawalResult]:
        """Post a signed withdrawalto (e.g. from :func:`build_withdrawal_to`) exactly once.

        Not sent for sure (connection refused, 429): sent again after a pause. Maybe applied
        (timeout or reset after sending, 5xx, unreadable 2xx): the signature is looked up
        first, and only if Reddio has no record is the very same body sent again.
        """
        if not isinstance(signed, SignedWithdrawalTo):
            raise errors.InvalidInput("signed", "must be a SignedWithdrawalTo")
        call = Call(
            "POST /v1/withdrawalto",
            withdrawal_to,
            {"body": WithdrawalToRequest.from_dict(signed.to_dict())},
            SequenceIdEnvelope,
            safe=False,
        )
        attempt = 0
        sent_before = False  # an earlier copy may have reached Reddio
        while True:
            outcome = yield call
            retry_after = None
            cause: Exception
            if isinstance(outcome, Lost):
                cause = map_transport_error(outcome.error, call.what)
                maybe_applied = may_have_been_sent(outcome.error)
            else:
                try:
                    sequence_id = interpret(outcome, call, _sequence_id)
                    return WithdrawalResult(sequence_id, signed.body, signed.msg_hash)
                except errors.ApiError as exc:
                    if exc.code == DUPLICATE_TRANSACTION:
                        log.info("%s: duplicate; resolving to the original record", call.what)
                        original = yield from self._resolve(signed, exc)
                        if original is None:
                            raise errors.OutcomeUnknown(
                                f"{call.what}: Reddio reports a duplicate but has no record yet",
                                how_to_check=_how_to_check(signed),
                                cause=exc,
                                request_body=signed.to_dict(),
                            ) from exc
                        return original
                    if not isinstance(
                        exc, errors.RateLimited | errors.ServerError | errors.MalformedResponse
                    ):
                        if not sent_before:
                            raise
                        # The refusal of a copy (funds gone, nonce used) may be the earlier
                        # copy's doing: it does not say the withdrawal failed.
                        original = yield from self._resolve(signed, exc)
                        if original is None:
                            raise errors.OutcomeUnknown(
                                f"{call.what}: a copy was refused after an earlier one may "
                                "have gone through",
                                how_to_check=_how_to_check(signed),
                                cause=exc,
                                request_body=signed.to_dict(),
                            ) from exc
                        return original
                    cause, maybe_applied = exc, not isinstance(exc, errors.RateLimited)
                    retry_after = outcome.headers.get("retry-after")
            if maybe_applied:
                sent_before = True
                log.info("%s: answer lost (%s); looking the signature up", call.what, cause)
                found = yield from self._resolve(signed, cause)
                if found is not None:
                    return found
            delay = retry_delay(self._policy, attempt, retry_after=retry_after)
            if delay is None:
                if maybe_applied:
                    raise errors.OutcomeUnknown(
                        f"{call.what}: no answer, and no record for its signature yet",
                        how_to_check=_how_to_check(signed),
                        cause=cause,
                        request_body=signed.to_dict(),
                    ) from cause
                raise cause
            log.info("%s: sending the same signed body again in %.2f s", call.what, delay)
            yield Sleep(delay)
            attempt += 1

    def _resolve(
        self, signed: SignedWithdrawalTo, cause: Exception
    ) -> Flow[WithdrawalResult | None]:
        """The result of a signed withdrawal Reddio already holds, found by its signature;
        None when Reddio has no record of it."""
        r, s = signed.signature
        try:
            record = yield from self.record_by_signature(r, s)
        except errors.WithdrawalClientError as exc:
            raise errors.OutcomeUnknown(
                "POST /v1/withdrawalto: the outcome is unknown and the signature lookup failed",
                how_to_check=_how_to_check(signed),
                cause=cause,
                request_body=signed.to_dict(),
            ) from exc
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

    def _signing_keys(self) -> check.StarkKeys:
        if self._keys is None:
            raise errors.InvalidInput(
                "stark_private_key", "is required for a signed call: create the client with it"
            )
        return self._keys

    @staticmethod
    def _kind_for(asset_type: object, address: str) -> str:
        kind = check.asset_kind(asset_type)
        if (kind == "ETH") != (address == "ETH"):
            raise errors.InvalidInput(
                "contract_address", 'must be "ETH" exactly when asset_type is ETH'
            )
        return kind

    def _quantize(self, given: GivenAmount, kind: str, address: str) -> Flow[int]:
        """The quantized amount, looking up decimals and quantum only when they are needed
        (an NFT's quantum is 1 and its amount 1)."""
        if given.quantized or kind not in check.FUNGIBLE_KINDS:
            return given.quantize(decimals=0, quantum=1, kind=kind)
        info = yield from self.contract_info(address, kind)
        return given.quantize(decimals=info.decimals, quantum=info.quantum, kind=kind)


def _records(data: Any) -> list[Record]:
    """Records of a list answer; Reddio may send null for "none"."""
    return [] if data is None else [Record.from_model(item) for item in _items(data, RecordModel)]


def _asset_id(kind: str, address: str, quantum: int, token: str) -> int:
    if kind == "ETH":
        return starkex.get_asset_id("ETH", quantum=quantum)
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
