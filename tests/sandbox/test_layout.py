"""The sandbox's modules import one another without a cycle, counting every import: at module
level, inside functions and under TYPE_CHECKING."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import withdrawal_clients.sandbox

SANDBOX = Path(withdrawal_clients.sandbox.__file__).parent


def import_graph(package: Path) -> dict[str, set[str]]:
    """Each module of ``package`` -> the package's modules it imports ("__init__" for the
    package itself)."""
    modules = {p.stem for p in package.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in package.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or node.level != 1:
                continue  # absolute imports, and relative ones that leave the package
            if node.module is not None:
                found.add(node.module.split(".")[0])
            else:  # from . import x: a module of the package, or a name from its __init__
                found |= {a.name if a.name in modules else "__init__" for a in node.names}
        graph[path.stem] = found - {path.stem}
    return graph


def test_the_sandbox_has_no_import_cycle() -> None:
    graph = import_graph(SANDBOX)
    assert graph["_app"] >= {"_faults", "_omnia", "_reddio"}  # the walk does see imports
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError on a cycle


def test_the_walk_sees_imports_under_type_checking_and_in_functions(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n"
    )
    (tmp_path / "b.py").write_text("def f():\n    from . import a\n")
    assert import_graph(tmp_path) == {"a": {"b"}, "b": {"a"}}
