"""Entries on both backends: every transition and its refusals, nonces held per scope, JSON
values, filters, persistence and use from several threads."""

from __future__ import annotations

import threading
from datetime import UTC
from decimal import Decimal
from typing import Any

import pytest
from journal_support import API, SCOPE, raw
from withdrawal_clients._core.secret import Secret
from withdrawal_clients.errors import InvalidInput
from withdrawal_clients.journal import Journal, JournalError, JournalStateError, NonceTaken, State

INTENT = {"amount": "1.5", "receiver": "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"}


def refused(journal: Journal, key: str, call: Any, *args: Any, **kwargs: Any) -> None:
    """``call`` raises JournalStateError and leaves the entry as it was."""
    before = journal.get(API, key)
    with pytest.raises(JournalStateError) as caught:
        call(API, key, *args, **kwargs)
    assert (caught.value.api, caught.value.key) == (API, key)
    assert caught.value.state == (None if before is None else before.state)
    assert journal.get(API, key) == before


def test_begin_records_intent_and_never_overwrites(journal: Journal) -> None:
    entry, created = journal.begin(API, "w1", SCOPE, INTENT)
    assert created
    assert (entry.api, entry.key, entry.scope, entry.state) == (API, "w1", SCOPE, State.PENDING)
    assert entry.in_flight
    assert entry.intent == INTENT
    assert (entry.request, entry.nonce, entry.result, entry.error, entry.attempts) == (
        (None, None, None, None, 0)
    )
    assert entry.created_at.tzinfo == UTC and entry.created_at == entry.updated_at
    assert journal.get(API, "w1") == entry

    again, created = journal.begin(API, "w1", "another scope", {"amount": "99"})
    assert not created and again == entry

    other, created = journal.begin("omnia", "w1", "https://omnia.example", {})
    assert created and other.api == "omnia" and journal.get(API, "w1") == entry


def test_sending_then_done(journal: Journal) -> None:
    journal.begin(API, "w1", SCOPE, INTENT)
    first = journal.mark_sending(API, "w1", {"nonce": 7, "signature": "0x1"}, nonce=7)
    assert (first.state, first.attempts, first.nonce) == (State.SENDING, 1, 7)
    assert first.request == {"nonce": 7, "signature": "0x1"} and first.in_flight

    # A re-signed body replaces the old one; the nonce stays with the entry.
    second = journal.mark_sending(API, "w1", {"nonce": 7, "signature": "0x2"}, nonce=7)
    assert (second.attempts, second.request["signature"]) == (2, "0x2")
    assert second.updated_at >= first.updated_at and second.created_at == first.created_at

    done = journal.mark_done(API, "w1", {"sequence_id": 42})
    assert (done.state, done.result, done.nonce, done.attempts) == (
        State.DONE,
        {"sequence_id": 42},
        7,
        2,
    )
    assert not done.in_flight
    assert journal.mark_done(API, "w1", {"sequence_id": 42}) == done  # no change, same time
    assert journal.get(API, "w1") == done

    refused(journal, "w1", journal.mark_done, {"sequence_id": 43})
    refused(journal, "w1", journal.mark_done, {"sequence_id": 42.0})  # equal in Python, not JSON
    refused(journal, "w1", journal.mark_sending, {"nonce": 8}, nonce=7)
    refused(journal, "w1", journal.mark_failed, "refused")
    refused(journal, "w1", journal.release_nonce)

    noted = journal.note_error(API, "w1", "confirmation is slow")
    assert (noted.state, noted.error, noted.result) == (
        State.DONE,
        "confirmation is slow",
        done.result,
    )


def test_nothing_can_be_done_before_it_is_sent(journal: Journal) -> None:
    journal.begin(API, "w1", SCOPE, INTENT)
    refused(journal, "w1", journal.mark_done, {"sequence_id": 1})


def test_failed_from_pending_and_from_sending(journal: Journal) -> None:
    journal.begin(API, "early", SCOPE, INTENT)
    early = journal.mark_failed(API, "early", "amount below the minimum")
    assert (early.state, early.error, early.result, early.attempts) == (
        State.FAILED, "amount below the minimum", None, 0,
    )  # fmt: skip

    journal.begin(API, "late", SCOPE, INTENT)
    journal.mark_sending(API, "late", {"nonce": 3}, nonce=3)
    late = journal.mark_failed(API, "late", "insufficient balance", {"error_code": 4})
    assert (late.state, late.result, late.nonce) == (State.FAILED, {"error_code": 4}, None)
    assert not late.in_flight

    # FAILED is final: the same failure again changes nothing, anything else is refused.
    assert journal.mark_failed(API, "late", "insufficient balance", {"error_code": 4}) == late
    refused(journal, "late", journal.mark_failed, "another reason", {"error_code": 4})
    refused(journal, "late", journal.mark_failed, "insufficient balance")
    refused(journal, "late", journal.mark_done, {"sequence_id": 1})
    refused(journal, "late", journal.mark_sending, {"nonce": 3})
    assert journal.release_nonce(API, "late") == late  # it holds none


def test_every_change_of_a_missing_entry_is_refused(journal: Journal) -> None:
    assert journal.get(API, "nope") is None
    refused(journal, "nope", journal.mark_sending, {"a": 1})
    refused(journal, "nope", journal.mark_done, {"a": 1})
    refused(journal, "nope", journal.mark_failed, "reason")
    refused(journal, "nope", journal.release_nonce)
    refused(journal, "nope", journal.note_error, "text")
    assert journal.entries() == []


def test_release_nonce_keeps_the_state(journal: Journal) -> None:
    journal.begin(API, "w1", SCOPE, INTENT)
    sent = journal.mark_sending(API, "w1", {"nonce": 5}, nonce=5)
    released = journal.release_nonce(API, "w1")
    assert (released.state, released.nonce, released.request) == (State.SENDING, None, sent.request)
    assert journal.release_nonce(API, "w1") == released


def test_a_held_nonce_is_only_freed_by_release(journal: Journal) -> None:
    journal.begin(API, "w1", SCOPE, INTENT)
    journal.mark_sending(API, "w1", {"nonce": 5}, nonce=5)
    refused(journal, "w1", journal.mark_sending, {"nonce": 6}, nonce=6)
    refused(journal, "w1", journal.mark_sending, {"nonce": None})
    journal.release_nonce(API, "w1")
    resent = journal.mark_sending(API, "w1", {"nonce": 6}, nonce=6)
    assert (resent.nonce, resent.attempts) == (6, 2)


def test_a_nonce_is_held_by_one_entry_per_api_and_scope(journal: Journal) -> None:
    for key, scope in (("a", SCOPE), ("b", SCOPE), ("c", "0xother")):
        journal.begin(API, key, scope, INTENT)
    journal.begin("l1", "d", SCOPE, INTENT)
    journal.mark_sending(API, "a", {"nonce": 3}, nonce=3)

    pending = journal.get(API, "b")
    with pytest.raises(NonceTaken) as caught:
        journal.mark_sending(API, "b", {"nonce": 3}, nonce=3)
    assert (caught.value.api, caught.value.scope, caught.value.nonce) == (API, SCOPE, 3)
    assert journal.get(API, "b") == pending  # not sending, no attempt counted

    assert journal.mark_sending(API, "c", {"nonce": 3}, nonce=3).nonce == 3  # another scope
    assert journal.mark_sending("l1", "d", {"nonce": 3}, nonce=3).nonce == 3  # another api

    journal.mark_done(API, "a", {"sequence_id": 1})  # an accepted body used its nonce up
    with pytest.raises(NonceTaken):
        journal.mark_sending(API, "b", {"nonce": 3}, nonce=3)

    journal.begin(API, "e", SCOPE, INTENT)
    journal.mark_sending(API, "e", {"nonce": 4}, nonce=4)
    journal.release_nonce(API, "e")
    assert journal.mark_sending(API, "b", {"nonce": 4}, nonce=4).nonce == 4
    journal.mark_failed(API, "b", "refused")  # a refused body frees its nonce too
    journal.begin(API, "f", SCOPE, INTENT)
    assert journal.mark_sending(API, "f", {"nonce": 4}, nonce=4).nonce == 4


NOT_JSON = [
    {"amount": Decimal("1.5")},
    {"ids": {1, 2}},
    {"ratio": float("nan")},
    {"raw": b"\x00"},
    {"key": Secret("0xdeadbeefcafe")},
    {1: "mixed", "a": "keys"},
]


@pytest.mark.parametrize("value", [*NOT_JSON, ["not", "a", "mapping"], None])
def test_values_that_are_not_json_mappings_are_refused(journal: Journal, value: Any) -> None:
    def refuses(field: str, call: Any, *args: Any, **kwargs: Any) -> None:
        with pytest.raises(InvalidInput) as caught:
            call(*args, **kwargs)
        assert caught.value.field == field
        assert "deadbeef" not in str(caught.value) and "deadbeef" not in repr(caught.value)

    refuses("intent", journal.begin, API, "w1", SCOPE, value)
    assert journal.get(API, "w1") is None
    journal.begin(API, "w1", SCOPE, INTENT)
    refuses("request", journal.mark_sending, API, "w1", value, nonce=1)
    sent = journal.mark_sending(API, "w1", {"nonce": 1}, nonce=1)
    refuses("result", journal.mark_done, API, "w1", value)
    if value is not None:  # None means "no details" to mark_failed
        refuses("result", journal.mark_failed, API, "w1", "refused", value)
    assert journal.get(API, "w1") == sent


def test_json_is_stored_canonically(journal: Journal, target: str) -> None:
    intent = {"b": [1, ("x", "y")], "a": {"é": "∞", "n": None}}
    entry, _ = journal.begin(API, "w1", SCOPE, intent)
    assert entry.intent == {"a": {"n": None, "é": "∞"}, "b": [1, ["x", "y"]]}  # as read back
    stored = raw(target, "SELECT intent FROM withdrawal_journal WHERE key = ?", ["w1"])
    assert stored == [('{"a":{"n":null,"\\u00e9":"\\u221e"},"b":[1,["x","y"]]}',)]
    assert journal.get(API, "w1") == entry


BAD_NAMES = ["", 7, None, "nul\0inside", "x" * 600]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_names_are_checked(journal: Journal, name: Any) -> None:
    for field, args in (
        ("api", (name, "k", SCOPE, INTENT)),
        ("key", (API, name, SCOPE, INTENT)),
        ("scope", (API, "k", name, INTENT)),
    ):
        with pytest.raises(InvalidInput) as caught:
            journal.begin(*args)
        assert caught.value.field == field
    for call in (journal.get, journal.release_nonce):
        with pytest.raises(InvalidInput):
            call(API, name)
    if name is not None:  # None means "any" to the filters
        with pytest.raises(InvalidInput):
            journal.entries(scope=name)
    assert journal.entries() == []


@pytest.mark.parametrize("nonce", [-1, 2**63, True, "5", 5.0])
def test_nonces_are_checked(journal: Journal, nonce: Any) -> None:
    journal.begin(API, "w1", SCOPE, INTENT)
    with pytest.raises(InvalidInput) as caught:
        journal.mark_sending(API, "w1", {"nonce": 1}, nonce=nonce)
    assert caught.value.field == "nonce"
    assert journal.mark_sending(API, "w1", {}, nonce=2**63 - 1).nonce == 2**63 - 1


def test_error_text_is_kept_truncated_and_state_unchanged(journal: Journal) -> None:
    journal.begin(API, "w1", SCOPE, INTENT)
    noted = journal.note_error(API, "w1", "timeout\0" + "x" * 5000)
    assert noted.state is State.PENDING and len(noted.error or "") == 4000
    assert (noted.error or "").startswith("timeout\\0xxx") and journal.get(API, "w1") == noted
    with pytest.raises(InvalidInput):
        journal.note_error(API, "w1", 42)  # type: ignore[arg-type]


def test_entries_and_counts_filter(journal: Journal) -> None:
    # Created in this order, which is not the order of the keys.
    for key, api, scope in (("c", API, "s1"), ("a", API, "s2"), ("b", "omnia", "s1")):
        journal.begin(api, key, scope, {"key": key})
    journal.begin(API, "d", "s1", {})
    journal.mark_sending(API, "a", {"nonce": 1}, nonce=1)
    journal.mark_done(API, "a", {"sequence_id": 1})
    journal.mark_failed(API, "d", "refused")

    def keys(**filters: Any) -> list[str]:
        return [entry.key for entry in journal.entries(**filters)]

    assert keys() == ["c", "a", "b", "d"]
    assert keys(api=API) == ["c", "a", "d"]
    assert keys(scope="s1") == ["c", "b", "d"]
    assert keys(api=API, scope="s1") == ["c", "d"]
    assert keys(states=[State.PENDING]) == ["c", "b"]
    assert keys(states={State.DONE, State.FAILED}) == ["a", "d"]
    assert keys(states=["pending"], api="omnia") == ["b"]
    assert keys(states=[]) == []
    assert keys(limit=2) == ["c", "a"] and keys(limit=0) == []
    assert [entry.in_flight for entry in journal.entries()] == [True, False, True, False]

    assert journal.counts() == {State.PENDING: 2, State.SENDING: 0, State.DONE: 1, State.FAILED: 1}
    assert journal.counts(api="omnia") == {
        State.PENDING: 1, State.SENDING: 0, State.DONE: 0, State.FAILED: 0,
    }  # fmt: skip
    assert set(journal.counts(api="none").values()) == {0}

    for bad in ({"limit": -1}, {"limit": True}, {"states": ["lost"]}, {"states": [3]}):
        with pytest.raises(InvalidInput):
            journal.entries(**bad)


def test_entries_survive_close_and_reopen(target: str) -> None:
    with Journal.open(target) as journal:
        journal.begin(API, "w1", SCOPE, INTENT)
        sent = journal.mark_sending(API, "w1", {"nonce": 9}, nonce=9)
    with Journal.open(target) as reopened, Journal.open(target) as another:
        assert reopened.get(API, "w1") == sent == another.get(API, "w1")
        done = reopened.mark_done(API, "w1", {"sequence_id": 5})
        assert another.get(API, "w1") == done
        with pytest.raises(NonceTaken):  # the index survives too
            another.begin(API, "w2", SCOPE, {})
            another.mark_sending(API, "w2", {}, nonce=9)


def test_a_closed_journal_refuses_work(journal: Journal) -> None:
    journal.close()
    journal.close()
    with pytest.raises(JournalError, match="closed"):
        journal.get(API, "w1")
    with pytest.raises(JournalError, match="closed"), journal.lock(API, SCOPE):
        pass


def test_threads_share_one_journal(journal: Journal) -> None:
    created: list[bool] = []

    def work(thread: int) -> None:
        created.append(journal.begin(API, "shared", SCOPE, {"thread": thread})[1])
        for i in range(5):
            key = f"t{thread}-{i}"
            journal.begin(API, key, SCOPE, {})
            journal.mark_sending(API, key, {}, nonce=thread * 10 + i)
            journal.mark_done(API, key, {"n": i})

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == [False] * 5 + [True]
    assert journal.counts() == {State.PENDING: 1, State.SENDING: 0, State.DONE: 30, State.FAILED: 0}
