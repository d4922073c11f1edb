"""The sandbox over real HTTP (uvicorn on 127.0.0.1, a free port, a background thread)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from withdrawal_clients.sandbox import Fault, Sandbox


def test_serves_both_apis_and_stops(omnia_body: Any) -> None:
    sandbox = Sandbox()
    headers = {"Authorization": f"Bearer {sandbox.omnia_token}"}
    with sandbox.serve() as served, httpx.Client(timeout=5) as client:
        assert served.reddio_url == served.base_url + "/reddio"
        assert served.omnia_url == served.base_url + "/omnia/api"
        info = client.get(
            f"{served.reddio_url}/v1/contract_info",
            params={"type": "ETH", "contract_address": "ETH"},
        )
        assert info.json()["data"]["quantum"] == 10**12
        created = client.post(
            f"{served.omnia_url}/v2/withdrawals",
            json=omnia_body(instructionId="h-1"),
            headers=headers,
        )
        assert created.status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(served.omnia_url + "/v2/withdrawals/h-1", headers=headers, timeout=2)


def test_a_dropped_response_is_a_transport_error_after_the_write(omnia_body: Any) -> None:
    sandbox = Sandbox()
    headers = {"Authorization": f"Bearer {sandbox.omnia_token}"}
    sandbox.faults.add(Fault("/omnia/api/v2/withdrawals", method="POST", drop=True))
    with sandbox.serve() as served, httpx.Client(base_url=served.omnia_url, timeout=5) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/v2/withdrawals", json=omnia_body(instructionId="h-2"), headers=headers)
        assert sandbox.omnia.withdrawal_count() == 1
        assert client.get("/v2/withdrawals/h-2", headers=headers).status_code == 200


def test_a_busy_port_is_reported() -> None:
    with Sandbox().serve() as served:
        port = int(served.base_url.rsplit(":", 1)[1])
        with pytest.raises(OSError), Sandbox().serve(port=port):
            pass
