"""The specs are enough to build a working client in another language.

TypeScript types are generated from openapi/*.yaml (openapi-typescript), a client written
against them (interop/ts/withdraw.mts: openapi-fetch, @scure/starknet; all pinned in
package-lock.json) is compiled with tsc --strict, and Node runs a complete Reddio withdrawalto
and an Omnia withdrawal against the sandbox served over HTTP. The sandbox must accept both.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from withdrawal_clients import starkex
from withdrawal_clients.sandbox import TEST_STARK_PRIVATE_KEY, ServedSandbox

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"
BUILD = ROOT / "build" / "interop"
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
ETH_ASSET_ID = 0x352F9FFD821A525051DE2D71126113505A7B0A73D98DBC0AC0FF343CFBDEF5E


def run(*command: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{command[0]}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def program() -> Path:
    """The client, compiled from the specs as they are now."""
    assert (BIN / "tsc").exists(), "the npm tools are missing: run `make install`"
    assert shutil.which("node"), "Node.js is needed"
    shutil.rmtree(BUILD, ignore_errors=True)
    for api in ("reddio", "omnia"):
        spec, types = ROOT / "openapi" / f"{api}.yaml", BUILD / "specs" / f"{api}.ts"
        run(BIN / "openapi-typescript", spec, "--output", types)
    run(BIN / "tsc", "--project", ROOT / "interop" / "ts")
    return BUILD / "js" / "interop" / "ts" / "withdraw.mjs"


def test_a_typescript_client_withdraws_on_both_apis(program: Path, served: ServedSandbox) -> None:
    sandbox = served.sandbox
    env = {
        **os.environ,
        "STARK_PRIVATE_KEY": hex(TEST_STARK_PRIVATE_KEY),
        "OMNIA_TOKEN": sandbox.omnia_token,
    }
    out = run("node", program, served.reddio_url, served.omnia_url, RECEIVER, env=env)
    result: dict[str, Any] = json.loads(out)
    reddio, omnia = result["reddio"], result["omnia"]

    # Reddio: accepted, so the sandbox verified the TypeScript signature, and the record is a
    # withdrawal (type 4) that reached layer 1 (status 6).
    assert reddio["record"] == {"sequence_id": reddio["sequence_id"], "status": 6, "record_type": 4}
    assert reddio["withdrawable"] == ["250000"]  # 0.25 ETH in quanta of 10^12 wei
    assert reddio["stark_key"] == hex(starkex.private_to_stark_key(TEST_STARK_PRIVATE_KEY))
    assert sandbox.received("POST", "/reddio/v1/withdrawalto") == 1
    assert sandbox.reddio.record_count() == 1
    # The message TypeScript signed is the one the Python signer computes for the same fields.
    with httpx.Client(base_url=served.reddio_url, timeout=10) as http:
        keys = f"{reddio['stark_key']},{RECEIVER}"
        query = {"asset_id": hex(ETH_ASSET_ID), "stark_keys": keys}
        vaults = http.get("/v1/vaults", params=query).json()["data"]["vault_ids"]
        found = http.get("/v1/record/by/signature", params=reddio["signature"]).json()["data"]
    assert [record["sequence_id"] for record in found] == [reddio["sequence_id"]]
    expected = starkex.get_transfer_msg_hash(
        amount=250_000,
        nonce=0,
        sender_vault_id=int(vaults[0]),
        asset_id=ETH_ASSET_ID,
        receiver_vault_id=int(vaults[1]),
        receiver=int(RECEIVER, 16),
        expiration_timestamp=2**22 - 1,
    )
    assert int(reddio["msg_hash"], 16) == expected

    # Omnia: one withdrawal, completed.
    assert (omnia["status"], omnia["transactionId"][:2]) == ("COMPLETED", "0x")
    assert sandbox.received("POST", "/omnia/api/v2/withdrawals") == 1
    assert sandbox.omnia.withdrawal_count() == 1
