"""expiration_timestamp: hours since the Unix epoch, below 2^22, and (for a new withdrawal)
later than the current hour."""

from __future__ import annotations

import pytest
from reddio_support import EXPLICIT, PRIVATE_KEY, Driver, Reddio, ok
from withdrawal_clients import errors
from withdrawal_clients._core.steps import Request
from withdrawal_clients.reddio.inputs import DEFAULT_EXPIRATION, expiration_hours
from withdrawal_clients.reddio.plans import ReddioPlans

HOUR = 3600
NOW_HOUR = 490_000  # 2025-11-24T16:00Z: any fixed hour will do, the clock is given


@pytest.mark.parametrize(
    "now",
    [NOW_HOUR * HOUR, NOW_HOUR * HOUR + 1, NOW_HOUR * HOUR + HOUR - 1, NOW_HOUR * HOUR + 0.5],
)
def test_the_current_hour_and_earlier_are_refused(now: float) -> None:
    for past in (NOW_HOUR, NOW_HOUR - 1, 1, 0):
        with pytest.raises(errors.InvalidInput) as caught:
            expiration_hours(past, now=now)
        assert caught.value.field == "expiration_timestamp"
        assert "past" in caught.value.rule
        assert str(NOW_HOUR) in caught.value.rule  # the current hour, to compare with
    assert expiration_hours(NOW_HOUR + 1, now=now) == NOW_HOUR + 1


def test_the_hour_just_before_the_clock_turns_is_still_ahead() -> None:
    assert expiration_hours(NOW_HOUR, now=NOW_HOUR * HOUR - 1) == NOW_HOUR


def test_the_default_is_valid_until_its_own_hour() -> None:
    assert DEFAULT_EXPIRATION == 2**22 - 1
    assert expiration_hours(DEFAULT_EXPIRATION, now=DEFAULT_EXPIRATION * HOUR - 1) == 2**22 - 1
    with pytest.raises(errors.InvalidInput):
        expiration_hours(DEFAULT_EXPIRATION, now=DEFAULT_EXPIRATION * HOUR)


def test_without_a_clock_old_hours_stay_valid_for_offline_signing() -> None:
    assert expiration_hours(438953) == 438953  # StarkWare's transfer vector, from 2020


@pytest.mark.parametrize(
    "value",
    [
        NOW_HOUR * HOUR,  # seconds
        1_763_712_000_000,  # milliseconds
        2**22,
    ],
)
@pytest.mark.parametrize("now", [None, NOW_HOUR * HOUR])
def test_seconds_and_milliseconds_are_told_to_be_hours(value: int, now: float | None) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        expiration_hours(value, now=now)
    assert caught.value.field == "expiration_timestamp"
    assert "HOURS since the Unix epoch" in caught.value.rule
    assert "seconds or milliseconds" in caught.value.rule


def flows(now: float) -> ReddioPlans:
    return ReddioPlans(
        stark_private_key=PRIVATE_KEY, max_retries=0, clock=None, wall_clock=lambda: now
    )


PLAN_ARGS = {**EXPLICIT, "token_id": None}


def test_withdraw_to_reads_the_injected_wall_clock() -> None:
    now = NOW_HOUR * HOUR
    refused = flows(now).withdraw_to(**PLAN_ARGS, expiration_timestamp=NOW_HOUR)
    with pytest.raises(errors.InvalidInput) as caught:
        next(refused)
    assert caught.value.field == "expiration_timestamp"

    accepted = flows(now).withdraw_to(**PLAN_ARGS, expiration_timestamp=NOW_HOUR + 1)
    step = next(accepted)  # every value is explicit: the first step is the POST
    assert isinstance(step, Request) and step.what == "POST /v1/withdrawalto"
    assert step.json["expiration_timestamp"] == NOW_HOUR + 1


@pytest.mark.anyio
@pytest.mark.parametrize("past", [1, 438953])
async def test_a_past_expiration_is_refused_before_any_request(
    client: Driver, reddio: Reddio, past: int
) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        await client("withdraw_to", **EXPLICIT, expiration_timestamp=past)
    assert caught.value.field == "expiration_timestamp"
    assert "past" in caught.value.rule
    assert reddio.mock.get_requests() == []


@pytest.mark.anyio
async def test_the_default_expiration_is_sent(client: Driver, reddio: Reddio) -> None:
    reddio.answer("POST", "/v1/withdrawalto", ok({"sequence_id": 3}))
    await client("withdraw_to", **EXPLICIT)
    (body,) = reddio.posted("/v1/withdrawalto")
    assert body["expiration_timestamp"] == DEFAULT_EXPIRATION
