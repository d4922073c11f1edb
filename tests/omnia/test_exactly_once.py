"""A withdrawal happens once, whatever the network does (each test runs sync and async).

The fake Omnia keeps withdrawals by instruction id; each test counts the POSTs it received and
the withdrawals it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock
from withdrawal_clients import errors

pytestmark = pytest.mark.anyio

IID = "b7c5e0f2-5d0e-4c1e-9f3a-2f4f1c0e7a11"


def assert_same_bodies(fake: Any, count: int) -> None:
    assert len(fake.posted) == count
    assert all(body == fake.posted[0] for body in fake.posted)  # same id, same signature
    assert fake.posted[0]["instructionId"] == IID


async def test_a_lost_answer_to_a_recorded_request_is_recovered_by_lookup(
    omnia: Any, fake_omnia: Any
) -> None:
    fake_omnia.post_script = ["lose"]

    withdrawal = await omnia.request_withdrawal(instruction_id=IID)

    assert withdrawal.instruction_id == IID and withdrawal.status == "PENDING"
    assert_same_bodies(fake_omnia, 1)
    assert fake_omnia.gets == 1
    assert list(fake_omnia.withdrawals) == [IID]


async def test_a_request_lost_before_it_was_recorded_is_sent_again_unchanged(
    omnia: Any, fake_omnia: Any, fake_time: Any
) -> None:
    fake_omnia.post_script = ["drop"]

    withdrawal = await omnia.request_withdrawal(instruction_id=IID)

    assert withdrawal.instruction_id == IID
    assert_same_bodies(fake_omnia, 2)
    assert fake_omnia.gets == 1  # asked before sending again
    assert list(fake_omnia.withdrawals) == [IID]
    assert len(fake_time.sleeps) == 1  # backed off before the repeat


async def test_a_5xx_after_recording_is_recovered_by_lookup(omnia: Any, fake_omnia: Any) -> None:
    fake_omnia.post_script = ["500"]

    withdrawal = await omnia.request_withdrawal(instruction_id=IID)

    assert withdrawal.instruction_id == IID
    assert_same_bodies(fake_omnia, 1)
    assert list(fake_omnia.withdrawals) == [IID]


async def test_a_5xx_before_recording_leads_to_one_repeat(omnia: Any, fake_omnia: Any) -> None:
    fake_omnia.post_script = ["503"]

    await omnia.request_withdrawal(instruction_id=IID)

    assert_same_bodies(fake_omnia, 2)
    assert fake_omnia.gets == 1
    assert list(fake_omnia.withdrawals) == [IID]


async def test_a_refused_connection_is_retried_without_a_lookup(
    omnia: Any, fake_omnia: Any
) -> None:
    fake_omnia.post_script = ["refuse-connect", "refuse-connect"]

    await omnia.request_withdrawal(instruction_id=IID)

    assert_same_bodies(fake_omnia, 1)  # the refused attempts never arrived
    assert fake_omnia.gets == 0
    assert list(fake_omnia.withdrawals) == [IID]


async def test_several_losses_in_a_row_still_make_one_withdrawal(
    omnia: Any, fake_omnia: Any
) -> None:
    fake_omnia.post_script = ["drop", "503", "lose"]

    withdrawal = await omnia.request_withdrawal(instruction_id=IID)

    assert withdrawal.instruction_id == IID
    assert_same_bodies(fake_omnia, 3)
    assert fake_omnia.gets == 3
    assert list(fake_omnia.withdrawals) == [IID]


async def test_giving_up_says_the_outcome_is_unknown_and_how_to_check(
    make_omnia: Callable[..., Any], fake_omnia: Any
) -> None:
    omnia = make_omnia(max_retries=2)
    fake_omnia.post_script = ["drop"] * 3

    with pytest.raises(errors.OutcomeUnknown) as caught:
        await omnia.request_withdrawal(instruction_id=IID)

    assert f"get_withdrawal({IID!r})" in caught.value.how_to_check
    assert "same instruction_id" in caught.value.how_to_check
    assert_same_bodies(fake_omnia, 3)
    assert fake_omnia.withdrawals == {}


async def test_a_lookup_that_fails_leaves_the_outcome_unknown(omnia: Any, fake_omnia: Any) -> None:
    fake_omnia.post_script = ["lose"]
    fake_omnia.get_script = [(403, {"code": "INVALID_PERMISSIONS"})]

    with pytest.raises(errors.OutcomeUnknown) as caught:
        await omnia.request_withdrawal(instruction_id=IID)

    assert isinstance(caught.value.cause, errors.PermissionDenied)
    assert_same_bodies(fake_omnia, 1)  # never sent again without knowing


async def test_an_unreadable_success_answer_is_checked_by_lookup(
    omnia: Any, fake_omnia: Any
) -> None:
    fake_omnia.post_script = ["garbled"]

    withdrawal = await omnia.request_withdrawal(instruction_id=IID)

    assert withdrawal.instruction_id == IID
    assert_same_bodies(fake_omnia, 1)
    assert fake_omnia.gets == 1


async def test_a_success_answer_that_breaks_the_spec_is_checked_by_lookup(
    omnia: Any, fake_omnia: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_omnia._post

    def numeric_amount(request: httpx.Request) -> httpx.Response:
        answer = record(request)
        return httpx.Response(200, json={**answer.json(), "amount": 5})

    monkeypatch.setattr(fake_omnia, "_post", numeric_amount)

    withdrawal = await omnia.request_withdrawal(instruction_id=IID)

    assert withdrawal.instruction_id == IID
    assert_same_bodies(fake_omnia, 1)
    assert fake_omnia.gets == 1


async def test_a_lookup_that_breaks_the_spec_leaves_the_outcome_unknown(
    omnia: Any, fake_omnia: Any
) -> None:
    fake_omnia.post_script = ["lose"]
    broken = {"instructionId": IID, "orderSource": "ETHEREUM", "tokenAddress": 7}
    fake_omnia.get_script = [(200, {**broken, "amount": "1", "status": "PENDING"})]

    with pytest.raises(errors.OutcomeUnknown) as caught:
        await omnia.request_withdrawal(instruction_id=IID)

    assert isinstance(caught.value.cause, errors.MalformedResponse)
    assert_same_bodies(fake_omnia, 1)


async def test_a_repeat_refused_as_a_duplicate_finds_the_recorded_withdrawal(
    omnia: Any, fake_omnia: Any
) -> None:
    # The first request arrives late: the lookup misses it, so the repeat hits the duplicate.
    fake_omnia.post_script = ["lose"]
    fake_omnia.get_script = [(404, {"code": "UNKNOWN_WITHDRAWAL_REQUEST"})]

    withdrawal = await omnia.request_withdrawal(instruction_id=IID)

    assert withdrawal.instruction_id == IID
    assert_same_bodies(fake_omnia, 2)
    assert list(fake_omnia.withdrawals) == [IID]


async def test_a_refusal_after_a_loss_stands_when_nothing_was_recorded(
    omnia: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("lost"), method="POST")
    httpx_mock.add_response(
        method="POST", status_code=400, json={"code": "INVALID_SIGNATURE", "description": "no"}
    )
    httpx_mock.add_response(
        method="GET", status_code=404, json={"code": "UNKNOWN_WITHDRAWAL_REQUEST"}, is_reusable=True
    )

    with pytest.raises(errors.BadRequest) as caught:
        await omnia.request_withdrawal(instruction_id=IID)

    assert caught.value.code == "INVALID_SIGNATURE"
    # Looked up after the loss, and again after the refusal, before believing it.
    assert len(httpx_mock.get_requests(method="GET")) == 2
    assert len(httpx_mock.get_requests(method="POST")) == 2


async def test_an_instruction_id_already_used_for_another_withdrawal_is_not_success(
    omnia: Any, fake_omnia: Any, kit: Any
) -> None:
    fake_omnia.withdrawals[IID] = kit.withdrawal_json(IID, amount="999")
    fake_omnia.post_script = ["503"]

    with pytest.raises(errors.InvalidInput) as caught:
        await omnia.request_withdrawal(instruction_id=IID, amount="5.67")

    assert caught.value.field == "instruction_id"


async def test_rate_limited_posts_wait_as_told_and_are_repeated(
    omnia: Any, fake_omnia: Any, fake_time: Any
) -> None:
    fake_omnia.post_script = ["429"]

    await omnia.request_withdrawal(instruction_id=IID)

    assert fake_time.sleeps == [4.0]
    assert fake_omnia.gets == 0  # a 429 was not processed: nothing to look up
    assert_same_bodies(fake_omnia, 2)
    assert list(fake_omnia.withdrawals) == [IID]


async def test_rate_limited_posts_give_up_with_rate_limited(
    make_omnia: Callable[..., Any], httpx_mock: HTTPXMock
) -> None:
    omnia = make_omnia(max_retries=1)
    httpx_mock.add_response(
        method="POST", status_code=429, headers={"Retry-After": "2"}, is_reusable=True
    )

    with pytest.raises(errors.RateLimited) as caught:
        await omnia.request_withdrawal(instruction_id=IID)

    assert caught.value.retry_after == 2.0
    assert len(httpx_mock.get_requests()) == 2


async def test_an_unusual_5xx_status_is_treated_as_maybe_recorded(
    omnia: Any, httpx_mock: HTTPXMock, kit: Any
) -> None:
    # 520 is not an HTTPStatus member: the generated code cannot even build its response.
    httpx_mock.add_response(method="POST", status_code=520, text="origin error")
    httpx_mock.add_response(method="GET", json=kit.withdrawal_json(IID, status="PENDING"))

    withdrawal = await omnia.request_withdrawal(instruction_id=IID)

    assert withdrawal.status == "PENDING"
    assert len(httpx_mock.get_requests(method="POST")) == 1
