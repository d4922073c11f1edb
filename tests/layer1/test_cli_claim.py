"""``withdrawal-clients reddio claim`` against the served sandbox: dry run, claim, re-run."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from layer1_support import nonce, seeded, withdraw
from web3 import Web3
from withdrawal_clients import Journal, ReddioClient, State, cli
from withdrawal_clients.layer1._cli import ETH_KEY_ENV
from withdrawal_clients.sandbox import Fault, ServedSandbox
from withdrawal_clients.sandbox._l1 import STARKEX_ADDRESS


@pytest.fixture
def claim(served: ServedSandbox, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Any:
    def invoke(*args: str, contract: bool = True) -> tuple[int, str, str]:
        where = ["--base-url", served.reddio_url, "--rpc-url", served.l1_url]
        if contract:
            where += ["--contract-address", STARKEX_ADDRESS]
        code = cli.main(["reddio", "claim", *where, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_dry_run_then_claim_then_nothing_left(
    served: ServedSandbox,
    reddio: ReddioClient,
    owner: Any,
    web3: Web3,
    claim: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    withdraw(reddio, seeded(served.sandbox, "ETH"), owner.address, "0.25")
    withdraw(reddio, seeded(served.sandbox, "ERC721"), owner.address, token_id=1)
    served.sandbox.l1.fund(owner.address, 10**17)  # the owner pays its own gas here
    monkeypatch.setenv(ETH_KEY_ENV, owner.key.hex())
    log = str(tmp_path / "claims.json")

    code, out, err = claim("--dry-run", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["owner"] == owner.address and shown["starkex_contract"] == STARKEX_ADDRESS
    calls = {c["kind"]: c for c in shown["claims"]}
    assert calls["ETH"]["pending"] == 250_000_000_000_000_000 and calls["ERC721"]["pending"] == 1
    assert calls["ETH"]["call"].startswith("withdraw(ownerKey=" + owner.address.lower())
    assert (
        calls["ERC721"]["call"].startswith("withdrawNft(") and calls["ETH"]["status"] == "dry run"
    )
    assert nonce(web3, owner) == 0  # a dry run sends nothing

    code, out, err = claim("--claim-log", log)
    assert code == 0, err
    assert out.count("status        claimed") == 2 and "tx_hash" in out
    assert nonce(web3, owner) == 2
    assert served.sandbox.l1.owner_of(seeded(served.sandbox, "ERC721").contract_address, 1) == (
        owner.address.lower()
    )
    assert set(json.loads(Path(log).read_text())) and owner.key.hex() not in Path(log).read_text()

    code, out, err = claim("--claim-log", log, "--json")
    assert code == 2
    report = json.loads(out)  # one JSON document under --json, the problem included
    assert {c["status"] for c in report["claims"]} == {"nothing pending"}
    assert "nothing pending on layer 1: already claimed" in report["problem"]
    assert nonce(web3, owner) == 2


def test_key_only_from_the_environment_and_contract_fallback(
    served: ServedSandbox,
    owner: Any,
    claim: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv(ETH_KEY_ENV, raising=False)
    code, _, err = claim()
    assert code == 2 and ETH_KEY_ENV in err
    code, _, err = claim("--dry-run")
    assert code == 2 and "--owner" in err
    monkeypatch.setenv(ETH_KEY_ENV, "0xnot-a-key")
    code, out, err = claim()
    assert code == 2 and "not-a-key" not in out + err and ETH_KEY_ENV in err
    # No address given: Reddio's GET /v1/starkex/contracts says which.
    monkeypatch.delenv(ETH_KEY_ENV)
    code, out, err = claim(
        "--dry-run", "--owner", owner.address, "--network", "sepolia", "--json", contract=False
    )
    assert code == 0, err
    assert json.loads(out)["contract_from"] == "sepolia"
    # And when Reddio's API does not answer: the known Sepolia contract, said so.
    served.sandbox.faults.add(Fault("/reddio/v1/starkex/contracts", status=503, times=None))
    with caplog.at_level(logging.WARNING):
        code, out, err = claim(
            "--dry-run", "--owner", owner.address, "--network", "sepolia", "--json", contract=False
        )
    assert code == 0, err  # nothing is listed for a new owner: nothing to read
    shown = json.loads(out)
    assert shown["starkex_contract"] == "0x682173dd52A16EC51Cb65Bbd6DA1D3baCf831b45"
    assert shown["contract_from"] == "known addresses (fallback)" and shown["claims"] == []
    assert "using the known address" in caplog.text


def test_claims_recorded_in_the_withdrawal_journal(
    served: ServedSandbox,
    reddio: ReddioClient,
    owner: Any,
    web3: Web3,
    claim: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    withdraw(reddio, seeded(served.sandbox, "ETH"), owner.address, "0.25")
    served.sandbox.l1.fund(owner.address, 10**17)
    monkeypatch.setenv(ETH_KEY_ENV, owner.key.hex())
    journal = str(tmp_path / "journal.db")

    code, out, err = claim("--journal", journal, "--json")
    assert code == 0, err
    assert [c["status"] for c in json.loads(out)["claims"]] == ["claimed"]
    code, out, err = claim("--journal", journal, "--json")
    assert code == 2 and nonce(web3, owner) == 1  # nothing pending: nothing sent again
    with Journal.open(journal) as opened:
        (entry,) = opened.entries(api="l1")
    assert entry.state == State.DONE and entry.result is not None
    assert owner.key.hex()[2:] not in json.dumps(dict(entry.result))
