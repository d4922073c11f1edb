"""Every public call ends by its deadline, whatever the timing of a real HTTP server.

A server that drips its answer one byte at a time never trips a per-read timeout; the call's
own deadline (``call_timeout``) must end it. A write whose POST went out before the deadline
passed ends in OutcomeUnknown; anything the deadline stopped before sending is a Timeout.
"""

from __future__ import annotations

import socket
import time
from datetime import timedelta
from typing import Any

import pytest
from hardening_support import METHODS, MODES, Method, RawServer, outcome, response_bytes
from withdrawal_clients import errors

NONCE = b'{"status": "OK", "error": "", "error_code": 0, "data": {"nonce": 1}}'
SLACK = 1.5  # seconds a busy machine may take beyond the deadline to give control back


def drip(answer: bytes, *, head_at_once: bool, every: float = 0.05):
    """A behaviour that sends ``answer`` one byte every ``every`` seconds (after its head, at
    once, when ``head_at_once``)."""

    def behaviour(conn: socket.socket, request: bytes) -> None:
        rest = answer
        if head_at_once:
            head, _, rest = answer.partition(b"\r\n\r\n")
            conn.sendall(head + b"\r\n\r\n")
        for byte in rest:
            conn.sendall(bytes([byte]))
            time.sleep(every)

    return behaviour


def timed(method: Method, mode: str, server: RawServer, **client: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = outcome(method, mode, base_url=server.url, **client)
    return result, time.monotonic() - started


def _posted(server: RawServer) -> bool:
    return any(request.startswith(b"POST ") for request in server.requests)


CASES = [pytest.param(m, mode, id=f"{m}-{mode}") for m in METHODS for mode in MODES]
CALL_TIMEOUT = 0.3


@pytest.mark.parametrize(("method", "mode"), CASES)
def test_a_dripping_body_cannot_outlast_the_call(
    raw_server: RawServer, method: Method, mode: str
) -> None:
    raw_server.behaviour = drip(response_bytes(200, NONCE * 50), head_at_once=True)
    result, elapsed = timed(method, mode, raw_server, timeout=2, call_timeout=CALL_TIMEOUT)
    budget = CALL_TIMEOUT + method.kwargs.get("timeout", 0)  # a wait adds its own
    assert elapsed < budget + SLACK
    expected = errors.OutcomeUnknown if method.writes and _posted(raw_server) else errors.Timeout
    assert isinstance(result, expected), result


NAMED = ["reddio.nonce", "reddio.submit_withdrawal_to", "omnia.get_withdrawal"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", NAMED)
def test_dripping_headers_cannot_outlast_the_call(
    raw_server: RawServer, name: str, mode: str
) -> None:
    method = next(m for m in METHODS if str(m) == name)
    raw_server.behaviour = drip(response_bytes(200, NONCE), head_at_once=False)
    result, elapsed = timed(method, mode, raw_server, timeout=2, call_timeout=CALL_TIMEOUT)
    assert elapsed < CALL_TIMEOUT + SLACK
    expected = errors.OutcomeUnknown if method.writes else errors.Timeout
    assert isinstance(result, expected), result


@pytest.mark.parametrize("mode", MODES)
def test_the_default_deadline_follows_timeout_and_retries(raw_server: RawServer, mode: str) -> None:
    """timeout=0.4 and one retry: (1 + 1) x 0.4 s + a 0.25 s backoff = 1.05 s."""
    method = next(m for m in METHODS if str(m) == "reddio.nonce")
    raw_server.behaviour = drip(response_bytes(200, NONCE * 50), head_at_once=True, every=0.1)
    result, elapsed = timed(method, mode, raw_server, timeout=0.4, max_retries=1, fake_time=False)
    assert isinstance(result, errors.Timeout)
    assert "1.05 s" in str(result)
    assert 1.0 < elapsed < 1.05 + SLACK


@pytest.mark.parametrize("mode", MODES)
def test_call_timeout_is_configurable_as_a_timedelta(raw_server: RawServer, mode: str) -> None:
    method = next(m for m in METHODS if str(m) == "omnia.get_withdrawal")
    raw_server.behaviour = drip(response_bytes(200, b"{}" * 100), head_at_once=True)
    result, elapsed = timed(method, mode, raw_server, call_timeout=timedelta(milliseconds=400))
    assert isinstance(result, errors.Timeout)
    assert 0.35 < elapsed < 0.4 + SLACK


@pytest.mark.parametrize("mode", MODES)
def test_a_slow_honest_server_within_the_deadline_is_answered(
    raw_server: RawServer, mode: str
) -> None:
    """The deadline cuts nothing short that ends in time (here: a 0.3 s drip, 3 s budget)."""
    method = next(m for m in METHODS if str(m) == "reddio.nonce")
    raw_server.behaviour = drip(response_bytes(200, NONCE), head_at_once=True, every=0.004)
    result, _ = timed(method, mode, raw_server, call_timeout=3)
    assert result == 1


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_is_cut_at_the_deadline(raw_server: RawServer, mode: str) -> None:
    """A 503 asking for a 60 s pause: the call gives up at its deadline with the last answer's
    error, without sleeping past it."""
    method = next(m for m in METHODS if str(m) == "reddio.nonce")

    def busy(conn: socket.socket, request: bytes) -> None:
        conn.sendall(response_bytes(503, b"busy", {"Retry-After": "60"}))

    raw_server.behaviour = busy
    result, elapsed = timed(method, mode, raw_server, call_timeout=0.5, fake_time=False)
    assert isinstance(result, errors.Timeout | errors.ServerError), result
    assert elapsed < 0.5 + SLACK
