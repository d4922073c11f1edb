"""Contract tests: tools written elsewhere (Schemathesis, a TypeScript client built from the specs)
against the sandbox served over real HTTP."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from withdrawal_clients.sandbox import Sandbox, SandboxConfig, ServedSandbox

# pytest runs with --import-mode=importlib, which does not put test folders on sys.path.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def served() -> Iterator[ServedSandbox]:
    with Sandbox(SandboxConfig.instant()).serve() as running:
        yield running
