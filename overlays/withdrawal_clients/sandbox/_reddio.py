"""Reddio's layer 2 as the sandbox keeps it: assets, balances, vaults, nonces, records.

Pure logic, no HTTP: every public method takes parsed query/body values and returns
``(http_status, envelope)``. Record statuses are computed from the clock when read, so
time-driven transitions need no background task and follow a manual clock exactly.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from .. import amounts, starkex
from ._clock import Clock
from ._config import SandboxConfig

Reply = tuple[int, dict[str, Any]]

# Reddio's error codes (an open list; these are the ones the sandbox produces).
AMOUNT_INVALID = 2
NO_SUCH_ASSET_ID = 6
INSUFFICIENT_AVAILABLE = 8
DUPLICATE_TRANSACTION = 13
STARK_KEY_INVALID = 18
INVALID_PARAM = 19
INVALID_SIGNATURE = 34
FAILED_TO_JSON_UNMARSHAL = 401

# Record statuses and types (a withdrawalto is a transfer to the receiver's vault).
SUBMITTED, ACCEPTED, ACCEPTED_ON_L2, ACCEPTED_ON_L1 = 0, 1, 3, 6
RECORD_TRANSFER, RECORD_WITHDRAW = 3, 4

# Field ranges of a StarkEx transfer.
VAULT_BOUND = NONCE_BOUND = 2**31
AMOUNT_BOUND = 2**63
EXPIRATION_BOUND = 2**22
FIELD_BOUND = 2**251
ETH_ADDRESS_BOUND = 2**160

#: Malformed requests are answered with HTTP 400; other failures (a bad signature, a duplicate,
#: a low balance) with HTTP 200 and ``status: FAILED``, both as the spec allows.
MALFORMED_CODES = frozenset({STARK_KEY_INVALID, INVALID_PARAM, FAILED_TO_JSON_UNMARSHAL})


class Refused(Exception):
    """A request Reddio would answer with ``status: FAILED``."""

    def __init__(self, error_code: int, error: str) -> None:
        self.error_code = error_code
        self.error = error
        super().__init__(error)


def ok(data: Any) -> Reply:
    return 200, {"status": "OK", "error": "", "error_code": 0, "data": data}


def failed(refusal: Refused) -> Reply:
    """A failure envelope; ``data`` is left out (the spec allows absent or null)."""
    http_status = 400 if refusal.error_code in MALFORMED_CODES else 200
    return http_status, {
        "status": "FAILED",
        "error": refusal.error,
        "error_code": refusal.error_code,
    }


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


def _parse_uint(value: Any, name: str, bound: int) -> int:
    """A JSON integer or a decimal string, in [0, bound)."""
    if isinstance(value, bool):
        raise Refused(INVALID_PARAM, f"{name}: must be an integer")
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int):
        raise Refused(INVALID_PARAM, f"{name}: must be an integer or a decimal string")
    if not 0 <= value < bound:
        raise Refused(INVALID_PARAM, f"{name}: must be in [0, 2^{bound.bit_length() - 1})")
    return value


def _parse_hex(value: Any, name: str, bound: int, code: int = INVALID_PARAM) -> int:
    """A 0x-prefixed hex string whose value is below ``bound``."""
    text = value[2:] if isinstance(value, str) and value[:2].lower() == "0x" else None
    if not text or not all(c in "0123456789abcdefABCDEF" for c in text):
        raise Refused(code, f"{name}: must be a 0x-prefixed hex string")
    number = int(text, 16)
    if number >= bound:
        raise Refused(code, f"{name}: must be below 2^{bound.bit_length() - 1}")
    return number


def _parse_stark_key(value: Any, name: str = "stark_key") -> int:
    key = _parse_hex(value, name, FIELD_BOUND, STARK_KEY_INVALID)
    if key == 0:
        raise Refused(STARK_KEY_INVALID, f"{name}: must not be zero")
    return key


def _require(body: Mapping[str, Any], *names: str) -> None:
    missing = [n for n in names if n not in body]
    if missing:
        raise Refused(INVALID_PARAM, f"missing field(s): {', '.join(missing)}")


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

    def _asset(self, contract_address: Any, kind: str | None = None) -> Asset:
        if not isinstance(contract_address, str):
            raise Refused(INVALID_PARAM, "contract_address: must be a string")
        asset = self._assets.get(contract_address.lower())
        if asset is None or (kind is not None and kind.upper() != asset.kind):
            raise Refused(NO_SUCH_ASSET_ID, f"contract_address: unknown asset {contract_address}")
        return asset

    @staticmethod
    def _token_id(asset: Asset, value: Any) -> str:
        token_id = "" if value is None else value
        if not isinstance(token_id, str):
            raise Refused(INVALID_PARAM, "token_id: must be a string")
        if asset.is_nft and not (token_id.isascii() and token_id.isdigit()):
            raise Refused(INVALID_PARAM, "token_id: an ERC721 needs a decimal token id")
        return token_id if asset.is_nft else ""

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

    def nonce(self, stark_key: Any) -> Reply:
        try:
            key = _parse_stark_key(stark_key)
        except Refused as refusal:
            return failed(refusal)
        with self._lock:
            self._fund(key)
            return ok({"nonce": self._next_nonce(key)})

    def vaults(self, asset_id: Any, stark_keys: Any) -> Reply:
        try:
            asset = _parse_hex(asset_id, "asset_id", FIELD_BOUND)
            if not isinstance(stark_keys, str) or not stark_keys:
                raise Refused(INVALID_PARAM, "stark_keys: give comma-separated 0x keys")
            owners = [_parse_stark_key(k.strip(), "stark_keys") for k in stark_keys.split(",")]
        except Refused as refusal:
            return failed(refusal)
        with self._lock:
            return ok({"vault_ids": [str(self._vault(owner, asset)) for owner in owners]})

    def contract_info(self, kind: Any, contract_address: Any) -> Reply:
        try:
            asset = self._asset(contract_address, kind if isinstance(kind, str) else None)
        except Refused as refusal:
            return failed(refusal)
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

    def asset_id(self, kind: Any, contract_address: Any, token_id: Any, quantum: Any) -> Reply:
        try:
            asset = self._asset(contract_address, kind if isinstance(kind, str) else None)
            token = self._token_id(asset, token_id or None)
            if quantum not in (None, "") and _parse_uint(quantum, "quantum", 2**250) != (
                asset.quantum
            ):
                raise Refused(NO_SUCH_ASSET_ID, "quantum: not the quantum of this asset")
        except Refused as refusal:
            return failed(refusal)
        return ok({"asset_id": hex(asset.asset_id(token))})

    def records(self, stark_key: Any, sequence_id: Any) -> Reply:
        try:
            key = _parse_stark_key(stark_key)
            sequence = _parse_uint(sequence_id, "sequence_id", 2**63)
        except Refused as refusal:
            return failed(refusal)
        with self._lock:
            record = self._records.get(sequence)
            found = [] if record is None or record.stark_key != key else [record]
            return ok([self._record_json(r) for r in found])

    def records_by_signature(self, r: Any, s: Any) -> Reply:
        try:
            wanted = (_parse_hex(r, "r", FIELD_BOUND), _parse_hex(s, "s", FIELD_BOUND))
        except Refused as refusal:
            return failed(refusal)
        with self._lock:
            found = [x for x in self._records.values() if x.signature == wanted]
            return ok([self._record_json(x) for x in found])

    def withdrawal_status(self, stage: Any, eth_address: Any) -> Reply:
        try:
            if stage != "withdrawarea":
                raise Refused(INVALID_PARAM, "stage: only 'withdrawarea' is supported")
            if not (isinstance(eth_address, str) and len(eth_address) == 42):
                raise Refused(INVALID_PARAM, "ethaddress: must be 0x and 40 hex digits")
            address = _parse_hex(eth_address, "ethaddress", ETH_ADDRESS_BOUND)
        except Refused as refusal:
            return failed(refusal)
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
                "amount": str(amount),
            }
            for asset_id, (asset, token_id, amount) in ready.items()
        ]
        return ok([{k: v for k, v in item.items() if v is not None} for item in listed])

    def withdrawal(self, body: Any) -> Reply:
        """The unsigned ``POST /v1/withdrawal``: debit ``amount`` (quantized) and record it."""
        try:
            if not isinstance(body, dict):
                raise Refused(FAILED_TO_JSON_UNMARSHAL, "body: must be a JSON object")
            _require(body, "contract_address", "token_id", "stark_key", "amount")
            asset = self._asset(body["contract_address"])
            token_id = self._token_id(asset, body["token_id"])
            key = _parse_stark_key(body["stark_key"])
            amount = _parse_uint(body["amount"], "amount", AMOUNT_BOUND)
            if amount == 0:
                raise Refused(AMOUNT_INVALID, "amount: must be positive")
            with self._lock:
                record = self._commit(key, asset, asset.asset_id(token_id), token_id, amount)
        except Refused as refusal:
            return failed(refusal)
        return ok({"sequence_id": record.sequence_id})

    def withdrawal_to(self, body: Any) -> Reply:
        """The signed ``POST /v1/withdrawalto``: a StarkEx transfer to the receiver's vault."""
        try:
            if not isinstance(body, dict):
                raise Refused(FAILED_TO_JSON_UNMARSHAL, "body: must be a JSON object")
            _require(body, "contract_address", "asset_id", "stark_key", "amount", "nonce")
            _require(body, "vault_id", "receiver", "receiver_vault_id", "signature")
            fields = self._transfer_fields(body)
            self._check_signature(fields)
            with self._lock:
                record = self._accept_transfer(body, fields)
        except Refused as refusal:
            return failed(refusal)
        return ok({"sequence_id": record.sequence_id})

    # -- withdrawalto, step by step --------------------------------------------------------------

    def _transfer_fields(self, body: Mapping[str, Any]) -> dict[str, Any]:
        signature = body["signature"]
        if not isinstance(signature, dict) or not {"r", "s"} <= signature.keys():
            raise Refused(INVALID_PARAM, "signature: must be an object with r and s")
        expiration = _parse_uint(
            body.get("expiration_timestamp", EXPIRATION_BOUND - 1),
            "expiration_timestamp",
            EXPIRATION_BOUND,
        )
        if expiration <= self._clock.now() // 3600:
            raise Refused(INVALID_PARAM, "expiration_timestamp: has passed (hours since epoch)")
        fields = {
            "stark_key": _parse_stark_key(body["stark_key"]),
            "asset_id": _parse_hex(body["asset_id"], "asset_id", 2**250 + 2**240),
            "amount": _parse_uint(body["amount"], "amount", AMOUNT_BOUND),
            "nonce": _parse_uint(body["nonce"], "nonce", NONCE_BOUND),
            "vault_id": _parse_uint(body["vault_id"], "vault_id", VAULT_BOUND),
            "receiver": _parse_hex(body["receiver"], "receiver", FIELD_BOUND),
            "receiver_vault_id": _parse_uint(
                body["receiver_vault_id"], "receiver_vault_id", VAULT_BOUND
            ),
            "expiration_timestamp": expiration,
            "r": _parse_hex(signature["r"], "signature.r", FIELD_BOUND),
            "s": _parse_hex(signature["s"], "signature.s", FIELD_BOUND),
        }
        if fields["amount"] == 0:
            raise Refused(AMOUNT_INVALID, "amount: must be positive")
        if fields["receiver"] == 0:
            raise Refused(INVALID_PARAM, "receiver: must not be zero")
        return fields

    @staticmethod
    def _check_signature(fields: Mapping[str, Any]) -> None:
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

    def _accept_transfer(self, body: Mapping[str, Any], fields: Mapping[str, Any]) -> Record:
        """Duplicate, asset, vault and balance checks, then the debit (lock held)."""
        key, asset_id = fields["stark_key"], fields["asset_id"]
        signature = (fields["r"], fields["s"])
        if fields["nonce"] in self._nonces.get(key, ()) or any(
            r.signature == signature for r in self._records.values()
        ):
            raise Refused(DUPLICATE_TRANSACTION, "duplicate transaction: nonce already used")
        asset = self._asset(body["contract_address"])
        token_id = self._token_id(asset, body.get("token_id"))
        if asset.asset_id(token_id) != asset_id:
            raise Refused(NO_SUCH_ASSET_ID, "asset_id: not the id of this contract and token")
        self._fund(key)
        if fields["vault_id"] != self._vault(key, asset_id):
            raise Refused(INVALID_PARAM, "vault_id: not the sender's vault for this asset")
        if fields["receiver_vault_id"] != self._vault(fields["receiver"], asset_id):
            raise Refused(INVALID_PARAM, "receiver_vault_id: not the receiver's vault")
        record = self._commit(key, asset, asset_id, token_id, fields["amount"])
        record.record_type = RECORD_TRANSFER
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
