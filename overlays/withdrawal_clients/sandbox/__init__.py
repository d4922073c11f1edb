"""A local emulator of the Reddio and Omnia withdrawal APIs (extra ``[sandbox]``).

One ASGI application serves Reddio under ``/reddio`` and Omnia under ``/omnia/api``, with
real STARK signature checks, in-memory state, a controllable clock and fault injection.
Use it in-process (:meth:`Sandbox.transport`, :meth:`Sandbox.async_transport`) or over real
HTTP (:meth:`Sandbox.serve`, or ``withdrawal-clients sandbox``).

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
