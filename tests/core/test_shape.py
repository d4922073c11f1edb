"""The public shape: real methods with full signatures, clients that leave a caller's httpx
client as it was, and an overlay without import cycles."""

from __future__ import annotations

import ast
import inspect
import pydoc
import typing
from pathlib import Path

import httpx
import pytest
import withdrawal_clients
from withdrawal_clients import AsyncOmniaClient, AsyncReddioClient, OmniaClient, ReddioClient

CLIENTS = [ReddioClient, AsyncReddioClient, OmniaClient, AsyncOmniaClient]


def public_methods(cls: type) -> list[str]:
    return [name for name, _ in inspect.getmembers(cls, inspect.isfunction) if name[0] != "_"]


@pytest.mark.parametrize("cls", CLIENTS)
def test_every_public_method_is_a_real_typed_documented_method(cls: type) -> None:
    for name in public_methods(cls):
        method = getattr(cls, name)
        hints = typing.get_type_hints(method)
        assert "return" in hints, f"{cls.__name__}.{name} has no return type"
        assert method.__doc__, f"{cls.__name__}.{name} has no docstring"
        assert method.__qualname__.split(".")[0] in {c.__name__ for c in cls.__mro__}


@pytest.mark.parametrize("cls", CLIENTS)
def test_sync_and_async_twins_take_the_same_arguments(cls: type) -> None:
    twin = {
        ReddioClient: AsyncReddioClient,
        AsyncReddioClient: ReddioClient,
        OmniaClient: AsyncOmniaClient,
        AsyncOmniaClient: OmniaClient,
    }[cls]
    for name in set(public_methods(cls)) - {"close", "aclose"}:
        ours = inspect.signature(getattr(cls, name)).parameters
        theirs = inspect.signature(getattr(twin, name)).parameters
        assert list(ours) == list(theirs), name


def test_help_shows_parameters_and_return_types_not_machinery() -> None:
    text = pydoc.render_doc(ReddioClient, renderer=pydoc.plaintext)
    assert "withdraw_to(self, *, contract_address: 'str', asset_type: 'str'" in text
    assert "quantized: 'bool' = False) -> 'WithdrawalResult'" in text
    for machinery in ("Generic", "SyncShell", "_Shell", "Initialize self"):
        assert machinery not in text


def test_a_callers_client_is_never_changed_and_may_serve_two_clients() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url} auth={request.headers.get('Authorization')}")
        if request.url.path.endswith("/v1/nonce"):
            return httpx.Response(200, json={"status": "OK", "error": "", "data": {"nonce": 4}})
        return httpx.Response(404, json={"code": "UNKNOWN_WITHDRAWAL_REQUEST"})

    shared = httpx.Client(transport=httpx.MockTransport(handler))
    before = (shared.base_url, dict(shared.headers), shared.auth, dict(shared.event_hooks))
    reddio = ReddioClient("http://reddio.test/r", http_client=shared)
    omnia = OmniaClient("http://omnia.test/o/api", token="jwt-1", http_client=shared)
    assert reddio.nonce("0x1") == 4
    with pytest.raises(withdrawal_clients.NotFound):
        omnia.get_withdrawal("iid-1")
    assert reddio.nonce("0x2") == 4
    reddio.close()
    omnia.close()

    assert (shared.base_url, dict(shared.headers), shared.auth, dict(shared.event_hooks)) == before
    assert not shared.is_closed
    assert seen == [
        "http://reddio.test/r/v1/nonce?stark_key=0x1 auth=None",
        "http://omnia.test/o/api/v2/withdrawals/iid-1 auth=Bearer jwt-1",
        "http://reddio.test/r/v1/nonce?stark_key=0x2 auth=None",
    ]


def _imports(path: Path, package: str) -> set[str]:
    """Modules of the overlay that ``path`` imports at import time (not inside functions)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
            names = [f"{module}.{alias.name}" for alias in node.names]
            found.update([module, *names])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("withdrawal_"):
            found.add(node.module or "")
    return found


def test_the_overlay_has_no_import_cycle() -> None:
    root = Path(withdrawal_clients.__file__).parent
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = ["withdrawal_clients", *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = {m for m in _imports(path, package) if m in modules and m != name}
        # A package's own __init__ importing its submodules is how packages work, not a cycle.
        graph[name] = {t for t in targets if not t.startswith(name + ".")}

    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []
