"""CLI test fixtures: a sandbox served over real HTTP, and a way to run the CLI in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from withdrawal_clients import cli
from withdrawal_clients.sandbox import ManualClock, Sandbox, SandboxConfig, ServedSandbox

TEST_KEY = "0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc"


@attrs.frozen
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def config() -> SandboxConfig:
    return SandboxConfig.instant()


@pytest.fixture
def served(config: SandboxConfig, clock: ManualClock) -> Iterator[ServedSandbox]:
    with Sandbox(config, clock=clock).serve() as running:
        yield running


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, served: ServedSandbox) -> None:
    """The secrets the CLI reads, set as a user would."""
    monkeypatch.setenv(cli.REDDIO_KEY_ENV, TEST_KEY)
    monkeypatch.setenv(cli.OMNIA_TOKEN_ENV, served.sandbox.omnia_token)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], served: ServedSandbox, environment: None) -> Any:
    """Runs ``withdrawal-clients <api> <args...> --base-url <the sandbox>`` in-process."""

    def invoke(api: str, *args: str, base_url: str | None = None) -> Run:
        url = base_url or (served.reddio_url if api == "reddio" else served.omnia_url)
        code = cli.main([api, *args, "--base-url", url])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return invoke
