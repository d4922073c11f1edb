"""`withdrawal-clients omnia ...` against the sandbox, in-process, over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from withdrawal_clients import cli
from withdrawal_clients.sandbox import Fault, SandboxConfig, ServedSandbox

REQUEST = [
    "--order-source",
    "ETHEREUM",
    "--token-address",
    "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    "--amount",
    "5.67",
    "--signature",
    "0x" + "ab" * 65,
]


def test_withdraw_status_and_wait(run: Any, served: ServedSandbox) -> None:
    created = run("omnia", "withdraw", *REQUEST, "--instruction-id", "cli-1", "--json")
    assert created.code == 0, created.err
    assert created.json()["amount"] == "5.67"
    status = run("omnia", "status", "cli-1", "--json").json()
    assert (status["instruction_id"], status["status"]) == ("cli-1", "COMPLETED")
    waited = run("omnia", "wait", "cli-1", "--poll-interval", "0.05", "--json")
    assert (waited.code, waited.json()["success"]) == (0, True)
    assert waited.json()["transaction_id"].startswith("0x")
    assert served.sandbox.omnia.withdrawal_count() == 1


@pytest.mark.parametrize("config", [SandboxConfig()])  # manual clock: stays PENDING
def test_withdraw_then_wait_that_runs_out(run: Any) -> None:
    args = ("--wait", "--wait-timeout", "0.2", "--poll-interval", "0.05")
    done = run("omnia", "withdraw", *REQUEST, *args)
    assert done.code == cli.EXIT_UNKNOWN
    assert "still pending" in done.err


@pytest.mark.parametrize(
    "config", [SandboxConfig.instant(omnia_signature_check=lambda body: False)]
)
def test_a_rejected_withdrawal_is_exit_1(run: Any) -> None:
    done = run("omnia", "withdraw", *REQUEST)
    assert done.code == cli.EXIT_FAILED
    assert "REJECTED" in done.out
    assert done.err.startswith("withdrawal-clients: withdrawal failed:")
    assert "INVALID_SIGNATURE" in done.err


def test_api_errors_are_exit_3(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    unknown = run("omnia", "status", "nope")
    assert (unknown.code, "UNKNOWN_WITHDRAWAL_REQUEST" in unknown.err) == (3, True)
    source = run("omnia", "withdraw", *REQUEST, "--order-source", "MOONCHAIN")
    assert (source.code, "ORDER_SOURCE_NOT_FOUND" in source.err) == (3, True)
    monkeypatch.setenv(cli.OMNIA_TOKEN_ENV, "not-a-sandbox-token")
    auth = run("omnia", "status", "nope")
    assert (auth.code, "INVALID_JWT_TOKEN" in auth.err) == (3, True)
    assert "not-a-sandbox-token" not in auth.err


def test_the_token_comes_only_from_the_environment(
    run: Any, monkeypatch: pytest.MonkeyPatch, served: ServedSandbox
) -> None:
    monkeypatch.delenv(cli.OMNIA_TOKEN_ENV)
    done = run("omnia", "status", "x")
    assert (done.code, cli.OMNIA_TOKEN_ENV in done.err) == (cli.EXIT_INPUT, True)
    assert served.sandbox.received("GET", "/omnia/api/v2/withdrawals/x") == 0


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--amount", "1.5.6"),
        ("--amount", "0"),
        ("--token-address", "0x12"),
        ("--deadline-in", "-5"),
    ],
)
def test_bad_input_is_refused_before_sending(
    run: Any, served: ServedSandbox, option: str, value: str
) -> None:
    done = run("omnia", "withdraw", *REQUEST, option, value)
    assert done.code == cli.EXIT_INPUT
    assert served.sandbox.received("POST", "/omnia/api/v2/withdrawals") == 0


def test_an_unreachable_outcome_is_exit_4(run: Any, served: ServedSandbox) -> None:
    """The POST's answer is lost and the status cannot be read: the outcome is unknown."""
    faults = served.sandbox.faults
    faults.add(Fault("/omnia/api/v2/withdrawals", method="POST", drop=True))
    faults.add(Fault("/omnia/api/v2/withdrawals/*", status=503, retry_after=0, times=None))
    done = run("omnia", "withdraw", *REQUEST, "--instruction-id", "lost-1")
    assert done.code == cli.EXIT_UNKNOWN
    assert done.err.startswith("withdrawal-clients: outcome unknown:")
    assert "lost-1" in done.err
    assert served.sandbox.omnia.withdrawal_count() == 1
