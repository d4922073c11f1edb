"""The API reference covers the public surface: every exported name has a ``:::`` entry in
docs/api/, and is documented there (its docstring, or prose on the page for a constant).

The reference is rendered by mkdocstrings from what griffe reads, so griffe is asked here too.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import griffe
import pytest

ROOT = Path(__file__).resolve().parents[2]
API_PAGES = ROOT / "docs" / "api"
# Modules whose __all__ must be fully documented, docstrings included.
DOCUMENTED = ["withdrawal_clients", "withdrawal_clients.reddio", "withdrawal_clients.omnia"]
# Also in the reference (their every export must have an entry).
REFERENCED = [*DOCUMENTED, "withdrawal_clients.starkex", "withdrawal_clients.sandbox"]
DIRECTIVE = re.compile(r"^::: ([\w.]+)$", re.M)


@cache
def package() -> griffe.Module:
    return griffe.load(
        "withdrawal_clients",
        search_paths=[ROOT / "overlays", ROOT / "generated"],
        resolve_aliases=True,
        resolve_external=False,
    )


def get(path: str) -> griffe.Object | griffe.Alias:
    parts = path.split(".", 1)
    return package() if len(parts) == 1 else package()[parts[1]]


def exports(module: str) -> list[tuple[str, str]]:
    """(public path, canonical path) of each name in ``module.__all__`` (if it has one)."""
    names = get(module).exports or []
    return [(f"{module}.{name}", get(f"{module}.{name}").canonical_path) for name in names]


@cache
def entries() -> dict[str, str]:
    """Canonical path of every object rendered by a ``:::`` entry -> the page's text.

    A module's entry renders the module and its exports (without ``__all__``: the public
    objects it defines).
    """
    found: dict[str, str] = {}
    for page in sorted(API_PAGES.glob("*.md")):
        text = page.read_text()
        for target in DIRECTIVE.findall(text):
            obj = get(target)
            found[obj.canonical_path] = text
            if obj.is_module:
                rendered = [canonical for _, canonical in exports(target)] or [
                    member.path
                    for name, member in obj.members.items()
                    if not name.startswith("_") and not member.is_alias
                ]
                found.update((canonical, text) for canonical in rendered)
    return found


def prose(page: str) -> str:
    """A page without its ``:::`` entries and their option blocks."""
    return re.sub(r"^::: .*\n(?:[ \t]+.*\n)*", "", page, flags=re.M)


@pytest.mark.parametrize("module", REFERENCED)
def test_every_export_has_an_entry_in_the_reference(module: str) -> None:
    assert exports(module), f"{module} has no __all__"
    missing = [public for public, canonical in exports(module) if canonical not in entries()]
    assert missing == [], f"add a `::: <name>` entry to a page of docs/api/ for {missing}"


@pytest.mark.parametrize("module", DOCUMENTED)
def test_every_export_is_documented(module: str) -> None:
    undocumented = []
    for public, canonical in exports(module):
        obj = get(public)
        described = obj.docstring is not None and obj.docstring.value.strip()
        if obj.is_attribute and not described:
            # A constant is rendered with its value; the page must say what it is for.
            described = f"`{public.rsplit('.', 1)[1]}`" in prose(entries().get(canonical, ""))
        if not described:
            undocumented.append(public)
    assert undocumented == []


def test_every_entry_names_a_real_object() -> None:
    """A typo in an entry fails here with its name, before the strict build says less."""
    for page in sorted(API_PAGES.glob("*.md")):
        for target in DIRECTIVE.findall(page.read_text()):
            get(target)  # KeyError names a missing object


def test_both_spec_pages_are_linked() -> None:
    """``make docs`` renders each spec with Redoc into docs/specs/; the site links both."""
    specs = (ROOT / "docs" / "specs.md").read_text()
    assert "(specs/reddio.html)" in specs and "(specs/omnia.html)" in specs
