"""A local emulator of the Reddio and Omnia withdrawal APIs (extra ``[sandbox]``).

One ASGI application serves Reddio under ``/reddio`` and Omnia under ``/omnia/api``, with real
STARK signature checks, in-memory state, a controllable clock and fault injection. Each new
stark key starts funded with every seeded asset (ETH, an ERC20, an ERC721), so any key can
withdraw at once.

Every request gets an answer that ``openapi/*.yaml`` documents, however malformed (Schemathesis
checks this in the test suite). A request is judged in a fixed order: first the spec's field
rules, then the rules the spec states in prose (a range, an expiry in the future), both answered
400; only then the signature, and last what depends on state (duplicates, unknown assets,
vaults, balances), answered 200 with ``status: FAILED`` (Reddio) or as Omnia documents.
Failures carry ``data: null``. ``GET /v1/starkex/contracts`` answers
``SandboxConfig.starkex_contracts`` (a :class:`StarkexContracts`; Reddio's published addresses
by default).

In-process::

    sandbox = Sandbox(SandboxConfig.instant(), clock=ManualClock())
    with ReddioClient(sandbox.reddio_url, stark_private_key=TEST_STARK_PRIVATE_KEY,
                      transport=sandbox.transport()) as reddio: ...
    async with AsyncOmniaClient(sandbox.omnia_url, token=sandbox.omnia_token,
                                transport=sandbox.async_transport()) as omnia: ...

Over real HTTP (or ``withdrawal-clients sandbox`` from a shell)::

    with Sandbox().serve() as served:       # 127.0.0.1, a free port
        served.reddio_url, served.omnia_url

Faults and time::

    sandbox.faults.add(Fault("/reddio/v1/withdrawalto", method="POST", drop=True))
    sandbox.faults.add(Fault("/omnia/api/v2/withdrawals/*", status=429, retry_after=2))
    sandbox.advance(3.0)                     # with a ManualClock
    sandbox.received("POST", "/reddio/v1/withdrawalto")

A fault matches a method and a path glob, for its next ``times`` requests (``None``: until
cleared). ``latency`` waits before the request runs; ``status`` answers with that error page
instead of running it; ``drop`` runs it, so a write commits, then loses the answer. With
``after_commit=True`` the request runs first and the fault applies to its answer: ``latency``
holds the committed answer back (a client timing out sooner sees no answer for a write that is
in), ``status`` replaces it (a gateway failing after the backend acted)::

    sandbox.faults.add(Fault("/reddio/v1/withdrawalto", latency=5, after_commit=True))
    sandbox.faults.add(Fault("/omnia/api/v2/withdrawals", status=504, after_commit=True))

The same controls exist over HTTP: ``/_sandbox/faults`` (GET, POST a fault as JSON, DELETE)
and ``/_sandbox/clock/advance`` (POST ``{"seconds": 3}``).

Names are imported on first use: ``import withdrawal_clients.sandbox`` must stay cheap and must
work without starlette or uvicorn, because the pytest plugin in this package is loaded by every
pytest run where the distribution is installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._clock import Clock, ManualClock, SystemClock
    from ._config import (
        DEFAULT_OMNIA_TOKEN,
        TEST_STARK_PRIVATE_KEY,
        SandboxConfig,
        StarkexContracts,
    )
    from ._faults import Fault
    from ._omnia import eip712_signature_check, eip712_signer_of
    from ._sandbox import Sandbox, ServedSandbox

__all__ = [
    "DEFAULT_OMNIA_TOKEN",
    "TEST_STARK_PRIVATE_KEY",
    "Clock",
    "Fault",
    "ManualClock",
    "Sandbox",
    "SandboxConfig",
    "ServedSandbox",
    "StarkexContracts",
    "SystemClock",
    "eip712_signature_check",
    "eip712_signer_of",
]

_HOMES = {
    "Clock": "._clock",
    "ManualClock": "._clock",
    "SystemClock": "._clock",
    "SandboxConfig": "._config",
    "StarkexContracts": "._config",
    "DEFAULT_OMNIA_TOKEN": "._config",
    "TEST_STARK_PRIVATE_KEY": "._config",
    "Fault": "._faults",
    "eip712_signature_check": "._omnia",
    "eip712_signer_of": "._omnia",
    "Sandbox": "._sandbox",
    "ServedSandbox": "._sandbox",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home, __name__), name)
