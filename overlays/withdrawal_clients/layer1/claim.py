"""Claiming on layer 1, exactly once: through web3.py, or for a signer of the caller's own.

:class:`L1Claimer` reads the pending balance first and refuses a claim that would pay nothing
(:class:`NothingToClaim`, before any gas is spent). A claim it sends is recorded in the
tracker (hash, raw transaction, nonce, sender, call) before it is broadcast; a later call for
the same owner and asset first looks that transaction up (receipt, pending, or broadcast the
very same bytes again) instead of sending another. Needs web3 (extra ``[l1]``).

Two ways to send:

- :meth:`L1Claimer.claim` with an account that signs locally (``eth_account``'s
  ``LocalAccount``, or anything with ``address`` and ``sign_transaction``): built, signed,
  recorded, sent, and waited for;
- :meth:`L1Claimer.build_unsigned` for a KMS, hardware wallet or multisig, then
  :meth:`L1Claimer.submit_signed` with the raw transaction that signer returns.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

import attrs

from .. import errors
from ..reddio.inputs import eth_address
from ..starkex.assets import keccak256
from ._calls import (
    ClaimCall,
    ClaimTarget,
    balance_call,
    claimed_amount,
    plan_call,
    recipient_of,
)
from .tracking import ClaimTracker

__all__ = [
    "ClaimResult",
    "L1Claimer",
    "NothingToClaim",
    "PlannedClaim",
    "TransactionSigner",
    "UnsignedClaim",
]

log = logging.getLogger("withdrawal_clients.layer1")

GAS_MARGIN = (6, 5)  # 20% above the estimate: what the contract needs can move a little
SENDING, DONE, REVERTED, DROPPED = "sending", "done", "reverted", "dropped"


class NothingToClaim(errors.InvalidInput):
    """The contract holds nothing for this owner and asset: a claim would pay nothing or
    revert, and cost gas either way, so nothing was sent. ``last_tx_hash`` is the claim this
    tracker last saw go through, when there is one."""

    def __init__(self, target: ClaimTarget, last_tx_hash: str | None = None) -> None:
        self.owner_key = target.owner_key
        self.asset_id = target.asset_id
        self.last_tx_hash = last_tx_hash
        rule = (
            f"has no pending withdrawal balance on layer 1 for owner {hex(target.owner_key)} "
            f"and asset id {hex(target.asset_id)}"
        )
        if last_tx_hash:
            rule += f" (already claimed by transaction {last_tx_hash})"
        super().__init__("asset", rule)


class TransactionSigner(Protocol):
    """What :meth:`L1Claimer.claim` needs of an account (``eth_account``'s LocalAccount)."""

    @property
    def address(self) -> str: ...

    def sign_transaction(self, transaction_dict: dict[str, Any]) -> Any: ...


@attrs.frozen
class PlannedClaim:
    """The call that pays a target out, and what the contract holds for it now."""

    target: ClaimTarget
    call: ClaimCall
    contract: str
    pending: int  # un-quantized: wei for ETH, the token's base units for ERC20, 1 for an NFT


@attrs.frozen
class UnsignedClaim:
    """A claim transaction for the caller's own signer; pass it back to
    :meth:`L1Claimer.submit_signed` with the raw signed transaction."""

    key: str
    plan: PlannedClaim
    transaction: Mapping[str, Any]  # chainId, nonce, from, to, data, value, gas, fees, type


@attrs.frozen
class ClaimResult:
    """A claim mined on layer 1. ``amount`` is what the contract reports paying, in the
    token's own units; ``recovered`` when an earlier run sent it and this call found it."""

    tx_hash: str
    function: str
    owner_key: int
    asset_id: int
    recipient: str | None
    amount: int
    gas_used: int
    effective_gas_price: int
    block_number: int
    sender: str
    recovered: bool = False

    @property
    def fee(self) -> int:
        """Wei the sender paid for gas."""
        return self.gas_used * self.effective_gas_price


class L1Claimer:
    """Claims pending withdrawals from a StarkEx contract through a ``web3.Web3``.

    ``tracker`` (see :mod:`.tracking`) makes claims exactly once across crashes and re-runs;
    without one, a process still never sends a claim the contract would not pay.
    """

    def __init__(
        self,
        web3: Any,
        starkex_address: str,
        *,
        tracker: ClaimTracker | None = None,
        receipt_timeout: float = 120.0,
        poll_interval: float = 0.5,
    ) -> None:
        self._w3 = web3
        self.starkex_address = web3.to_checksum_address(
            eth_address(starkex_address, "starkex_address")
        )
        self._tracker = tracker
        self._receipt_timeout = receipt_timeout
        self._poll_interval = poll_interval
        self._chain_id: int | None = None

    def __repr__(self) -> str:
        return f"L1Claimer(starkex_address={self.starkex_address!r}, tracker={self._tracker!r})"

    # -- reads ------------------------------------------------------------------------------

    @property
    def chain_id(self) -> int:
        if self._chain_id is None:
            with _chain_errors("eth_chainId"):
                self._chain_id = int(self._w3.eth.chain_id)
        return self._chain_id

    def pending(self, target: ClaimTarget) -> int:
        """``getWithdrawalBalance``: what the contract holds for the target, un-quantized."""
        call = balance_call(_checked(target))
        with _chain_errors("getWithdrawalBalance"):
            answer = bytes(self._w3.eth.call({"to": self.starkex_address, "data": call.data}))
        if len(answer) != 32:
            raise errors.MalformedResponse(
                f"getWithdrawalBalance: no uint256 from {self.starkex_address}: is it the "
                "StarkEx contract on this chain?"
            )
        return int.from_bytes(answer, "big")

    def plan(self, target: ClaimTarget) -> PlannedClaim:
        """The call and the pending amount, sending nothing (what ``--dry-run`` shows)."""
        target = _checked(target)
        return PlannedClaim(target, plan_call(target), self.starkex_address, self.pending(target))

    def key(self, target: ClaimTarget) -> str:
        """The tracker key of a target: chain, contract, owner key and asset id."""
        contract = self.starkex_address.lower()
        return f"{self.chain_id}:{contract}:{hex(target.owner_key)}:{hex(target.asset_id)}"

    def find(self, tx_hash: str) -> Mapping[str, Any] | None:
        """The receipt of a transaction, or None while it is not mined (or unknown)."""
        from web3.exceptions import TransactionNotFound

        with _chain_errors("eth_getTransactionReceipt"):
            try:
                return dict(self._w3.eth.get_transaction_receipt(tx_hash))
            except TransactionNotFound:
                return None

    # -- sending ------------------------------------------------------------------------------

    def claim(
        self,
        target: ClaimTarget,
        *,
        account: TransactionSigner,
        max_fee_per_gas: int | None = None,
        max_priority_fee_per_gas: int | None = None,
    ) -> ClaimResult:
        """Send the claim signed by ``account`` and wait for its receipt.

        An earlier claim of this target still in flight (found in the tracker) is followed
        to its end instead. Raises :class:`NothingToClaim` before sending when nothing is
        pending, ``WithdrawalRejected`` when the contract refuses (before sending when the
        estimate already reverts), ``OutcomeUnknown`` when the receipt does not come in time.
        """
        planned = self.plan(target)
        key = self.key(planned.target)
        found = self._resume(key)
        if found is not None:
            return found
        self._refuse_empty(planned, key)
        transaction = self._transaction(
            planned, account.address, max_fee_per_gas, max_priority_fee_per_gas
        )
        try:
            signed = account.sign_transaction(dict(transaction))
            raw = bytes(signed.raw_transaction)
        except Exception:  # a signer's own messages and frames may hold the key: keep them out
            raise errors.InvalidInput("account", "could not sign the claim transaction") from None
        return self._broadcast(key, planned, transaction, raw)

    def build_unsigned(
        self,
        target: ClaimTarget,
        *,
        sender: str,
        max_fee_per_gas: int | None = None,
        max_priority_fee_per_gas: int | None = None,
    ) -> UnsignedClaim:
        """The claim as an unsigned EIP-1559 transaction from ``sender``, for an external
        signer. Refuses with :class:`NothingToClaim` when nothing is pending."""
        planned = self.plan(target)
        key = self.key(planned.target)
        self._refuse_empty(planned, key)
        address = self._w3.to_checksum_address(eth_address(sender, "sender"))
        transaction = self._transaction(planned, address, max_fee_per_gas, max_priority_fee_per_gas)
        return UnsignedClaim(key, planned, transaction)

    def submit_signed(self, unsigned: UnsignedClaim, raw_transaction: bytes | str) -> ClaimResult:
        """Broadcast the signed form of ``unsigned`` and wait for its receipt.

        The raw transaction must carry the planned call (same contract, calldata and chain);
        its hash (keccak of the raw bytes) is recorded before it is sent. An earlier claim of
        the same target found in the tracker is followed instead, and a target whose balance
        went to zero meanwhile is refused before sending.
        """
        if not isinstance(unsigned, UnsignedClaim):
            raise errors.InvalidInput("unsigned", "must be an UnsignedClaim from build_unsigned")
        raw = _raw_bytes(raw_transaction)
        fields = _signed_fields(raw)
        planned = unsigned.transaction
        for name in ("to", "data", "chainId"):
            if str(fields[name]).lower() != str(planned[name]).lower():
                raise errors.InvalidInput(
                    "raw_transaction", f"is not the planned claim: its {name} differs"
                )
        found = self._resume(unsigned.key)
        if found is not None:
            return found
        current = self.plan(unsigned.plan.target)
        self._refuse_empty(current, unsigned.key)
        return self._broadcast(unsigned.key, current, {**planned, **fields}, raw)

    # -- steps --------------------------------------------------------------------------------

    def _refuse_empty(self, planned: PlannedClaim, key: str) -> None:
        if planned.pending == 0:
            entry = self._entry(key)
            last = entry.get("tx_hash") if entry and entry.get("state") == DONE else None
            raise NothingToClaim(planned.target, last)

    def _transaction(
        self,
        planned: PlannedClaim,
        sender: str,
        max_fee: int | None,
        priority_fee: int | None,
    ) -> dict[str, Any]:
        eth = self._w3.eth
        call = {"from": sender, "to": self.starkex_address, "data": "0x" + planned.call.data.hex()}
        with _chain_errors(f"{planned.call.function} (estimate)"):
            gas = int(eth.estimate_gas(call)) * GAS_MARGIN[0] // GAS_MARGIN[1]
        with _chain_errors("fees and nonce"):
            if priority_fee is None:
                priority_fee = int(eth.max_priority_fee)
            if max_fee is None:
                base_fee = eth.get_block("latest").get("baseFeePerGas")
                if base_fee is None:
                    raise errors.MalformedResponse(
                        "the chain's blocks have no base fee: give max_fee_per_gas"
                    )
                max_fee = 2 * int(base_fee) + priority_fee
            nonce = int(eth.get_transaction_count(sender, "pending"))
        return {
            **call,
            "value": 0,
            "chainId": self.chain_id,
            "nonce": nonce,
            "gas": gas,
            "maxFeePerGas": max_fee,
            "maxPriorityFeePerGas": priority_fee,
            "type": 2,
        }

    def _entry(self, key: str) -> Mapping[str, Any] | None:
        return None if self._tracker is None else self._tracker.get(key)

    def _put(self, key: str, entry: Mapping[str, Any]) -> None:
        if self._tracker is not None:
            self._tracker.put(key, entry)

    def _broadcast(
        self, key: str, planned: PlannedClaim, transaction: Mapping[str, Any], raw: bytes
    ) -> ClaimResult:
        """Record, then send; a lost answer is settled by looking the hash up."""
        tx_hash = "0x" + keccak256(raw).hex()
        entry = {
            "state": SENDING,
            "tx_hash": tx_hash,
            "raw_tx": "0x" + raw.hex(),
            "nonce": int(transaction["nonce"]),
            "from": str(transaction["from"]),
            "to": self.starkex_address,
            "data": "0x" + planned.call.data.hex(),
            "function": planned.call.function,
            "owner_key": hex(planned.target.owner_key),
            "asset_id": hex(planned.target.asset_id),
            "pending": str(planned.pending),
        }
        self._put(key, entry)
        log.info("claim %s: sending %s (%s)", key, tx_hash, planned.call.function)
        try:
            with _chain_errors("eth_sendRawTransaction"):
                self._w3.eth.send_raw_transaction(raw)
        except errors.WithdrawalClientError as exc:
            if not self._known(tx_hash):
                if isinstance(exc, errors.TransportError):
                    raise _unknown(tx_hash, "no answer to eth_sendRawTransaction", exc) from exc
                self._put(key, {**entry, "state": DROPPED})
                raise
        return self._await(key, entry, recovered=False)

    def _resume(self, key: str) -> ClaimResult | None:
        """Follow a claim an earlier run recorded as sending; None when there is none left."""
        entry = self._entry(key)
        if not entry or entry.get("state") != SENDING:
            return None
        tx_hash = str(entry["tx_hash"])
        receipt = self.find(tx_hash)
        if receipt is not None:
            return self._finish(key, entry, receipt, recovered=True)
        if not self._known(tx_hash):
            try:  # never reached the chain: the very same bytes, so at most one is mined
                with _chain_errors("eth_sendRawTransaction (again)"):
                    self._w3.eth.send_raw_transaction(_raw_bytes(str(entry["raw_tx"])))
            except errors.ApiError:
                if not self._known(tx_hash):  # its nonce went to another transaction
                    log.warning("claim %s: %s was dropped; planning anew", key, tx_hash)
                    self._put(key, {**entry, "state": DROPPED})
                    return None
        log.info("claim %s: following %s sent by an earlier run", key, tx_hash)
        return self._await(key, entry, recovered=True)

    def _known(self, tx_hash: str) -> bool:
        from web3.exceptions import TransactionNotFound

        with _chain_errors("eth_getTransactionByHash"):
            try:
                self._w3.eth.get_transaction(tx_hash)
            except TransactionNotFound:
                return False
        return True

    def _await(self, key: str, entry: Mapping[str, Any], *, recovered: bool) -> ClaimResult:
        from web3.exceptions import TimeExhausted

        tx_hash = str(entry["tx_hash"])
        with _chain_errors("waiting for the receipt"):
            try:
                receipt = self._w3.eth.wait_for_transaction_receipt(
                    tx_hash, timeout=self._receipt_timeout, poll_latency=self._poll_interval
                )
            except TimeExhausted as exc:
                raise _unknown(tx_hash, "no receipt in time", exc) from exc
        return self._finish(key, entry, dict(receipt), recovered=recovered)

    def _finish(
        self, key: str, entry: Mapping[str, Any], receipt: Mapping[str, Any], *, recovered: bool
    ) -> ClaimResult:
        tx_hash = str(entry["tx_hash"])
        mined = {"gas_used": int(receipt["gasUsed"]), "block_number": int(receipt["blockNumber"])}
        if int(receipt["status"]) != 1:
            self._put(key, {**entry, **mined, "state": REVERTED})
            raise errors.WithdrawalRejected(
                f"claim transaction {tx_hash} reverted on layer 1", reason="reverted"
            )
        owner_key = int(str(entry["owner_key"]), 16)
        paid = claimed_amount(receipt.get("logs", ()), self.starkex_address, owner_key)
        amount = int(str(entry["pending"])) if paid is None else paid
        self._put(key, {**entry, **mined, "state": DONE, "amount": str(amount)})
        return ClaimResult(
            tx_hash=tx_hash,
            function=str(entry["function"]),
            owner_key=owner_key,
            asset_id=int(str(entry["asset_id"]), 16),
            recipient=recipient_of(owner_key),
            amount=amount,
            gas_used=mined["gas_used"],
            effective_gas_price=int(receipt.get("effectiveGasPrice") or 0),
            block_number=mined["block_number"],
            sender=str(entry["from"]),
            recovered=recovered,
        )


# -- helpers ---------------------------------------------------------------------------------


def _checked(target: object) -> ClaimTarget:
    if not isinstance(target, ClaimTarget):
        raise errors.InvalidInput(
            "target", "must be a ClaimTarget (ClaimTarget.of or ClaimTarget.from_withdrawable)"
        )
    return target


def _unknown(tx_hash: str, what: str, cause: BaseException) -> errors.OutcomeUnknown:
    return errors.OutcomeUnknown(
        f"claim {tx_hash}: {what}",
        how_to_check=(
            f"look transaction {tx_hash} up on the chain; calling claim again with the same "
            "tracker follows it instead of sending another"
        ),
        cause=cause,
    )


def _raw_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str) and value[:2].lower() == "0x":
        with contextlib.suppress(ValueError):
            return bytes.fromhex(value[2:])
    raise errors.InvalidInput("raw_transaction", "must be bytes or a 0x-hex string")


def _signed_fields(raw: bytes) -> dict[str, Any]:
    """to, data, nonce, chainId and the sender of a signed transaction (legacy, EIP-2930 or
    EIP-1559), read from its RLP."""
    import rlp
    from eth_account import Account

    try:
        if raw[0] >= 0xC0:  # legacy: [nonce, gasPrice, gas, to, value, data, v, r, s]
            items = rlp.decode(raw)
            v = int.from_bytes(items[6], "big")
            chain_id = (v - 35) // 2 if v >= 35 else None
            nonce, to, data = items[0], items[3], items[5]
        elif raw[0] in (1, 2):  # type ‖ rlp([chainId, nonce, (fees), gas, to, value, data, ...])
            items = rlp.decode(raw[1:])
            chain_id = int.from_bytes(items[0], "big")
            nonce = items[1]
            to, data = (items[4], items[6]) if raw[0] == 1 else (items[5], items[7])
        else:
            raise ValueError("unsupported transaction type")
        sender = Account.recover_transaction(raw)
    except Exception:
        raise errors.InvalidInput(
            "raw_transaction", "must be a signed transaction (legacy, EIP-2930 or EIP-1559)"
        ) from None
    return {
        "to": "0x" + bytes(to).hex(),
        "data": "0x" + bytes(data).hex(),
        "nonce": int.from_bytes(nonce, "big"),
        "chainId": chain_id,
        "from": sender,
    }


@contextlib.contextmanager
def _chain_errors(what: str) -> Iterator[None]:
    """web3's and the HTTP library's exceptions as this package's (the original as cause)."""
    from web3 import exceptions as w3

    try:
        yield
    except w3.ContractLogicError as exc:
        message = str(exc.message or exc)
        reason = message.removeprefix("execution reverted").lstrip(": ") or "reverted"
        raise errors.WithdrawalRejected(
            f"{what}: the StarkEx contract refused", reason=reason
        ) from exc
    except w3.Web3RPCError as exc:
        code = exc.rpc_response.get("error", {}).get("code") if exc.rpc_response else None
        raise errors.ApiError(f"{what}: {exc.message or exc}", code=code) from exc
    except w3.Web3Exception as exc:
        raise errors.ApiError(f"{what}: {exc}") from exc
    except OSError as exc:  # requests' connection errors and timeouts are OSErrors
        kind = errors.Timeout if "Timeout" in type(exc).__name__ else errors.TransportError
        raise kind(f"{what}: no answer from the Ethereum node ({type(exc).__name__})") from exc
