"""CLI conventions: global options on either side of the subcommand, errors as JSON, an
unknown outcome that names real commands and prints what they need, and a missing extra
called by its name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from withdrawal_clients import cli
from withdrawal_clients.sandbox import Fault, ServedSandbox

RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
PAY = ["--contract-address", "ETH", "--asset-type", "ETH", "--amount", "0.01"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_json_is_global_before_or_after_the_subcommand(
    run: Any, served: ServedSandbox, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    args = ["reddio", "withdraw-to", *PAY, "--receiver", RECEIVER, "--base-url", served.reddio_url]
    code = cli.main(["--json", *args] if where == "before" else [*args, "--json"])
    out = capsys.readouterr().out
    assert code == 0 and "sequence_id" in json.loads(out)


def test_bad_input_is_a_json_error_under_json(run: Any) -> None:
    done = run("reddio", "withdraw-to", *PAY, "--receiver", "0xZZ", "--json")
    assert done.code == 2 and done.err == ""
    error = json.loads(done.out)
    assert (error["error"], error["field"], error["exit_code"]) == ("invalid input", "receiver", 2)


def test_an_unknown_outcome_names_commands_that_finish_it(
    run: Any, served: ServedSandbox, tmp_path: Path
) -> None:
    faults = served.sandbox.faults
    faults.add(Fault("/reddio/v1/withdrawalto", method="POST", drop=True))  # applied, lost
    faults.add(Fault("/reddio/v1/record/by/signature", status=500, times=None))  # lookup fails
    done = run("reddio", "withdraw-to", *PAY, "--receiver", RECEIVER, "--json")
    assert done.code == 4
    error = json.loads(done.out)
    assert "withdrawal-clients reddio lookup --r 0x" in error["finish"]
    assert "withdrawal-clients reddio resubmit" in error["finish"]
    body = error["request_body"]
    faults.clear()

    saved = tmp_path / "body.json"
    saved.write_text(json.dumps(body))
    finished = run("reddio", "resubmit", str(saved), "--json")
    assert finished.code == 0, finished.out + finished.err
    assert served.sandbox.reddio.record_count() == 1  # found by its signature: not sent twice
    signature = body["signature"]
    found = run("reddio", "lookup", "--r", signature["r"], "--s", signature["s"], "--json")
    assert (
        found.code == 0 and found.json()["record"]["sequence_id"] == finished.json()["sequence_id"]
    )


def test_a_tampered_saved_body_is_refused_before_sending(run: Any, tmp_path: Path) -> None:
    done = run("reddio", "withdraw-to", *PAY, "--receiver", RECEIVER, "--json")
    body = done.json()["body"]
    body["amount"] = str(int(body["amount"]) + 1)
    saved = tmp_path / "body.json"
    saved.write_text(json.dumps(body))
    refused = run("reddio", "resubmit", str(saved), "--json")
    assert refused.code == 2 and refused.json()["field"] == "body.signature"


def test_a_missing_extra_is_called_so(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name: None)
    assert cli.main(["sandbox", "--port", "0"]) == 2
    assert "missing extra" in capsys.readouterr().err


def test_help_shows_defaults_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["omnia", "withdraw", "--help"])
    assert "(default: 300)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "130 interrupted" in " ".join(capsys.readouterr().out.split())
