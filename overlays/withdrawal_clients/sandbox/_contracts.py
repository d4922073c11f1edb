"""The sandbox's layer-1 contracts: Vyper sources in ``contracts/``, compiled into one artifact.

The artifact (``contracts/compiled.json``: ABI and runtime bytecode of each contract) is
committed, like generated code, so running the sandbox needs no compiler. ``make
check-contracts`` recompiles with the pinned Vyper (``[dev]`` extra) and fails when the
committed artifact differs::

    python -m withdrawal_clients.sandbox._contracts           # rewrite the artifact
    python -m withdrawal_clients.sandbox._contracts --check   # compare only
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

CONTRACTS_DIR = Path(__file__).with_name("contracts")
ARTIFACT = CONTRACTS_DIR / "compiled.json"
#: The compiler that shapes the artifact; the [dev] extra pins this exact version.
VYPER_VERSION = "0.4.3"


@functools.cache
def load() -> dict[str, Any]:
    """Each contract's ``abi`` (a list) and ``runtime`` bytecode (bytes), by contract name."""
    compiled = json.loads(ARTIFACT.read_text())["contracts"]
    return {
        name: {"abi": item["abi"], "runtime": bytes.fromhex(item["runtime"].removeprefix("0x"))}
        for name, item in compiled.items()
    }


def compile_all() -> str:
    """The artifact's text, compiled now from the sources."""
    import vyper

    if vyper.__version__ != VYPER_VERSION:
        raise RuntimeError(f"vyper {VYPER_VERSION} is required, found {vyper.__version__}")
    contracts: dict[str, Any] = {}
    for source in sorted(CONTRACTS_DIR.glob("*.vy")):
        text = source.read_text()
        out = vyper.compile_code(text, output_formats=["abi", "bytecode_runtime"])
        contracts[source.stem] = {
            "source_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "abi": out["abi"],
            "runtime": out["bytecode_runtime"],
        }
    artifact = {"vyper": VYPER_VERSION, "contracts": contracts}
    return json.dumps(artifact, indent=1, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    fresh = compile_all()
    if "--check" in argv:
        if not ARTIFACT.exists() or ARTIFACT.read_text() != fresh:
            print(f"{ARTIFACT} is not what the sources compile to; run make contracts and commit")
            return 1
        print("sandbox contracts are up to date")
        return 0
    ARTIFACT.write_text(fresh)
    print(f"wrote {ARTIFACT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
