"""The shared HTTP layer: retry decisions, Retry-After, error mapping, client ownership."""

from __future__ import annotations

import email.utils
from typing import Any

import httpx
import pytest
from withdrawal_clients import errors
from withdrawal_clients._core import transport as _transport
from withdrawal_clients._core.answers import read_json
from withdrawal_clients._core.secret import Secret
from withdrawal_clients._core.steps import Answer
from withdrawal_clients._core.transport import RetryPolicy, retry_delay

NO_JITTER = RetryPolicy(max_retries=3, backoff_base=0.5, backoff_cap=3.0, jitter=False)


def test_backoff_doubles_and_is_capped() -> None:
    delays = [retry_delay(NO_JITTER, attempt) for attempt in range(3)]
    assert delays == [0.5, 1.0, 2.0]
    capped = RetryPolicy(max_retries=10, backoff_base=0.5, backoff_cap=3.0, jitter=False)
    assert retry_delay(capped, 6) == 3.0


def test_jitter_stays_below_the_ceiling() -> None:
    policy = RetryPolicy(max_retries=5, backoff_base=1.0, backoff_cap=4.0)
    assert retry_delay(policy, 2, rng=lambda: 0.5) == 2.0
    assert retry_delay(policy, 2, rng=lambda: 0.0) == 0.0


def test_stops_after_max_retries_and_on_final_statuses() -> None:
    assert retry_delay(NO_JITTER, 3) is None
    for status in (400, 401, 403, 404, 409, 422):
        assert retry_delay(NO_JITTER, 0, status=status) is None
    for status in (429, 500, 502, 503, 504):
        assert retry_delay(NO_JITTER, 0, status=status) == 0.5


def test_retry_after_seconds_and_http_date() -> None:
    assert retry_delay(NO_JITTER, 0, status=429, retry_after="2") == 2.0
    date = email.utils.formatdate(1_000_010, usegmt=True)
    assert _transport.parse_retry_after(date, now=1_000_000) == 10.0
    assert _transport.parse_retry_after("soon") is None
    assert _transport.parse_retry_after(None) is None


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(errors.InvalidInput, match="max_retries"):
        RetryPolicy(max_retries=-1)


class Scripted:
    """Plays a list of outcomes (responses or exceptions) and counts the calls."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self) -> httpx.Response:
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def test_sync_loop_retries_transient_failures_then_returns() -> None:
    slept: list[float] = []
    send = Scripted(
        httpx.ConnectError("refused"),
        httpx.Response(503),
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(200, json={"ok": True}),
    )
    response = _transport.send_with_retries(send, NO_JITTER, what="GET /x", sleep=slept.append)
    assert response.status_code == 200
    assert send.calls == 4
    assert slept == [0.5, 1.0, 7.0]


def test_sync_loop_returns_last_response_when_retries_run_out() -> None:
    policy = RetryPolicy(max_retries=1, jitter=False)
    send = Scripted(httpx.Response(502), httpx.Response(502))
    response = _transport.send_with_retries(send, policy, what="GET /x", sleep=lambda _: None)
    assert response.status_code == 502
    assert send.calls == 2


def test_sync_loop_maps_transport_errors_when_retries_run_out() -> None:
    policy = RetryPolicy(max_retries=1, jitter=False)
    send = Scripted(httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"))
    with pytest.raises(errors.Timeout, match="GET /x"):
        _transport.send_with_retries(send, policy, what="GET /x", sleep=lambda _: None)
    send = Scripted(httpx.ConnectError("refused"))
    with pytest.raises(errors.TransportError) as caught:
        _transport.send_with_retries(
            send, RetryPolicy(max_retries=0), what="GET /y", sleep=lambda _: None
        )
    assert not isinstance(caught.value, errors.Timeout)


def test_final_statuses_are_not_retried() -> None:
    send = Scripted(httpx.Response(404))
    response = _transport.send_with_retries(send, NO_JITTER, what="GET /x", sleep=lambda _: None)
    assert response.status_code == 404
    assert send.calls == 1


@pytest.mark.anyio
async def test_async_loop_makes_the_same_decisions() -> None:
    slept: list[float] = []
    script = Scripted(
        httpx.ReadError("reset"),
        httpx.Response(500),
        httpx.Response(200),
    )

    async def send() -> httpx.Response:
        return script()

    async def sleep(delay: float) -> None:
        slept.append(delay)

    response = await _transport.asend_with_retries(send, NO_JITTER, what="GET /x", sleep=sleep)
    assert response.status_code == 200
    assert slept == [0.5, 1.0]


def test_only_connection_failures_prove_nothing_was_sent() -> None:
    assert not _transport.may_have_been_sent(httpx.ConnectError("refused"))
    assert not _transport.may_have_been_sent(httpx.ConnectTimeout("slow connect"))
    assert _transport.may_have_been_sent(httpx.ReadTimeout("slow answer"))
    assert _transport.may_have_been_sent(httpx.RemoteProtocolError("dropped"))
    assert _transport.may_have_been_sent(httpx.WriteError("broken pipe"))


@pytest.mark.parametrize(
    "body", [b"<html><body>502 Bad Gateway</body></html>", b'{"status": "OK"', b"\xff\xfe"]
)
def test_read_json_turns_bad_bodies_into_malformed_response(body: bytes) -> None:
    with pytest.raises(errors.MalformedResponse) as caught:
        read_json(Answer(502, httpx.Headers(), body), "GET /v1/nonce")
    assert caught.value.http_status == 502
    assert caught.value.body == body
    assert "GET /v1/nonce" in str(caught.value)


def test_open_client_owns_only_what_it_created() -> None:
    client, owned = _transport.open_http(
        httpx.Client, timeout=3.0, transport=None, http_client=None
    )
    assert owned
    assert client.headers["User-Agent"].startswith("withdrawal-clients/")
    client.close()

    mine = httpx.Client()
    before = (mine.base_url, dict(mine.headers), mine.auth, dict(mine.event_hooks))
    adopted, owned = _transport.open_http(
        httpx.Client, timeout=None, transport=None, http_client=mine
    )
    assert adopted is mine and not owned
    assert (mine.base_url, dict(mine.headers), mine.auth, dict(mine.event_hooks)) == before
    assert _transport.base_url_for(None, mine, "http://api.test/base/") == "http://api.test/base"
    mine.close()

    with pytest.raises(errors.InvalidInput, match="transport"):
        _transport.open_http(
            httpx.Client,
            timeout=None,
            transport=httpx.MockTransport(lambda r: httpx.Response(200)),
            http_client=httpx.Client(),
        )


def test_errors_share_one_hierarchy_and_name_fields() -> None:
    problem = errors.InvalidInput("amount", "must be > 0")
    assert isinstance(problem, ValueError)
    assert isinstance(problem, errors.WithdrawalClientError)
    assert str(problem) == "amount: must be > 0"
    api = errors.PermissionDenied("not allowed", code="INVALID_PERMISSIONS", http_status=403)
    assert isinstance(api, errors.AuthError) and isinstance(api, errors.ApiError)
    assert api.description == "not allowed"
    assert "INVALID_PERMISSIONS" in str(api) and "403" in str(api)
    assert issubclass(errors.WaitTimeout, errors.Timeout)
    assert issubclass(errors.Timeout, errors.TransportError)


def test_secret_never_shows_its_value() -> None:
    secret = Secret(0x1234ABCD)
    assert "1234" not in repr(secret) and "1234" not in str(secret).lower()
    assert "1234" not in f"{secret}"
    assert secret.reveal() == 0x1234ABCD
    assert secret == Secret(0x1234ABCD)
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(secret)
