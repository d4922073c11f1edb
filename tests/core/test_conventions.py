"""What users debug and configure with: errors that carry the answer's details, default
headers, our user agent on a caller's client, and with_options copies."""

from __future__ import annotations

import pickle

import httpx
import pytest
from withdrawal_clients import OmniaClient, ReddioClient, errors

OK_NONCE = {"status": "OK", "error": "", "data": {"nonce": 3}}


def test_an_api_error_carries_status_headers_request_id_method_path_and_a_bounded_body() -> None:
    body = b'{"code": "INVALID_PERMISSIONS", "description": "no"}' + b" " * 100_000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, content=body, headers={"X-Request-Id": "req-42"})

    with (
        OmniaClient(
            "http://omnia.test/api", token="t", transport=httpx.MockTransport(handler)
        ) as c,
        pytest.raises(errors.PermissionDenied) as caught,
    ):
        c.get_withdrawal("iid-1")
    error = caught.value
    assert (error.http_status, error.request_id) == (403, "req-42")
    assert (error.method, error.path) == ("GET", "/api/v2/withdrawals/iid-1")
    assert error.headers["x-request-id"] == "req-42"
    assert isinstance(error.body, bytes) and len(error.body) == errors.MAX_BODY
    shown = repr(error)
    for part in ("http_status=403", "request_id='req-42'", "method='GET'", "/v2/withdrawals/iid-1"):
        assert part in shown
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.request_id, copy.path, copy.headers) == (
        error.request_id,
        error.path,
        error.headers,
    )


def test_default_headers_and_our_user_agent_go_on_every_request() -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, json=OK_NONCE)

    transport = httpx.MockTransport(handler)
    with ReddioClient("http://r.test", transport=transport, default_headers={"X-Team": "ops"}) as c:
        c.nonce("0x1")
    theirs = httpx.Client(transport=transport, headers={"User-Agent": "payout-service/2"})
    with ReddioClient("http://r.test", http_client=theirs) as c:
        c.nonce("0x1")
    plain = httpx.Client(transport=transport)
    with ReddioClient("http://r.test", http_client=plain) as c:
        c.nonce("0x1")
    assert seen[0]["x-team"] == "ops" and seen[0]["user-agent"].startswith("withdrawal-clients/")
    assert seen[1]["user-agent"].startswith("payout-service/2 withdrawal-clients/")
    assert seen[2]["user-agent"].startswith("withdrawal-clients/")
    assert theirs.headers["user-agent"] == "payout-service/2"  # the caller's client unchanged


@pytest.mark.parametrize("headers", [{"X": 1}, "X: y", {"X": "a\nb"}])
def test_bad_default_headers_are_refused(headers: object) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        ReddioClient("http://r.test", default_headers=headers)  # type: ignore[arg-type]
    assert caught.value.field == "default_headers"


def test_with_options_is_a_configured_copy_sharing_the_http_client() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503, text="busy")

    client = ReddioClient(
        "http://r.test", transport=httpx.MockTransport(handler), sleep=lambda _: None
    )
    impatient = client.with_options(max_retries=0, timeout=2.5)
    with pytest.raises(errors.ServerError):
        impatient.nonce("0x1")
    assert len(calls) == 1
    impatient.close()  # owns nothing: the original keeps working
    with pytest.raises(errors.ServerError):
        client.nonce("0x1")
    assert len(calls) == 1 + 4  # the original still retries three times
    client.close()
    with pytest.raises(errors.InvalidInput):
        client.with_options(timeout=-1)
