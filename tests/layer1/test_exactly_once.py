"""Exactly once on layer 1: a claim is recorded before it is broadcast, and a re-run after a
crash (or a lost answer, or a receipt that did not come in time) follows that transaction
instead of sending another."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from eth_account import Account
from layer1_support import nonce, seeded, withdraw
from web3 import Web3
from web3.providers import JSONBaseProvider
from withdrawal_clients import Journal, OutcomeUnknown, ReddioClient
from withdrawal_clients.layer1 import FileClaimLog, JournalClaimLog, L1Claimer, NothingToClaim
from withdrawal_clients.sandbox import ServedSandbox
from withdrawal_clients.sandbox._l1 import STARKEX_ADDRESS

WEI = 250_000_000_000_000_000  # 0.25 ETH


class ProcessDied(BaseException):
    """Stands for the process being killed: nothing in the claimer may catch it."""


class Flaky(JSONBaseProvider):
    """The sandbox's chain in-process, with ``fault(method, forward)`` deciding per request."""

    def __init__(self, served: ServedSandbox, fault: Callable[[str, Callable[[], Any]], Any]):
        super().__init__()
        self._inner = served.sandbox.l1.provider()
        self._fault = fault

    def make_request(self, method: Any, params: Any) -> Any:
        return self._fault(method, lambda: self._inner.make_request(method, params))


def claimer_with(served: ServedSandbox, log: FileClaimLog, fault: Any = None, **options: Any):
    provider = Flaky(served, fault or (lambda method, forward: forward()))
    return L1Claimer(Web3(provider), STARKEX_ADDRESS, tracker=log, **options)


def held_claim(log: Any) -> Any:
    """The one claim a tracker holds, as the tracker holds it."""
    if isinstance(log, FileClaimLog):
        (entry,) = json.loads(log.path.read_text()).values()
        return entry
    (held,) = log.journal.entries(api="l1")
    return log.get(held.key)


def die_on(name: str, *, after: bool) -> Callable[[str, Callable[[], Any]], Any]:
    def fault(method: str, forward: Callable[[], Any]) -> Any:
        if method != name:
            return forward()
        if after:
            forward()
        raise ProcessDied(method)

    return fault


def died_before_broadcast(served: ServedSandbox, log: FileClaimLog, target: Any, payer: Any) -> Any:
    """Claim with a process that dies between recording and broadcasting; the recorded entry."""
    with pytest.raises(ProcessDied):
        claimer_with(served, log, die_on("eth_sendRawTransaction", after=False)).claim(
            target, account=payer
        )
    entry = held_claim(log)
    assert entry["state"] == "sending"
    return entry


@pytest.fixture(params=["file", "journal"])
def log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A claim file, or the withdrawal journal (claims recorded beside withdrawals)."""
    if request.param == "file":
        yield FileClaimLog(tmp_path / "claims.json")
        return
    with Journal.open(tmp_path / "journal.db") as journal:
        yield JournalClaimLog(journal)
        entries = journal.entries(api="l1")
        assert all(entry.scope == "layer1" for entry in entries)


@pytest.fixture
def target(served: ServedSandbox, reddio: ReddioClient, owner: Any) -> Any:
    return withdraw(reddio, seeded(served.sandbox, "ETH"), owner.address, "0.25")


def test_died_after_broadcast_before_the_receipt(
    served: ServedSandbox, log: FileClaimLog, target: Any, payer: Any, web3: Web3
) -> None:
    dying = claimer_with(served, log, die_on("eth_sendRawTransaction", after=True))
    with pytest.raises(ProcessDied):
        dying.claim(target, account=payer)
    entry = held_claim(log)
    assert entry["state"] == "sending" and entry["from"] == payer.address
    assert int(entry["nonce"]) == 0 and entry["data"].startswith("0x441a3e70")  # withdraw
    assert nonce(web3, payer) == 1  # it was mined

    result = claimer_with(served, log).claim(target, account=payer)

    assert result.recovered and result.tx_hash == entry["tx_hash"]
    assert nonce(web3, payer) == 1  # nothing else was sent
    assert served.sandbox.l1.balance(target.recipient) == WEI == result.amount
    with pytest.raises(NothingToClaim) as again:
        claimer_with(served, log).claim(target, account=payer)
    assert again.value.last_tx_hash == entry["tx_hash"]


def test_died_after_recording_before_broadcast(
    served: ServedSandbox, log: FileClaimLog, target: Any, payer: Any, web3: Web3
) -> None:
    entry = died_before_broadcast(served, log, target, payer)
    assert nonce(web3, payer) == 0  # never reached the chain

    result = claimer_with(served, log).claim(target, account=payer)

    assert result.recovered and result.tx_hash == entry["tx_hash"]  # the same bytes, sent now
    assert nonce(web3, payer) == 1
    assert served.sandbox.l1.balance(target.recipient) == WEI


def test_recorded_transaction_whose_nonce_went_elsewhere_is_replaced(
    served: ServedSandbox, log: FileClaimLog, target: Any, payer: Any, web3: Web3
) -> None:
    recorded = died_before_broadcast(served, log, target, payer)
    other = {"to": Account.create().address, "value": 1, "gas": 21_000, "nonce": 0}
    other.update(chainId=web3.eth.chain_id, maxFeePerGas=10**10, maxPriorityFeePerGas=10**9)
    web3.eth.send_raw_transaction(payer.sign_transaction(other).raw_transaction)

    result = claimer_with(served, log).claim(target, account=payer)

    assert not result.recovered and result.tx_hash != recorded["tx_hash"]
    assert nonce(web3, payer) == 2
    assert served.sandbox.l1.balance(target.recipient) == WEI
    entry = held_claim(log)
    assert entry["state"] == "done" and entry["tx_hash"] == result.tx_hash


def test_lost_answer_to_the_broadcast_is_settled_by_its_hash(
    served: ServedSandbox, log: FileClaimLog, target: Any, payer: Any, web3: Web3
) -> None:
    def lose_answer(method: str, forward: Callable[[], Any]) -> Any:
        answer = forward()
        if method == "eth_sendRawTransaction":
            raise requests.ConnectionError("connection reset after sending")
        return answer

    result = claimer_with(served, log, lose_answer).claim(target, account=payer)

    assert nonce(web3, payer) == 1
    assert result.amount == WEI == served.sandbox.l1.balance(target.recipient)


def test_receipt_not_in_time_is_outcome_unknown_then_followed(
    served: ServedSandbox, log: FileClaimLog, target: Any, payer: Any, web3: Web3
) -> None:
    def never_mined(method: str, forward: Callable[[], Any]) -> Any:
        answer = forward()
        if method == "eth_getTransactionReceipt":
            return {"jsonrpc": "2.0", "id": 1, "result": None}
        return answer

    slow = claimer_with(served, log, never_mined, receipt_timeout=0.2, poll_interval=0.05)
    with pytest.raises(OutcomeUnknown) as unknown:
        slow.claim(target, account=payer)
    entry = held_claim(log)
    assert entry["tx_hash"] in str(unknown.value)

    result = claimer_with(served, log).claim(target, account=payer)

    assert result.recovered and result.tx_hash == entry["tx_hash"]
    assert nonce(web3, payer) == 1


def test_without_a_tracker_a_second_process_is_refused_by_the_chain_state(
    served: ServedSandbox, target: Any, payer: Any, web3: Web3
) -> None:
    first = L1Claimer(web3, STARKEX_ADDRESS)
    first.claim(target, account=payer)
    with pytest.raises(NothingToClaim) as refused:
        L1Claimer(web3, STARKEX_ADDRESS).claim(target, account=payer)
    assert refused.value.last_tx_hash is None
    assert nonce(web3, payer) == 1
