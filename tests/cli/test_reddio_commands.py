"""`withdrawal-clients reddio ...` against the sandbox, in-process, over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from withdrawal_clients import cli, starkex
from withdrawal_clients.sandbox import Fault, SandboxConfig, ServedSandbox

RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
TRANSFER = ["--contract-address", "ETH", "--asset-type", "ETH", "--receiver", RECEIVER]


def test_withdraw_to_posts_a_body_whose_signature_verifies(run: Any, served: ServedSandbox) -> None:
    done = run("reddio", "withdraw-to", *TRANSFER, "--amount", "0.25", "--json")
    assert done.code == 0, done.err
    result = done.json()
    body = result["body"]
    assert body["amount"] == "250000"  # 0.25 ETH in quanta of 10^12 wei
    message = starkex.get_transfer_msg_hash(
        amount=int(body["amount"]),
        nonce=body["nonce"],
        sender_vault_id=int(body["vault_id"]),
        asset_id=int(body["asset_id"], 16),
        receiver_vault_id=int(body["receiver_vault_id"]),
        receiver=int(body["receiver"], 16),
        expiration_timestamp=body["expiration_timestamp"],
    )
    assert hex(message) == result["msg_hash"]
    r, s = (int(body["signature"][part], 16) for part in "rs")
    assert starkex.verify(message, r, s, int(body["stark_key"], 16))
    assert served.sandbox.reddio.record_count() == 1


def test_record_and_wait(run: Any) -> None:
    sequence_id = run("reddio", "withdraw-to", *TRANSFER, "--amount", "1", "--json").json()[
        "sequence_id"
    ]
    record = run("reddio", "record", str(sequence_id), "--json")
    assert (record.code, record.json()["sequence_id"]) == (0, sequence_id)
    waited = run("reddio", "wait", str(sequence_id), "--poll-interval", "0.05", "--json")
    assert waited.code == 0
    assert (waited.json()["status"], waited.json()["status_name"]) == (6, "ACCEPTED_ON_L1")
    human = run("reddio", "record", str(sequence_id))
    assert "status_name       ACCEPTED_ON_L1" in human.out


def test_withdraw_to_and_wait_in_one_command(run: Any) -> None:
    done = run("reddio", "withdraw-to", *TRANSFER, "--amount", "2", "--wait", "--json")
    assert done.code == 0
    assert done.json()["record"]["accepted"] is True


@pytest.mark.parametrize("config", [SandboxConfig()])  # on the manual clock: never moves
def test_a_wait_that_runs_out_is_outcome_unknown(run: Any) -> None:
    sequence_id = run("reddio", "withdraw-to", *TRANSFER, "--amount", "1", "--json").json()[
        "sequence_id"
    ]
    args = ("--wait-timeout", "0.2", "--poll-interval", "0.05")
    waited = run("reddio", "wait", str(sequence_id), *args)
    assert waited.code == cli.EXIT_UNKNOWN
    assert waited.err.startswith("withdrawal-clients: still pending:")


def test_the_key_comes_only_from_the_environment(
    run: Any, monkeypatch: pytest.MonkeyPatch, served: ServedSandbox
) -> None:
    monkeypatch.delenv(cli.REDDIO_KEY_ENV)
    done = run("reddio", "withdraw-to", *TRANSFER, "--amount", "1")
    assert done.code == cli.EXIT_INPUT
    assert cli.REDDIO_KEY_ENV in done.err
    assert served.sandbox.received("GET", "/reddio/v1/contract_info") == 0
    with pytest.raises(SystemExit) as refused:  # there is no option to pass a key
        cli.main(["reddio", "withdraw-to", *TRANSFER, "--amount", "1", "--stark-private-key", "1"])
    assert refused.value.code == 2


@pytest.mark.parametrize("amount", ["0.0000001", "0", "-1", "abc", "1e400"])
def test_bad_amounts_are_refused_before_anything_is_posted(
    run: Any, served: ServedSandbox, amount: str
) -> None:
    done = run("reddio", "withdraw-to", *TRANSFER, "--amount", amount)
    assert done.code == cli.EXIT_INPUT
    assert done.err.startswith("withdrawal-clients: invalid input: amount")
    assert done.err.count("\n") == 1
    assert served.sandbox.received("POST", "/reddio/v1/withdrawalto") == 0


def test_an_api_refusal_is_one_line_and_exit_3(run: Any) -> None:
    done = run("reddio", "withdraw-to", *TRANSFER, "--amount", "11")  # 10 ETH are funded
    assert done.code == cli.EXIT_API
    assert done.err.count("\n") == 1
    assert "code=8" in done.err


def test_no_server_is_exit_4(run: Any) -> None:
    done = run("reddio", "record", "1000", base_url="http://127.0.0.1:1/reddio")
    assert done.code == cli.EXIT_UNKNOWN
    assert done.err.startswith("withdrawal-clients: no answer:")


def test_a_lost_answer_is_reconciled(run: Any, served: ServedSandbox) -> None:
    served.sandbox.faults.add(Fault("/reddio/v1/withdrawalto", method="POST", drop=True))
    done = run("reddio", "withdraw-to", *TRANSFER, "--amount", "1", "--json")
    assert done.code == 0, done.err
    assert served.sandbox.reddio.record_count() == 1
    assert served.sandbox.received("POST", "/reddio/v1/withdrawalto") == 1
