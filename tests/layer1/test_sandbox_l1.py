"""The sandbox's layer 1 as a JSON-RPC server, its optionality, and its compiled contracts."""

from __future__ import annotations

import hashlib
import json
import sys

import httpx
import pytest
from withdrawal_clients import ReddioClient
from withdrawal_clients.sandbox import TEST_STARK_PRIVATE_KEY, Sandbox, SandboxConfig, ServedSandbox
from withdrawal_clients.sandbox._contracts import ARTIFACT, CONTRACTS_DIR, VYPER_VERSION
from withdrawal_clients.sandbox._l1 import STARKEX_ADDRESS


def rpc(url: str, payload: object) -> object:
    response = httpx.post(url, json=payload, timeout=10)
    assert response.status_code == 200
    return response.json()


def test_json_rpc_over_http(served: ServedSandbox) -> None:
    url = served.l1_url
    chain = rpc(url, {"jsonrpc": "2.0", "id": 7, "method": "eth_chainId", "params": []})
    assert chain == {"jsonrpc": "2.0", "id": 7, "result": hex(served.sandbox.l1.chain_id)}
    batch = rpc(
        url,
        [
            {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []},
            {"jsonrpc": "2.0", "id": 2, "method": "eth_nope", "params": []},
            {"jsonrpc": "2.0", "id": 3, "method": "eth_getBalance", "params": ["0x12"]},
        ],
    )
    assert isinstance(batch, list) and batch[0]["result"].startswith("0x")
    assert batch[1]["error"]["code"] == -32601
    assert batch[2]["error"]["code"] in (-32000, -32602)
    parse = httpx.post(url, content=b"{", timeout=10).json()
    assert parse["error"]["code"] == -32700
    block = rpc(
        url,
        {"jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber", "params": ["latest", False]},
    )
    assert len(block["result"]["logsBloom"]) == 2 + 512 and "baseFeePerGas" in block["result"]


def test_revert_carries_reason_and_data(served: ServedSandbox) -> None:
    data = "0x" + bytes.fromhex("e7f8fb6e").hex()  # no such function: the contract reverts
    answer = rpc(
        served.l1_url,
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "eth_call",
            "params": [{"to": STARKEX_ADDRESS, "data": data}],
        },
    )
    assert answer["error"]["code"] == 3  # type: ignore[index]


def test_sandbox_works_without_layer_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without eth-tester (not installed), Reddio still answers; /l1 says what is missing."""
    monkeypatch.setitem(sys.modules, "eth_tester", None)
    sandbox = Sandbox(SandboxConfig.instant())
    with sandbox.serve() as served:
        with ReddioClient(served.reddio_url, stark_private_key=TEST_STARK_PRIVATE_KEY) as reddio:
            result = reddio.withdraw_to(
                contract_address="ETH", asset_type="ETH", amount="0.1", receiver="0x" + "11" * 20
            )
            assert reddio.get_record(result.sequence_id).status == 6
        answer = httpx.post(
            served.l1_url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}, timeout=10
        )
    assert answer.status_code == 501
    assert "eth-tester" in answer.json()["error"]["message"]


def test_compiled_artifact_matches_the_sources() -> None:
    """What make check-contracts checks with the compiler, checked here by the sources' hashes."""
    artifact = json.loads(ARTIFACT.read_text())
    assert artifact["vyper"] == VYPER_VERSION
    sources = {p.stem: p for p in CONTRACTS_DIR.glob("*.vy")}
    assert set(artifact["contracts"]) == set(sources)
    for name, path in sources.items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert artifact["contracts"][name]["source_sha256"] == digest, f"{name}.vy changed"
