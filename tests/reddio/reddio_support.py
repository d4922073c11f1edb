"""Shared by the Reddio client tests: one driver for both clients, canned answers, fake sleep.

Key material comes from StarkWare's signature test data (``signature_test_data.json``): the
transfer_order's private key and its public key. Reddio's ETH asset id (quantum 10^12) is the
value Reddio publishes.
"""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

from pytest_httpx import HTTPXMock
from withdrawal_clients.reddio import AsyncReddioClient, ReddioClient

BASE = "https://api-dev.reddio.com"
PRIVATE_KEY = 0x7CC2767A160D4EA112B436DC6F79024DB70B26B11ED7AA2CB6D7EEF19ACE703
STARK_KEY = "0x59a543d42bcc9475917247fa7f136298bb385a6388c3df7309955fcb39b8dd4"
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
ETH_ASSET_ID = "0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e"
ETH_INFO = {"contract_address": "ETH", "type": "ETH", "decimals": 18, "quantum": "1000000000000"}
# A withdraw_to with every value explicit: no lookup is needed, only the POST is sent.
EXPLICIT: dict[str, Any] = {
    "contract_address": "ETH",
    "asset_type": "ETH",
    "amount": 10000,
    "quantized": True,
    "receiver": RECEIVER,
    "nonce": 5,
    "vault_id": 11,
    "receiver_vault_id": 22,
    "asset_id": ETH_ASSET_ID,
}


def ok(data: Any) -> dict[str, Any]:
    return {"status": "OK", "error": "", "error_code": 0, "data": data}


def failed(code: int, error: str = "failed") -> dict[str, Any]:
    return {"status": "FAILED", "error": error, "error_code": code, "data": None}


def url(path: str) -> re.Pattern[str]:
    """Matches ``path`` on the testnet with any query."""
    return re.compile(re.escape(BASE + path) + r"(\?.*)?$")


def record(sequence_id: int, status: int, **extra: Any) -> dict[str, Any]:
    return {
        "sequence_id": sequence_id,
        "status": status,
        "record_type": 3,
        "stark_key": STARK_KEY,
        "amount": "10000",
        "asset_id": ETH_ASSET_ID,
        "token_id": "",
        "time": 1700000000,
        **extra,
    }


class Reddio:
    """Mocked Reddio: canned answers by method and path, and what was sent."""

    def __init__(self, httpx_mock: HTTPXMock) -> None:
        self.mock = httpx_mock

    def answer(self, method: str, path: str, body: Any = None, **kwargs: Any) -> None:
        if body is not None:
            kwargs["json"] = body
        self.mock.add_response(method=method, url=url(path), **kwargs)

    def fail(self, method: str, path: str, exception: BaseException) -> None:
        self.mock.add_exception(exception, method=method, url=url(path))

    def sent(self, method: str, path: str) -> list[Any]:
        return self.mock.get_requests(method=method, url=url(path))

    def posted(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.sent("POST", path)]

    def query(self, method: str, path: str) -> dict[str, str]:
        (request,) = self.sent(method, path)
        return dict(request.url.params)


class Sleeps(list[float]):
    """A fake sleep for both clients: records the delay, never waits."""

    def sync(self, seconds: float) -> None:
        self.append(seconds)

    async def async_(self, seconds: float) -> None:
        self.append(seconds)


class Driver:
    """Calls a method on the sync or the async client with the same test code."""

    def __init__(self, mode: str, sleeps: Sleeps, **kwargs: Any) -> None:
        self.mode = mode
        kwargs.setdefault("stark_private_key", PRIVATE_KEY)
        if mode == "sync":
            self.client: Any = ReddioClient(sleep=sleeps.sync, **kwargs)
        else:
            self.client = AsyncReddioClient(sleep=sleeps.async_, **kwargs)

    async def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, method)(*args, **kwargs)
        return await result if inspect.isawaitable(result) else result

    async def close(self) -> None:
        closing = self.client.close() if self.mode == "sync" else self.client.aclose()
        if inspect.isawaitable(closing):
            await closing
