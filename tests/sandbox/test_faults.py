"""Fault injection, in-process: error pages, rate limits, lost responses, latency, controls."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from withdrawal_clients.sandbox import Fault, Sandbox
from withdrawal_clients.sandbox import _faults as faults_module

WITHDRAWALS = "/omnia/api/v2/withdrawals"


@pytest.fixture
def post(http: httpx.Client, omnia_headers: dict[str, str], omnia_body: Any) -> Any:
    return lambda: http.post(
        WITHDRAWALS, json=omnia_body(instructionId="f-1"), headers=omnia_headers
    )


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_html_pages_and_do_not_run_the_request(
    post: Any, sandbox: Sandbox, status: int
) -> None:
    sandbox.faults.add(Fault(WITHDRAWALS, method="POST", status=status))
    response = post()
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<html>")
    assert response.headers["x-sandbox-fault"] == "status"
    assert sandbox.omnia.withdrawal_count() == 0
    assert post().status_code == 200  # times=1: used up


def test_rate_limit_carries_retry_after(
    post: Any, http: httpx.Client, omnia_headers: dict[str, str], sandbox: Sandbox
) -> None:
    sandbox.faults.add(Fault("/reddio/v1/*", status=429, retry_after=7, times=2))
    first, second, third = (http.get("/reddio/v1/nonce") for _ in range(3))
    assert first.status_code == second.status_code == 429
    assert first.headers["retry-after"] == "7"
    assert third.json()["status"] == "FAILED"  # the sandbox itself answers again
    assert post().status_code == 200  # other routes are untouched


def test_dropped_response_commits_the_write_and_loses_the_answer(
    post: Any, http: httpx.Client, omnia_headers: dict[str, str], sandbox: Sandbox
) -> None:
    sandbox.faults.add(Fault(WITHDRAWALS, method="POST", drop=True))
    with pytest.raises(httpx.TransportError):
        post()
    assert sandbox.omnia.withdrawal_count() == 1
    found = http.get(f"{WITHDRAWALS}/f-1", headers=omnia_headers)
    assert found.status_code == 200


def test_method_and_glob_decide_what_is_faulted(
    post: Any, http: httpx.Client, omnia_headers: dict[str, str], sandbox: Sandbox
) -> None:
    sandbox.faults.add(Fault(f"{WITHDRAWALS}/*", method="get", status=502, times=None))
    assert post().status_code == 200  # POST on the collection: not matched
    for _ in range(3):  # times=None: every time until cleared
        assert http.get(f"{WITHDRAWALS}/f-1", headers=omnia_headers).status_code == 502
    sandbox.faults.clear()
    assert http.get(f"{WITHDRAWALS}/f-1", headers=omnia_headers).status_code == 200


@pytest.mark.parametrize(("after_commit", "stored_while_waiting"), [(False, 0), (True, 1)])
def test_latency_waits_before_running_or_after_committing(
    post: Any, sandbox: Sandbox, monkeypatch: Any, after_commit: bool, stored_while_waiting: int
) -> None:
    slept: list[tuple[float, int]] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append((seconds, sandbox.omnia.withdrawal_count()))

    monkeypatch.setattr(faults_module.anyio, "sleep", fake_sleep)
    sandbox.faults.add(Fault(WITHDRAWALS, latency=0.25, after_commit=after_commit))
    response = post()
    assert (response.status_code, response.json()["instructionId"]) == (200, "f-1")
    assert slept == [(0.25, stored_while_waiting)]


def test_an_error_after_commit_runs_the_request(post: Any, sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(WITHDRAWALS, method="POST", status=502, after_commit=True))
    response = post()
    assert (response.status_code, response.headers["x-sandbox-fault"]) == (502, "status")
    assert sandbox.omnia.withdrawal_count() == 1  # the gateway failed after the backend acted


def test_a_late_answer_over_http_times_out_after_the_write(omnia_body: Any) -> None:
    sandbox = Sandbox()
    headers = {"Authorization": f"Bearer {sandbox.omnia_token}"}
    sandbox.faults.add(Fault(WITHDRAWALS, method="POST", latency=0.5, after_commit=True))
    with sandbox.serve() as served, httpx.Client(base_url=served.base_url) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post(
                WITHDRAWALS, json=omnia_body(instructionId="late"), headers=headers, timeout=0.1
            )
        assert sandbox.omnia.withdrawal_count() == 1
        assert client.get(f"{WITHDRAWALS}/late", headers=headers, timeout=5).status_code == 200


@pytest.mark.parametrize(
    "bad",
    [
        {"path": "/x", "status": 200},
        {"path": "/x", "status": 502, "drop": True},
        {"path": "/x", "times": 0},
        {"path": "/x", "latency": -1},
        {"path": "/x", "colour": "red"},
        {"path": "/x", "method": 5},
        {"path": "/x", "status": "502"},
        {"path": "/x", "status": True},
        {"path": "/x", "latency": "1"},
        {"path": "/x", "retry_after": {}},
        {"path": "/x", "drop": "yes"},
        {"path": "/x", "times": 1.5},
        {"path": "/x", "after_commit": True},
        {"path": "/x", "after_commit": 1, "drop": True},
        {"status": 502},
        ["/x"],
    ],
)
def test_admin_endpoint_refuses_bad_faults(http: httpx.Client, bad: Any) -> None:
    response = http.post("/_sandbox/faults", json=bad)
    assert response.status_code == 400
    assert http.get("/_sandbox/faults").json() == {"faults": []}


def test_admin_endpoint_adds_lists_and_clears(post: Any, http: httpx.Client) -> None:
    added = http.post("/_sandbox/faults", json={"path": "*", "status": 503, "times": 5})
    assert added.status_code == 200
    assert added.json()["faults"][0]["status"] == 503
    assert http.get("/_sandbox/faults").status_code == 200  # the controls are never faulted
    assert post().status_code == 503
    assert http.get("/_sandbox/faults").json()["faults"][0]["times"] == 4
    assert http.delete("/_sandbox/faults").json() == {"faults": []}
    assert post().status_code == 200


def test_clock_can_be_advanced_over_http(
    post: Any, http: httpx.Client, omnia_headers: dict[str, str], sandbox: Sandbox
) -> None:
    assert post().json()["status"] == "PENDING"
    advanced = http.post(
        "/_sandbox/clock/advance", json={"seconds": sandbox.config.omnia_completed_after}
    )
    assert advanced.status_code == 200
    assert http.get(f"{WITHDRAWALS}/f-1", headers=omnia_headers).json()["status"] == "COMPLETED"
    assert http.post("/_sandbox/clock/advance", json={"seconds": -1}).status_code == 400


def test_wall_clock_cannot_be_advanced(checked_client: Any) -> None:
    client = checked_client(Sandbox())
    assert client.post("/_sandbox/clock/advance", json={"seconds": 1}).status_code == 409
