"""An Ethereum key is a secret: never in a repr, an error, a log line, a claim log, or a
traceback with its frames' locals, whether signing fails, the chain refuses, or all goes well."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from layer1_support import seeded, withdraw
from web3 import Web3
from withdrawal_clients import ReddioClient, WithdrawalClientError, cli
from withdrawal_clients.layer1 import FileClaimLog, L1Claimer
from withdrawal_clients.layer1._cli import ETH_KEY_ENV
from withdrawal_clients.sandbox import ServedSandbox
from withdrawal_clients.sandbox._l1 import STARKEX_ADDRESS


def key_text(account: Any) -> str:
    return bytes(account.key).hex()


def leaked(text: str, account: Any) -> bool:
    return key_text(account) in text.lower()


def with_locals(error: BaseException) -> str:
    formatted = traceback.TracebackException.from_exception(error, capture_locals=True)
    return "".join(formatted.format())


class QuotingSigner:
    """A signer whose own error quotes its key (as some libraries' messages do)."""

    def __init__(self, account: Any) -> None:
        self._account = account
        self.address = account.address

    def sign_transaction(self, transaction: dict[str, Any]) -> Any:
        raise ValueError(f"cannot sign with key {key_text(self._account)}")


@pytest.fixture
def target(served: ServedSandbox, reddio: ReddioClient, owner: Any) -> Any:
    return withdraw(reddio, seeded(served.sandbox, "ETH"), owner.address, "0.01")


def test_signing_failure(served: ServedSandbox, web3: Web3, target: Any, payer: Any) -> None:
    claimer = L1Claimer(web3, STARKEX_ADDRESS)
    with pytest.raises(WithdrawalClientError) as failed:
        claimer.claim(target, account=QuotingSigner(payer))
    assert failed.value.field == "account"  # type: ignore[attr-defined]
    assert not leaked(str(failed.value) + repr(failed.value) + with_locals(failed.value), payer)


def test_chain_refusal_after_signing(
    served: ServedSandbox, web3: Web3, target: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broke = Account.create()  # no ether for gas: the node refuses the signed transaction
    log = FileClaimLog(tmp_path / "claims.json")
    claimer = L1Claimer(web3, STARKEX_ADDRESS, tracker=log)
    with caplog.at_level(logging.DEBUG), pytest.raises(WithdrawalClientError) as refused:
        claimer.claim(target, account=broke)
    text = str(refused.value) + with_locals(refused.value) + caplog.text + repr(claimer)
    assert "account = <eth_account" in text  # the frames' locals are shown, the key is not
    assert not leaked(text + log.path.read_text(), broke)


def test_success(
    served: ServedSandbox, web3: Web3, target: Any, payer: Any, tmp_path: Path
) -> None:
    log = FileClaimLog(tmp_path / "claims.json")
    claimer = L1Claimer(web3, STARKEX_ADDRESS, tracker=log)
    unsigned = claimer.build_unsigned(target, sender=payer.address)
    result = claimer.claim(target, account=payer)
    text = repr(result) + repr(unsigned) + repr(claimer) + log.path.read_text()
    assert not leaked(text, payer)


def test_cli_output_and_errors(
    served: ServedSandbox,
    target: Any,
    payer: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(ETH_KEY_ENV, "0x" + key_text(payer))
    urls = ["--base-url", served.reddio_url, "--contract-address", STARKEX_ADDRESS]
    owner = ["--owner", target.recipient]
    assert cli.main(["reddio", "claim", "--rpc-url", "http://127.0.0.1:9", *urls, *owner]) == 4
    assert cli.main(["reddio", "claim", "--rpc-url", served.l1_url, *urls]) == 2  # nothing listed
    assert cli.main(["reddio", "claim", "--rpc-url", served.l1_url, *urls, *owner]) == 0
    out, err = capsys.readouterr()
    assert "no answer" in err and "lists nothing" in err and "claimed" in out
    assert not leaked(out + err, payer)
