"""Layer-1 fixtures: a sandbox served over real HTTP (its layer 1 a real py-evm chain), shared
by a module's tests, with fresh keys in every test so that tests do not see each other.
Helpers live in layer1_support.py beside this file."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from web3 import Web3
from withdrawal_clients import ReddioClient, starkex
from withdrawal_clients.layer1 import FileClaimLog, L1Claimer
from withdrawal_clients.sandbox import Sandbox, SandboxConfig, ServedSandbox
from withdrawal_clients.sandbox._l1 import STARKEX_ADDRESS

# pytest runs with --import-mode=importlib, which does not put test folders on sys.path.
sys.path.insert(0, str(Path(__file__).parent))

from layer1_support import ETHER


@pytest.fixture(scope="module")
def served() -> Iterator[ServedSandbox]:
    with Sandbox(SandboxConfig.instant()).serve() as running:
        yield running


@pytest.fixture
def web3(served: ServedSandbox) -> Web3:
    """web3 over HTTP to the sandbox's /l1."""
    return Web3(Web3.HTTPProvider(served.l1_url))


@pytest.fixture
def owner() -> Any:
    """The receiver of a withdrawal: a new Ethereum account with nothing on layer 1."""
    return Account.create()


@pytest.fixture
def payer(served: ServedSandbox) -> Any:
    """An account that sends claims: new, with one ether for gas."""
    account = Account.create()
    served.sandbox.l1.fund(account.address, ETHER)
    return account


@pytest.fixture
def reddio(served: ServedSandbox) -> Iterator[ReddioClient]:
    """A Reddio client of a new stark key (funded with every seeded asset on first use)."""
    key = 1 + secrets.randbelow(starkex.EC_ORDER - 1)
    with ReddioClient(served.reddio_url, stark_private_key=key) as client:
        yield client


@pytest.fixture
def claimer(web3: Web3, tmp_path: Any) -> L1Claimer:
    return L1Claimer(web3, STARKEX_ADDRESS, tracker=FileClaimLog(tmp_path / "claims.json"))
