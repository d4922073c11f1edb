"""Sandbox test fixtures: a sandbox on a manual clock, and HTTP clients whose every response is
validated against openapi/*.yaml (so no sandbox test can pass on an off-contract answer)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from withdrawal_clients import starkex
from withdrawal_clients.sandbox import ManualClock, Sandbox, SandboxConfig

SPECS = Path(__file__).resolve().parents[2] / "openapi"


class SpecCheck:
    """Validates responses of one API against its spec, by path relative to the mount."""

    def __init__(self, name: str, mount: str) -> None:
        self.spec: dict[str, Any] = yaml.safe_load((SPECS / f"{name}.yaml").read_text())
        self.mount = mount
        self.templates = [
            (re.compile("^" + re.sub(r"\{[^}/]+\}", "[^/]+", path) + "$"), path)
            for path in self.spec["paths"]
        ]
        self.seen: set[tuple[str, str, int]] = set()

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def check(self, method: str, path: str, response: httpx.Response) -> None:
        relative = path.removeprefix(self.mount)
        template = next((t for rx, t in self.templates if rx.match(relative)), None)
        assert template is not None, f"{path} is not in the spec"
        operation = self.spec["paths"][template].get(method.lower())
        assert operation is not None, f"{method} {template} is not in the spec"
        status = response.status_code
        documented = operation["responses"].get(str(status)) or operation["responses"].get(
            "default"
        )
        assert documented is not None, f"{method} {template}: status {status} is not documented"
        content = self._resolve(documented).get("content", {})
        media = response.headers.get("content-type", "").split(";")[0].strip()
        assert media in content, f"{method} {template} {status}: undocumented type {media!r}"
        schema = {**content[media]["schema"], "components": self.spec["components"]}
        validator = OAS30ReadValidator(schema, format_checker=oas30_format_checker)
        errors = sorted(validator.iter_errors(json.loads(response.content)), key=str)
        assert not errors, f"{method} {template} {status}: {errors[0].message}"
        self.seen.add((method.upper(), template, status))


@pytest.fixture(scope="session")
def spec_checks() -> dict[str, SpecCheck]:
    return {"reddio": SpecCheck("reddio", "/reddio"), "omnia": SpecCheck("omnia", "/omnia/api")}


def _check(checks: dict[str, SpecCheck], request: httpx.Request, response: httpx.Response) -> None:
    # The raw path: a percent-encoded "/" inside a path parameter stays one segment.
    path = request.url.raw_path.decode("ascii").partition("?")[0]
    if path.startswith("/_sandbox") or "x-sandbox-fault" in response.headers:
        return  # the sandbox's controls, and injected faults, are outside the APIs
    response.read()
    checks["omnia" if path.startswith("/omnia/api") else "reddio"].check(
        request.method, path, response
    )


class CheckingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, checks: dict[str, SpecCheck]) -> None:
        self.inner = inner
        self.checks = checks

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        _check(self.checks, request, response)
        return response


class AsyncCheckingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, checks: dict[str, SpecCheck]) -> None:
        self.inner = inner
        self.checks = checks

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        _check(self.checks, request, response)
        return response


@pytest.fixture
def clock() -> ManualClock:
    # A whole second, so that advancing by delays such as 0.5 or 2.0 is exact in floats.
    return ManualClock(start=float(int(time.time())))


@pytest.fixture
def sandbox(clock: ManualClock) -> Sandbox:
    return Sandbox(SandboxConfig(), clock=clock)


@pytest.fixture
def checked_client(spec_checks: dict[str, SpecCheck]) -> Iterator[Any]:
    """Builds raw clients on a sandbox's root whose API responses are checked against the specs."""
    opened: list[httpx.Client] = []

    def make(sandbox: Sandbox) -> httpx.Client:
        transport = CheckingTransport(sandbox.transport(), spec_checks)
        opened.append(httpx.Client(base_url="http://sandbox.invalid", transport=transport))
        return opened[-1]

    yield make
    for client in opened:
        client.close()


@pytest.fixture
def http(sandbox: Sandbox, checked_client: Any) -> httpx.Client:
    """A raw client on the sandbox root; every API response is checked against its spec."""
    client: httpx.Client = checked_client(sandbox)
    return client


@pytest.fixture
def omnia_headers(sandbox: Sandbox) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox.omnia_token}"}


@pytest.fixture
def omnia_body() -> Any:
    """Builds a valid Omnia withdrawal request body, with ``changes`` applied."""

    def build(**changes: Any) -> dict[str, Any]:
        return {
            "instructionId": "order-1",
            "orderSource": "ETHEREUM",
            "tokenAddress": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            "amount": "5.67",
            "deadline": int(time.time() * 1000) + 600_000,
            "signature": "0x" + "ab" * 65,
            **changes,
        }

    return build


# --- Reddio: StarkWare's public test key, and signed withdrawalto bodies -----------------------

TEST_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
# Reddio's ETH asset id (quantum 10^12), as Reddio documents it.
ETH_ASSET_ID = 0x352F9FFD821A525051DE2D71126113505A7B0A73D98DBC0AC0FF343CFBDEF5E
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"


@pytest.fixture
def withdrawal_to_body(http: httpx.Client) -> Any:
    """Builds a withdrawalto body signed over its fields, with nonce and vaults from the
    sandbox; ``after`` replaces fields once signed (to tamper with a signed body)."""

    def build(
        *,
        private_key: int = TEST_KEY,
        contract_address: str = "ETH",
        asset_id: int = ETH_ASSET_ID,
        token_id: str = "",
        amount: int = 250_000,
        receiver: str = RECEIVER,
        nonce: int | None = None,
        vault_ids: tuple[str, str] | None = None,
        expiration: int = 2**22 - 1,
        client: httpx.Client = http,
        after: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        stark_key = hex(starkex.private_to_stark_key(private_key))
        if nonce is None:
            nonce = client.get("/reddio/v1/nonce", params={"stark_key": stark_key}).json()["data"][
                "nonce"
            ]
        vaults = (
            vault_ids
            or client.get(
                "/reddio/v1/vaults",
                params={"asset_id": hex(asset_id), "stark_keys": f"{stark_key},{receiver}"},
            ).json()["data"]["vault_ids"]
        )
        message = starkex.get_transfer_msg_hash(
            amount=amount,
            nonce=nonce,
            sender_vault_id=int(vaults[0]),
            asset_id=asset_id,
            receiver_vault_id=int(vaults[1]),
            receiver=int(receiver, 16),
            expiration_timestamp=expiration,
        )
        r, s = starkex.sign(message, private_key)
        body = {
            "contract_address": contract_address,
            "asset_id": hex(asset_id),
            "stark_key": stark_key,
            "amount": str(amount),
            "token_id": token_id,
            "nonce": nonce,
            "vault_id": vaults[0],
            "receiver": receiver,
            "receiver_vault_id": vaults[1],
            "expiration_timestamp": expiration,
            "signature": {"r": hex(r), "s": hex(s)},
        }
        return {**body, **(after or {})}

    return build
