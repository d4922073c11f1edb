"""Fixtures for the Omnia convenience clients.

``omnia`` runs every test twice, once with OmniaClient and once with AsyncOmniaClient, behind
one awaitable interface. ``fake_omnia`` is a small in-memory Omnia that keeps withdrawals by
instruction id (refusing a second request with a known id, as a unique reference must) and can
be told to lose answers or fail, so tests can count what really happened.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock
from withdrawal_clients.omnia import AsyncOmniaClient, OmniaClient

BASE_URL = "https://omnia.test/api"
POST_URL = f"{BASE_URL}/v2/withdrawals"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2VjcmV0LXNpZ25hdHVyZQ"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
SIGNATURE = "0x" + "5a" * 65
TX_HASH = "0x99687859ddbe6050ca9615b7a5ae7b202f856ff289255758216b16887cd072f6"


def withdrawal_json(instruction_id: str, **fields: Any) -> dict[str, Any]:
    body = {
        "instructionId": instruction_id,
        "orderSource": "ETHEREUM",
        "tokenAddress": USDC,
        "amount": "5.67",
        "status": "COMPLETED",
        "transactionId": TX_HASH,
    }
    body.update(fields)
    return body


class FakeTime:
    """A monotonic clock that only sleeping moves; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


class Omnia:
    """One awaitable face for both clients, so each test body covers sync and async."""

    def __init__(self, client: OmniaClient | AsyncOmniaClient) -> None:
        self.client = client

    async def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, name)(*args, **kwargs)
        return await result if inspect.isawaitable(result) else result

    async def request_withdrawal(self, **kwargs: Any) -> Any:
        kwargs.setdefault("order_source", "ETHEREUM")
        kwargs.setdefault("token_address", USDC)
        kwargs.setdefault("amount", "5.67")
        if "signer" not in kwargs:
            kwargs.setdefault("signature", SIGNATURE)
        return await self._call("request_withdrawal", **kwargs)

    async def get_withdrawal(self, instruction_id: str) -> Any:
        return await self._call("get_withdrawal", instruction_id)

    async def wait_for_withdrawal(self, instruction_id: str, **kwargs: Any) -> Any:
        return await self._call("wait_for_withdrawal", instruction_id, **kwargs)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_omnia(flavour: str, fake_time: FakeTime) -> AsyncIterator[Callable[..., Omnia]]:
    made: list[OmniaClient | AsyncOmniaClient] = []

    def make(**kwargs: Any) -> Omnia:
        kwargs.setdefault("base_url", BASE_URL)
        if "token_provider" not in kwargs:
            kwargs.setdefault("token", TOKEN)
        client: OmniaClient | AsyncOmniaClient
        if flavour == "sync":
            client = OmniaClient(sleep=fake_time.sleep, clock=fake_time.clock, **kwargs)
        else:
            client = AsyncOmniaClient(sleep=fake_time.asleep, clock=fake_time.clock, **kwargs)
        made.append(client)
        return Omnia(client)

    yield make
    for client in made:
        if isinstance(client, OmniaClient):
            client.close()
        else:
            await client.aclose()


@pytest.fixture
def omnia(make_omnia: Callable[..., Omnia]) -> Omnia:
    return make_omnia()


class FakeOmnia:
    """Omnia's two withdrawal endpoints in memory, with scripted failures.

    ``post_script`` says what happens to each coming POST, in order (then "ok"):
    "ok"; "lose" (recorded, then the answer is lost); "drop" (lost before it is recorded);
    "500" (recorded, then a 500); "garbled" (recorded, then a 200 that is not JSON); "503"
    (refused with a 503, not recorded); "429" (rate limited, Retry-After 4, not recorded);
    "refuse-connect" (never reaches the server). ``get_script`` holds (status, body) answers
    for coming GETs, used before the real lookup.
    """

    def __init__(self) -> None:
        self.withdrawals: dict[str, dict[str, Any]] = {}
        self.posted: list[dict[str, Any]] = []
        self.gets = 0
        self.post_script: list[str] = []
        self.get_script: list[tuple[int, dict[str, Any]]] = []
        self.status = "PENDING"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return self._post(request)
        self.gets += 1
        if self.get_script:
            status, body = self.get_script.pop(0)
            return httpx.Response(status, json=body)
        instruction_id = request.url.path.rsplit("/", 1)[-1]
        if instruction_id not in self.withdrawals:
            return httpx.Response(
                404, json={"code": "UNKNOWN_WITHDRAWAL_REQUEST", "description": "Unknown"}
            )
        return httpx.Response(200, json=self.withdrawals[instruction_id])

    def _post(self, request: httpx.Request) -> httpx.Response:
        action = self.post_script.pop(0) if self.post_script else "ok"
        if action == "refuse-connect":
            raise httpx.ConnectError("connection refused", request=request)
        body = json.loads(request.content)
        self.posted.append(body)
        if action == "drop":
            raise httpx.ReadTimeout("lost on the way", request=request)
        if action == "503":
            return httpx.Response(503, text="<html>unavailable</html>")
        if action == "429":
            return httpx.Response(429, headers={"Retry-After": "4"}, json={"code": "SLOW_DOWN"})
        instruction_id = body["instructionId"]
        if instruction_id in self.withdrawals:
            return httpx.Response(
                400, json={"code": "DUPLICATE_INSTRUCTION_ID", "description": "Already used"}
            )
        self.withdrawals[instruction_id] = {
            **{key: body[key] for key in ("instructionId", "orderSource", "tokenAddress")},
            "amount": body["amount"],
            "status": self.status,
        }
        if action == "lose":
            raise httpx.ReadTimeout("answer lost", request=request)
        if action == "500":
            return httpx.Response(500, json={"code": "INTERNAL", "description": "oops"})
        if action == "garbled":
            return httpx.Response(200, text="<html>OK</html>")
        return httpx.Response(200, json=self.withdrawals[instruction_id])


@pytest.fixture
def fake_omnia(httpx_mock: HTTPXMock) -> FakeOmnia:
    fake = FakeOmnia()
    httpx_mock.add_callback(fake, is_reusable=True)
    return fake


@pytest.fixture
def kit() -> SimpleNamespace:
    """The constants and helpers above, for test modules (which cannot import this one)."""
    return SimpleNamespace(
        BASE_URL=BASE_URL,
        POST_URL=POST_URL,
        TOKEN=TOKEN,
        USDC=USDC,
        SIGNATURE=SIGNATURE,
        TX_HASH=TX_HASH,
        withdrawal_json=withdrawal_json,
    )
