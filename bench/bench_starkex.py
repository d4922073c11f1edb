"""STARK-curve benchmark: our pure-Python and fast paths beside fast-stark-crypto itself.

Prints operations per CPU second (median of several timed runs, one core) for each
operation, for our code on the pure backend, on the fast backend (fast-stark-crypto behind our
checks), and for fast-stark-crypto called directly, with the ratios; then the import time of
the package and the first-use cost of the precomputed tables (fresh interpreters, wall time).

Run: ``python -m bench.bench_starkex`` (or ``make bench``).
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import os
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from types import ModuleType
from typing import Any

from withdrawal_clients import starkex

REPEATS = 7
PRIVATE_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
ETH_ASSET_ID = 0x352F9FFD821A525051DE2D71126113505A7B0A73D98DBC0AC0FF343CFBDEF5E
RECEIVER = 0x5FA3383597691EA9D827A79E1A4F0F7949435CED18CA9619DE8AB97E661020
# Targets for the pure-Python backend (and for a signed withdrawalto on the fast backend).
TARGETS = {
    "pedersen_hash": 2500,
    "sign": 3000,
    "verify": 600,
    "private_to_stark_key": 4000,
    "signed withdrawalto": 1000,
}
FAST_WITHDRAWAL_TARGET = 2000
IMPORT_BUDGET = 0.15


def _sample(label: str, i: int, modulus: int) -> int:
    """A fixed full-size pseudo-random value (hash-derived), never 0."""
    digest = hashlib.sha256(f"{label}-{i}".encode()).digest()
    return int.from_bytes(digest, "big") % (modulus - 1) + 1


# Full-size inputs, cycled so that nothing is measured on a single value.
MESSAGES = [_sample("message", i, 2**251) for i in range(16)]
FELTS = [(_sample("x", i, 2**251), _sample("y", i, 2**251)) for i in range(16)]
KEYS = [_sample("key", i, starkex.EC_ORDER) for i in range(16)]


def interleaved_rates(variants: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Operations per CPU second of each variant in REPEATS runs of about 0.2 s each, taken in
    turn so that other load on the machine weighs on every variant alike.

    Variants "pure" and "fast" run with that backend selected; others run as they are. CPU
    time of this process is measured, so waiting for the CPU does not count.
    """
    timers = {}
    for name, call in variants.items():
        _select(name)
        call()  # builds the tables outside the timing
        timer = timeit.Timer(call, timer=time.process_time)
        timers[name] = (timer, timer.autorange()[0])
    runs: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(REPEATS):
        for name, (timer, number) in timers.items():
            _select(name)
            runs[name].append(number / timer.timeit(number))
    starkex.use_backend("auto")
    return runs


def _select(variant: str) -> None:
    if variant in ("pure", "fast"):
        starkex.use_backend(variant)


def cycling(call: Callable[[Any], object], inputs: list[Any]) -> Callable[[], object]:
    source = itertools.cycle(inputs)
    return lambda: call(next(source))


def withdrawal_fields(nonce: int) -> dict[str, int]:
    return dict(
        amount=5_670_000,
        nonce=nonce,
        sender_vault_id=23_400_429,
        asset_id=ETH_ASSET_ID,
        receiver_vault_id=23_400_430,
        receiver=RECEIVER,
        expiration_timestamp=4_194_303,
    )


def packed_transfer(fields: dict[str, int]) -> int:
    """The transfer word, as get_transfer_msg_hash packs it (for the direct library run)."""
    word = 1
    for value, width in (
        (fields["sender_vault_id"], 31),
        (fields["receiver_vault_id"], 31),
        (fields["amount"], 63),
        (0, 63),
        (fields["nonce"], 31),
        (fields["expiration_timestamp"], 22),
    ):
        word = word << width | value
    return word


def our_operations() -> dict[str, Callable[[], object]]:
    public = starkex.private_to_stark_key(PRIVATE_KEY)
    signatures = [(m, *starkex.sign(m, PRIVATE_KEY)) for m in MESSAGES]
    return {
        "pedersen_hash": cycling(lambda xy: starkex.pedersen_hash(*xy), FELTS),
        "sign": cycling(lambda m: starkex.sign(m, PRIVATE_KEY), MESSAGES),
        "verify": cycling(lambda mrs: starkex.verify(mrs[0], mrs[1], mrs[2], public), signatures),
        "private_to_stark_key": cycling(starkex.private_to_stark_key, KEYS),
        "signed withdrawalto": cycling(
            lambda nonce: starkex.sign(
                starkex.get_transfer_msg_hash(**withdrawal_fields(nonce)), PRIVATE_KEY
            ),
            list(range(16)),
        ),
    }


def direct_operations(fsc: ModuleType) -> dict[str, Callable[[], object]]:
    public = fsc.get_public_key(PRIVATE_KEY)
    signatures = [(m, *fsc.sign(PRIVATE_KEY, m)) for m in MESSAGES]

    def withdrawal(nonce: int) -> object:
        fields = withdrawal_fields(nonce)
        inner = fsc.pedersen_hash(fields["asset_id"], fields["receiver"])
        return fsc.sign(PRIVATE_KEY, fsc.pedersen_hash(inner, packed_transfer(fields)))

    return {
        "pedersen_hash": cycling(lambda xy: fsc.pedersen_hash(*xy), FELTS),
        "sign": cycling(lambda m: fsc.sign(PRIVATE_KEY, m), MESSAGES),
        "verify": cycling(lambda mrs: fsc.verify(public, mrs[0], mrs[1], mrs[2]), signatures),
        "private_to_stark_key": cycling(fsc.get_public_key, KEYS),
        "signed withdrawalto": cycling(withdrawal, list(range(16))),
    }


def fresh_interpreter(code: str) -> float:
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return float(output.strip().splitlines()[-1])


IMPORT_CODE = """
import time
start = time.perf_counter()
import withdrawal_clients, withdrawal_clients.starkex
print(time.perf_counter() - start)
"""
FIRST_USE_CODE = """
import time
from withdrawal_clients.starkex import {module}
start = time.perf_counter()
{call}
print(time.perf_counter() - start)
"""


def first_use(module: str, call: str) -> float:
    return statistics.median(
        fresh_interpreter(FIRST_USE_CODE.format(module=module, call=call)) for _ in range(3)
    )


def main() -> None:
    try:
        fsc: ModuleType | None = importlib.import_module("fast_stark_crypto")
    except ImportError:
        fsc = None

    imports = statistics.median(fresh_interpreter(IMPORT_CODE) for _ in range(REPEATS))
    verdict = "ok" if imports <= IMPORT_BUDGET else "OVER BUDGET"
    print(
        f"import withdrawal_clients + .starkex: {imports * 1000:.1f} ms median "
        f"(budget {IMPORT_BUDGET * 1000:.0f} ms: {verdict})"
    )
    pedersen = first_use("pedersen", "pedersen.pedersen_pure(1, 2)")
    generator = first_use("curve", "curve.mul_g(12345)")
    print(
        f"first use, pure backend: Pedersen tables {pedersen * 1000:.0f} ms, "
        f"tables of G {generator * 1000:.0f} ms (each once per process)"
    )

    if fsc is None:
        print("fast-stark-crypto is not installed: pip install 'withdrawal-clients[fast]'")
    ours = our_operations()
    theirs = direct_operations(fsc) if fsc is not None else {}
    results: dict[str, dict[str, float]] = {}
    spreads = []
    for name, call in ours.items():
        variants = {"pure": call}
        if fsc is not None:
            variants |= {"fast": call, "fsc": theirs[name]}
        runs = interleaved_rates(variants)
        results[name] = {variant: statistics.median(rates) for variant, rates in runs.items()}
        spreads += [max(rates) / min(rates) - 1 for rates in runs.values()]

    load = os.getloadavg()[0]  # this benchmark itself counts for about 1
    print(
        f"\nload average {load:.2f} on {os.cpu_count()} CPUs; runs of the same code differed by"
        f" up to {max(spreads):.0%} (median {statistics.median(spreads):.0%}) between fastest"
        " and slowest"
    )
    print(
        f"ops per CPU second, median of {REPEATS} interleaved runs, one core;"
        " fsc = fast-stark-crypto called directly"
    )
    header = ("operation", "ours pure", "ours fast", "fsc", "pure/fsc", "fast/fsc", "target")
    print("{:<22}{:>11}{:>11}{:>11}{:>10}{:>10}  {}".format(*header))
    for name, row in results.items():
        pure, fast, direct = row.get("pure"), row.get("fast"), row.get("fsc")
        target = f">= {TARGETS[name]} pure"
        if name == "signed withdrawalto":
            target += f", >= {FAST_WITHDRAWAL_TARGET} fast"
        met = pure is not None and pure >= TARGETS[name]
        if name == "signed withdrawalto" and fast is not None:
            met = met and fast >= FAST_WITHDRAWAL_TARGET
        print(
            f"{name:<22}{_number(pure):>11}{_number(fast):>11}{_number(direct):>11}"
            f"{_ratio(pure, direct):>10}{_ratio(fast, direct):>10}  "
            f"{target}: {'met' if met else 'NOT MET'}"
        )
    print(
        "\nours fast = fast-stark-crypto for Pedersen and verify, behind our checks; public keys"
        "\n(faster with our tables of G) and signing (StarkWare's nonces and seeds) stay ours."
    )


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _ratio(ours: float | None, theirs: float | None) -> str:
    return "-" if ours is None or theirs is None else f"{ours / theirs:.2f}"


if __name__ == "__main__":
    main()
