"""The package's public surface: every advertised name resolves, and importing stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest
import withdrawal_clients


@pytest.mark.parametrize("name", withdrawal_clients.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(withdrawal_clients, name) is not None


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = withdrawal_clients.no_such_thing  # type: ignore[attr-defined]


def test_import_does_not_load_clients_or_crypto() -> None:
    # The pytest plugin imports the package in every test run of an installing project.
    code = (
        "import sys, withdrawal_clients; "
        "print(sorted(m for m in sys.modules if m.startswith(('withdrawal_clients.', "
        "'reddio_client', 'omnia_client'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "reddio" not in loaded and "omnia" not in loaded and "starkex" not in loaded
