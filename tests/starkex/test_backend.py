"""Backend selection, and fast-stark-crypto only ever behind the same checks."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest
from withdrawal_clients import starkex
from withdrawal_clients.errors import InvalidInput
from withdrawal_clients.starkex import _fast, pedersen_hash, private_to_stark_key, sign, verify
from withdrawal_clients.starkex.curve import N

BOUND = 2**251


@pytest.fixture(autouse=True)
def restore_backend() -> object:
    yield None
    starkex.use_backend("auto")


def test_unknown_backend() -> None:
    with pytest.raises(InvalidInput) as info:
        starkex.use_backend("rust")
    assert info.value.field == "backend"


def test_fast_without_the_package_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fast, "_load", lambda: None)
    with pytest.raises(InvalidInput, match=r"withdrawal-clients\[fast\]"):
        starkex.use_backend("fast")
    starkex.use_backend("auto")
    assert starkex.backend() == "pure"  # auto falls back quietly


def test_environment_forces_pure(
    monkeypatch: pytest.MonkeyPatch, fast_stark_crypto: ModuleType
) -> None:
    monkeypatch.setenv("WITHDRAWAL_CLIENTS_PURE", "1")
    starkex.use_backend("auto")
    assert starkex.backend() == "pure"
    monkeypatch.delenv("WITHDRAWAL_CLIENTS_PURE")
    starkex.use_backend("auto")
    assert starkex.backend() == "fast"
    starkex.use_backend("pure")
    assert starkex.backend() == "pure"


class Spy:
    """Records the calls that reach fast-stark-crypto."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> object:
        function = getattr(self.module, name)

        def call(*args: object) -> object:
            self.calls.append(name)
            return function(*args)

        return call


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, fast_stark_crypto: ModuleType) -> Spy:
    starkex.use_backend("fast")
    recorder = Spy(fast_stark_crypto)
    monkeypatch.setattr(_fast, "_module", recorder)
    return recorder


def test_fast_backend_serves_hashes_and_verification(spy: Spy) -> None:
    key = private_to_stark_key(12345)  # pure: the tables of G beat the library here
    pedersen_hash(1, 2)
    r, s = sign(99, 12345)
    assert verify(99, r, s, key)
    assert spy.calls == ["rs_compute_pedersen_hash", "rs_verify_signature"]


def test_fast_backend_is_never_called_with_bad_input(spy: Spy) -> None:
    calls: list[Callable[[], object]] = [
        lambda: pedersen_hash(2**252, 0),
        lambda: private_to_stark_key(0),
        lambda: private_to_stark_key(N),
        lambda: verify(BOUND, 1, 1, 1),
        lambda: verify(1, 0, 1, 1),
        lambda: verify(1, 1, N - 1, 1),
    ]
    for call in calls:
        with pytest.raises(InvalidInput):
            call()
    assert spy.calls == []


def test_keys_off_the_curve_never_reach_the_fast_backend(spy: Spy) -> None:
    """fast-stark-crypto panics on such keys; they are answered False before."""
    r, s = sign(1, 777)
    off_curve = next(x for x in range(100) if not starkex.curve.x_is_on_curve(x))
    assert verify(1, r, s, off_curve) is False
    assert spy.calls == []


def test_signing_never_uses_the_fast_backend(spy: Spy) -> None:
    sign(5, 6)
    sign(5, 6, seed=3)
    assert spy.calls == []
