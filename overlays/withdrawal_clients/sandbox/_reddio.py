"""Reddio's layer 2 as the sandbox keeps it: assets, balances, vaults, nonces, records.

Pure logic, no HTTP: every endpoint takes the parsed query or body and returns
``(http_status, envelope)``. A request is checked in a fixed order, so that the same
malformed field always gets the same answer: first the spec's field rules
(:mod:`._requests`), then the rules a schema cannot state (ranges, an expiry in the future),
both answered 400; then the signature; then what depends on state (duplicates, assets, vaults,
balances), answered 200 with ``status: FAILED``. Record statuses are computed from the clock
when read, so time-driven transitions need no background task and follow a manual clock.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .. import amounts, starkex
from . import _requests as requests
from ._clock import Clock
from ._config import SandboxConfig

Reply = tuple[int, dict[str, Any]]
Query = Mapping[str, str]
#: An endpoint of the ledger: the parsed query (GET) or body (POST) in, a reply out.
Endpoint = Callable[["ReddioLedger", Any], Reply]

# Reddio's error codes (an open list; these are the ones the sandbox produces).
AMOUNT_INVALID = 2
NO_SUCH_ASSET_ID = 6
INSUFFICIENT_AVAILABLE = 8
DUPLICATE_TRANSACTION = 13
STARK_KEY_INVALID = 18
INVALID_PARAM = 19
INVALID_SIGNATURE = 34
FAILED_TO_JSON_UNMARSHAL = 401
#: The code of a malformed field, when it is not 19 InvalidParam.
_FIELD_CODES = {
    "body": FAILED_TO_JSON_UNMARSHAL,
    "stark_key": STARK_KEY_INVALID,
    "amount": AMOUNT_INVALID,
}

# Record statuses and types (a withdrawalto to an Ethereum address is a withdraw).
SUBMITTED, ACCEPTED, ACCEPTED_ON_L2, ACCEPTED_ON_L1 = 0, 1, 3, 6
RECORD_TRANSFER, RECORD_WITHDRAW = 3, 4

# Ranges the specs' patterns bound only by length.
AMOUNT_BOUND = 2**63
TOKEN_ID_BOUND = 2**256
QUANTUM_BOUND = 2**128
ETH_ADDRESS_BOUND = 2**160
DEFAULT_EXPIRATION = 2**22 - 1


class Refused(Exception):
    """A request Reddio answers with ``status: FAILED``: HTTP 400 when it is malformed, else 200."""

    def __init__(self, error_code: int, error: str, http_status: int = 200) -> None:
        self.error_code = error_code
        self.error = error
        self.http_status = http_status
        super().__init__(error)


def malformed(field: str, rule: str, code: int = INVALID_PARAM) -> Refused:
    return Refused(code, f"{field}: {rule}", 400)


def ok(data: Any) -> Reply:
    return 200, {"status": "OK", "error": "", "error_code": 0, "data": data}


def failed(refusal: Refused) -> Reply:
    """A failure envelope, with ``data: null`` (Reddio's Python SDK reads ``data`` always)."""
    body = {"status": "FAILED", "error": refusal.error, "error_code": refusal.error_code}
    return refusal.http_status, {**body, "data": None}


def _replies(endpoint: Endpoint) -> Endpoint:
    """An endpoint whose refusals become failure envelopes."""

    def answer(ledger: ReddioLedger, request: Any) -> Reply:
        try:
            return endpoint(ledger, request)
        except Refused as refusal:
            return failed(refusal)

    return functools.update_wrapper(answer, endpoint)


def _checked(method: str, path: str, values: Any) -> dict[str, Any]:
    """The request's values once they keep the spec's rules for ``method path``."""
    rules = requests.REDDIO[(method, path)]
    try:
        if method == "GET":
            return requests.check_query(rules, values)
        return requests.check_body(rules, values)
    except requests.Invalid as exc:
        code = _FIELD_CODES.get(exc.field, INVALID_PARAM)
        raise malformed(exc.field, exc.rule, code) from None


def _below(value: int, bound: int, field: str, code: int = INVALID_PARAM) -> int:
    if value >= bound:
        raise malformed(field, f"must be below 2^{bound.bit_length() - 1}", code)
    return value


def _amount(text: str) -> int:
    return _below(int(text), AMOUNT_BOUND, "amount", AMOUNT_INVALID)


def _token_number(text: str) -> str:
    if text:
        _below(int(text), TOKEN_ID_BOUND, "token_id")
    return text


@attrs.frozen
class Asset:
    """A seeded asset; ERC721 ids also depend on the token id."""

    kind: str  # "ETH", "ERC20", "ERC721", "ERC721M" (minted on layer 1 when withdrawn)
    contract_address: str  # "ETH" for ether, else a lower-case 0x address
    symbol: str
    name: str
    decimals: int
    quantum: int

    def asset_id(self, token_id: str = "") -> int:
        if self.kind == "ETH":
            return starkex.get_asset_id("ETH", quantum=self.quantum)
        if self.is_nft:
            return starkex.get_asset_id(
                self.kind, contract_address=self.contract_address, token_id=int(token_id)
            )
        return starkex.get_asset_id(
            self.kind, contract_address=self.contract_address, quantum=self.quantum
        )

    def asset_type(self) -> str | None:
        """The StarkEx asset type as hex; left unknown (None) for an ERC721 contract."""
        return None if self.is_nft else hex(self.asset_id())

    @property
    def is_nft(self) -> bool:
        return self.kind in ("ERC721", "ERC721M")

    def display(self, quantized: int) -> str:
        """The human amount of a quantized one, as an exact decimal string."""
        return amounts.format_decimal(amounts.dequantize(quantized, self.decimals, self.quantum))

    def quantize(self, human: Decimal) -> int:
        """Quanta of a human amount (InvalidInput when it is not a whole number of them)."""
        return 0 if human == 0 else amounts.quantize(human, self.decimals, self.quantum)


SEEDED_ASSETS = (
    Asset("ETH", "ETH", "ETH", "Ether", 18, 10**12),
    Asset("ERC20", "0x5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d0020", "SBXUSD", "Sandbox USD", 6, 1),
    Asset("ERC721", "0x5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d0721", "SBXNFT", "Sandbox NFT", 0, 1),
    Asset("ERC721M", "0x5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d721d", "SBXMNT", "Sandbox Mint", 0, 1),
)


@attrs.define
class Record:
    sequence_id: int
    stark_key: int
    asset: Asset
    asset_id: int
    token_id: str
    amount: int  # quantized
    created: float
    record_type: int = RECORD_WITHDRAW
    receiver: str | None = None  # as posted (lower case); None for the unsigned /v1/withdrawal
    signature: tuple[int, int] | None = None


@attrs.frozen
class L1Credit:
    """A withdrawal that reached status 6: what layer 1 now holds for ``owner_key`` (the
    receiver of a withdrawalto, the sender's stark key for /v1/withdrawal)."""

    owner_key: int
    asset: Asset
    asset_id: int
    token_id: str
    amount: int  # quantized


class ReddioLedger:
    """The whole Reddio state of one sandbox; safe to call from several threads."""

    def __init__(self, config: SandboxConfig, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._assets = {a.contract_address.lower(): a for a in SEEDED_ASSETS}
        eth, erc20, *nfts = SEEDED_ASSETS
        self._starting_balances = {  # quantized, per asset id; bad settings fail here
            eth.asset_id(): eth.quantize(config.starting_eth),
            erc20.asset_id(): erc20.quantize(config.starting_erc20),
            **{nft.asset_id(token): 1 for nft in nfts for token in config.starting_nft_token_ids},
        }
        self._funded: set[int] = set()
        self._balances: dict[tuple[int, int], int] = {}
        self._vaults: dict[tuple[int, int], int] = {}
        self._next_vault = itertools.count(20_000_000)
        self._nonces: dict[int, set[int]] = {}
        self._records: dict[int, Record] = {}
        self._next_sequence = itertools.count(1_000)
        self._on_l1: set[int] = set()  # sequence ids handed to layer 1

    # -- Python API for tests and the demo ------------------------------------------------------

    @property
    def assets(self) -> tuple[Asset, ...]:
        return SEEDED_ASSETS

    def balance(self, stark_key: int, asset_id: int) -> int:
        """The quantized balance of a key (funding it first if it is new)."""
        with self._lock:
            self._fund(stark_key)
            return self._balances.get((stark_key, asset_id), 0)

    def record_count(self) -> int:
        with self._lock:
            return len(self._records)

    def take_accepted_on_l1(self) -> list[L1Credit]:
        """Withdrawals that reached status 6 since the last call, each returned once.

        Statuses follow the clock when read, so layer 1 asks before it answers anything.
        """
        with self._lock:
            ready = [
                r
                for r in self._records.values()
                if r.sequence_id not in self._on_l1 and self._status(r) == ACCEPTED_ON_L1
            ]
            self._on_l1.update(r.sequence_id for r in ready)
        return [
            L1Credit(
                int(r.receiver, 16) if r.receiver else r.stark_key,
                r.asset,
                r.asset_id,
                r.token_id,
                r.amount,
            )
            for r in ready
        ]

    # -- state helpers (call with the lock held) -------------------------------------------------

    def _fund(self, stark_key: int) -> None:
        if stark_key in self._funded:
            return
        self._funded.add(stark_key)
        for asset_id, amount in self._starting_balances.items():
            self._balances[(stark_key, asset_id)] = amount

    def _vault(self, owner: int, asset_id: int) -> int:
        key = (owner, asset_id)
        if key not in self._vaults:
            self._vaults[key] = next(self._next_vault)
        return self._vaults[key]

    def _next_nonce(self, stark_key: int) -> int:
        used = self._nonces.get(stark_key)
        return max(used) + 1 if used else 0

    def _status(self, record: Record) -> int:
        age = self._clock.now() - record.created
        config = self._config
        if age >= config.reddio_on_l1_after:
            return ACCEPTED_ON_L1
        if age >= config.reddio_on_l2_after:
            return ACCEPTED_ON_L2
        return ACCEPTED if age >= config.reddio_accepted_after else SUBMITTED

    def _asset(self, contract_address: str, kind: str | None = None) -> Asset:
        asset = self._assets.get(contract_address.lower())
        if asset is None or (kind is not None and kind.upper() != asset.kind):
            raise Refused(NO_SUCH_ASSET_ID, f"contract_address: unknown asset {contract_address}")
        return asset

    @staticmethod
    def _token_id(asset: Asset, token_id: str) -> str:
        """The token id that counts for ``asset``: an NFT needs one, other kinds have none."""
        if not asset.is_nft:
            return ""
        if not token_id:
            raise Refused(INVALID_PARAM, "token_id: an ERC721 needs a token id")
        return token_id

    def _record_json(self, record: Record) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sequence_id": record.sequence_id,
            "status": self._status(record),
            "record_type": record.record_type,
            "stark_key": hex(record.stark_key),
            "from": hex(record.stark_key),
            "amount": str(record.amount),
            "display_value": record.asset.display(record.amount),
            "asset_id": hex(record.asset_id),
            "asset_name": record.asset.symbol,
            "asset_type": record.asset.kind,
            "contract_address": record.asset.contract_address,
            "token_id": record.token_id,
            "time": int(record.created),
        }
        if record.receiver is not None:
            out["to"] = record.receiver
        if record.signature is not None:
            out["signature"] = {"r": hex(record.signature[0]), "s": hex(record.signature[1])}
        return out

    # -- endpoints ------------------------------------------------------------------------------

    @_replies
    def nonce(self, query: Query) -> Reply:
        key = int(_checked("GET", "/v1/nonce", query)["stark_key"], 16)
        with self._lock:
            self._fund(key)
            return ok({"nonce": self._next_nonce(key)})

    @_replies
    def vaults(self, query: Query) -> Reply:
        values = _checked("GET", "/v1/vaults", query)
        asset = int(values["asset_id"], 16)
        owners = [int(key, 16) for key in values["stark_keys"].split(",")]
        with self._lock:
            return ok({"vault_ids": [str(self._vault(owner, asset)) for owner in owners]})

    @_replies
    def contract_info(self, query: Query) -> Reply:
        values = _checked("GET", "/v1/contract_info", query)
        asset = self._asset(values["contract_address"], values.get("type"))
        return ok(
            {
                "contract_address": asset.contract_address,
                "type": asset.kind,
                "symbol": asset.symbol,
                "name": asset.name,
                "decimals": asset.decimals,
                "quantum": asset.quantum,
                "asset_type": asset.asset_type(),
                "asset_info": None,
                "total_supply": None,
                "count": None,
            }
        )

    @_replies
    def asset_id(self, query: Query) -> Reply:
        values = _checked("GET", "/v1/assetid", query)
        token_id = _token_number(values.get("token_id", ""))
        quantum = values.get("quantum")
        if quantum is not None:
            _below(int(quantum), QUANTUM_BOUND, "quantum")
        asset = self._asset(values["contract_address"], values["type"])
        token = self._token_id(asset, token_id)
        if quantum is not None and int(quantum) != asset.quantum:
            raise Refused(NO_SUCH_ASSET_ID, "quantum: not the quantum of this asset")
        return ok({"asset_id": hex(asset.asset_id(token))})

    @_replies
    def starkex_contracts(self, query: Query) -> Reply:
        _checked("GET", "/v1/starkex/contracts", query)
        return ok(self._config.starkex_contracts.to_json())

    @_replies
    def records(self, query: Query) -> Reply:
        values = _checked("GET", "/v1/record", query)
        key, sequence = int(values["stark_key"], 16), values["sequence_id"]
        with self._lock:
            record = self._records.get(sequence)
            found = [] if record is None or record.stark_key != key else [record]
            return ok([self._record_json(r) for r in found])

    @_replies
    def records_by_signature(self, query: Query) -> Reply:
        values = _checked("GET", "/v1/record/by/signature", query)
        wanted = (int(values["r"], 16), int(values["s"], 16))
        with self._lock:
            found = [x for x in self._records.values() if x.signature == wanted]
            return ok([self._record_json(x) for x in found])

    @_replies
    def withdrawal_status(self, query: Query) -> Reply:
        values = _checked("GET", "/v1/withdrawal/status", query)
        if values["stage"] != "withdrawarea":  # an open list: a stage the sandbox does not know
            raise Refused(INVALID_PARAM, "stage: only 'withdrawarea' is supported here")
        address = int(values["ethaddress"], 16)
        ready: dict[int, tuple[Asset, str, int]] = {}
        with self._lock:
            for record in self._records.values():
                to = None if record.receiver is None else int(record.receiver, 16)
                if to == address and self._status(record) == ACCEPTED_ON_L1:
                    _, _, total = ready.get(record.asset_id, (record.asset, record.token_id, 0))
                    ready[record.asset_id] = (record.asset, record.token_id, total + record.amount)
        listed = [
            {
                "contract_address": asset.contract_address,
                "asset_id": hex(asset_id),
                "token_id": token_id,
                "type": asset.kind,
                "asset_type": asset.asset_type(),
                "display_value": asset.display(amount),
                "symbol": asset.symbol,
                "amount": amount,  # a JSON number, as Reddio sends it
            }
            for asset_id, (asset, token_id, amount) in ready.items()
        ]
        return ok([{k: v for k, v in item.items() if v is not None} for item in listed])

    @_replies
    def withdrawal(self, body: Any) -> Reply:
        """The unsigned ``POST /v1/withdrawal``: debit ``amount`` (quantized) and record it."""
        body = _checked("POST", "/v1/withdrawal", body)
        amount = _amount(body["amount"])
        token_id = _token_number(body["token_id"])
        key = int(body["stark_key"], 16)
        asset = self._asset(body["contract_address"])
        token = self._token_id(asset, token_id)
        with self._lock:
            record = self._commit(key, asset, asset.asset_id(token), token, amount)
        return ok({"sequence_id": record.sequence_id})

    @_replies
    def withdrawal_to(self, body: Any) -> Reply:
        """The signed ``POST /v1/withdrawalto``: a StarkEx transfer to the receiver's vault."""
        body = _checked("POST", "/v1/withdrawalto", body)
        fields = self._transfer_fields(body)
        self._check_signature(fields)
        with self._lock:
            record = self._accept_transfer(body, fields)
        return ok({"sequence_id": record.sequence_id})

    # -- withdrawalto, step by step --------------------------------------------------------------

    def _transfer_fields(self, body: Mapping[str, Any]) -> dict[str, int]:
        """The signed integers, once the rules a schema cannot state hold too."""
        expiration: int = body.get("expiration_timestamp", DEFAULT_EXPIRATION)
        if expiration <= self._clock.now() // 3600:
            raise malformed("expiration_timestamp", "has passed (hours since the Unix epoch)")
        receiver = int(body["receiver"], 16)
        if receiver == 0:
            raise malformed("receiver", "must not be zero")
        _token_number(body["token_id"])
        return {
            "stark_key": int(body["stark_key"], 16),
            "asset_id": int(body["asset_id"], 16),
            "amount": _amount(body["amount"]),
            "nonce": body["nonce"],
            "vault_id": int(body["vault_id"]),
            "receiver": receiver,
            "receiver_vault_id": int(body["receiver_vault_id"]),
            "expiration_timestamp": expiration,
            "r": int(body["signature"]["r"], 16),
            "s": int(body["signature"]["s"], 16),
        }

    @staticmethod
    def _check_signature(fields: Mapping[str, int]) -> None:
        message = starkex.get_transfer_msg_hash(
            amount=fields["amount"],
            nonce=fields["nonce"],
            sender_vault_id=fields["vault_id"],
            asset_id=fields["asset_id"],
            receiver_vault_id=fields["receiver_vault_id"],
            receiver=fields["receiver"],
            expiration_timestamp=fields["expiration_timestamp"],
        )
        try:
            valid = starkex.verify(message, fields["r"], fields["s"], fields["stark_key"])
        except ValueError:  # r or s outside the curve's ranges
            valid = False
        if not valid:
            raise Refused(INVALID_SIGNATURE, "signature: does not verify for these fields")

    def _accept_transfer(self, body: Mapping[str, Any], fields: Mapping[str, int]) -> Record:
        """Duplicate, asset, vault and balance checks, then the debit (lock held)."""
        key, asset_id = fields["stark_key"], fields["asset_id"]
        signature = (fields["r"], fields["s"])
        if fields["nonce"] in self._nonces.get(key, ()) or any(
            r.signature == signature for r in self._records.values()
        ):
            raise Refused(DUPLICATE_TRANSACTION, "duplicate transaction: nonce already used")
        asset = self._asset(body["contract_address"])
        token_id = self._token_id(asset, body["token_id"])
        if asset.asset_id(token_id) != asset_id:
            raise Refused(NO_SUCH_ASSET_ID, "asset_id: not the id of this contract and token")
        self._fund(key)
        if fields["vault_id"] != self._vault(key, asset_id):
            raise Refused(INVALID_PARAM, "vault_id: not the sender's vault for this asset")
        if fields["receiver_vault_id"] != self._vault(fields["receiver"], asset_id):
            raise Refused(INVALID_PARAM, "receiver_vault_id: not the receiver's vault")
        record = self._commit(key, asset, asset_id, token_id, fields["amount"])
        to_address = fields["receiver"] < ETH_ADDRESS_BOUND
        record.record_type = RECORD_WITHDRAW if to_address else RECORD_TRANSFER
        record.receiver = str(body["receiver"]).lower()
        record.signature = signature
        self._nonces.setdefault(key, set()).add(fields["nonce"])
        return record

    def _commit(self, key: int, asset: Asset, asset_id: int, token_id: str, amount: int) -> Record:
        self._fund(key)
        if asset.is_nft and amount != 1:
            raise Refused(AMOUNT_INVALID, "amount: an ERC721 amount is 1")
        balance = self._balances.get((key, asset_id), 0)
        if amount > balance:
            raise Refused(INSUFFICIENT_AVAILABLE, "insufficient available balance")
        self._balances[(key, asset_id)] = balance - amount
        record = Record(
            next(self._next_sequence), key, asset, asset_id, token_id, amount, self._clock.now()
        )
        self._records[record.sequence_id] = record
        return record
