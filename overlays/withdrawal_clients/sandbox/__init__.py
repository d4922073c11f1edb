"""A local emulator of the Reddio and Omnia withdrawal APIs (extra ``[sandbox]``).

One ASGI application serves Reddio under ``/reddio`` and Omnia under ``/omnia/api``, with real
STARK signature checks, in-memory state, a controllable clock and fault injection; every answer
conforms to ``openapi/*.yaml``. Each new stark key starts funded with every seeded asset
(ETH, an ERC20, an ERC721), so any key can withdraw at once.

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
    from ._config import DEFAULT_OMNIA_TOKEN, TEST_STARK_PRIVATE_KEY, SandboxConfig
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
    "SystemClock",
    "eip712_signature_check",
    "eip712_signer_of",
]

_HOMES = {
    "Clock": "._clock",
    "ManualClock": "._clock",
    "SystemClock": "._clock",
    "SandboxConfig": "._config",
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
