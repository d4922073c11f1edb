"""Every error of ours crosses a process boundary (pickle) with its attributes intact."""

from __future__ import annotations

import pickle

import httpx
import pytest
from withdrawal_clients import errors
from withdrawal_clients._core.secret import Secret

SIGNED_BODY = {"nonce": 7, "signature": {"r": "0x1", "s": "0x2"}, "amount": "1000"}


def _round_trip(error: errors.WithdrawalClientError) -> errors.WithdrawalClientError:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    return copy


def test_invalid_input_keeps_field_and_rule() -> None:
    copy = _round_trip(errors.InvalidInput("amount", "must be positive"))
    assert isinstance(copy, errors.InvalidInput)
    assert (copy.field, copy.rule) == ("amount", "must be positive")


def test_outcome_unknown_keeps_advice_body_and_a_text_of_an_unpicklable_cause() -> None:
    request = httpx.Request("POST", "https://example.test/v1/withdrawalto")
    cause = httpx.ReadTimeout("timed out", request=request)
    error = errors.OutcomeUnknown(
        "no answer", how_to_check="call recover()", cause=cause, request_body=SIGNED_BODY
    )
    copy = _round_trip(error)
    assert isinstance(copy, errors.OutcomeUnknown)
    assert copy.how_to_check == "call recover()"
    assert copy.request_body == SIGNED_BODY
    assert "timed out" in str(copy.cause)  # the exception itself, or its text


@pytest.mark.parametrize(
    "error",
    [
        errors.ApiError("refused", code=13, http_status=400, body=b"{}"),
        errors.RateLimited("slow down", retry_after=2.5, http_status=429),
        errors.MalformedResponse("not json", http_status=200, body=b"<html>"),
        errors.WaitTimeout("late", last_seen={"status": 3}),
        errors.WithdrawalRejected("failed", reason="REJECTED", withdrawal={"id": "a"}),
        errors.Timeout("read timeout"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_api_and_wait_errors_keep_their_attributes(error: errors.WithdrawalClientError) -> None:
    copy = _round_trip(error)
    assert copy.__dict__ == error.__dict__


def test_a_secret_inside_an_error_never_reaches_the_pickle() -> None:
    key = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
    error = errors.OutcomeUnknown("x", how_to_check="y", cause=ValueError(Secret(key)))
    data = pickle.dumps(error)
    assert f"{key:x}".encode() not in data and str(key).encode() not in data


def test_secret_hash_reveals_nothing_of_the_value() -> None:
    key = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
    assert hash(Secret(key)) == hash(Secret(key))  # still usable in sets and dicts
    assert hash(Secret(key)) != hash(key)
    assert hash(Secret(key)) != key % (2**61 - 1)
