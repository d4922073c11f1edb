"""The version is written once (the package) and read by packaging from there."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import withdrawal_clients

ROOT = Path(__file__).resolve().parents[2]


def test_installed_metadata_reports_the_package_version() -> None:
    assert importlib.metadata.version("withdrawal-clients") == withdrawal_clients.__version__


def test_pyproject_takes_the_version_from_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    source = ROOT / project["tool"]["hatch"]["version"]["path"]
    assert re.search(r'^__version__ = "[^"]+"$', source.read_text(), re.M)
