"""The pytest plugin as a user meets it: every fixture explained in ``pytest --fixtures``, the
examples in its documentation pass as written, and a missing ``[sandbox]`` extra is named."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from withdrawal_clients.sandbox import pytest_plugin

FIXTURES = [
    "withdrawal_sandbox_config",
    "withdrawal_sandbox",
    "sandbox_reddio_client",
    "sandbox_async_reddio_client",
    "sandbox_omnia_client",
    "sandbox_async_omnia_client",
]

# The run_python fixture of conftest.py.
RunPython = Callable[..., CompletedProcess[str]]


@pytest.fixture
def pytest_in(run_python: RunPython) -> RunPython:
    """``pytest_in(path, *args)``: a user's own pytest run in ``path``."""
    return lambda path, *args: run_python(path, "-m", "pytest", "-p", "no:cacheprovider", *args)


def test_every_fixture_is_explained_by_pytest_fixtures(
    tmp_path: Path, pytest_in: RunPython
) -> None:
    listing = pytest_in(tmp_path, "--fixtures").stdout
    section = listing[listing.index("withdrawal_clients.sandbox.pytest_plugin") :]
    for name in FIXTURES:
        entry = re.search(rf"^{name}\b.*\n((?:    .*\n)+)", section, re.M)
        assert entry is not None, f"{name} is not listed"
        assert "no docstring available" not in entry.group(1), name


def test_the_documented_examples_pass(tmp_path: Path, pytest_in: RunPython) -> None:
    doc = pytest_plugin.__doc__ or ""
    examples = [
        textwrap.dedent(block)
        for block in re.findall(r"::\n\n((?:    .*\n|\n)+)", doc)
        if "def test_" in block
    ]
    assert len(examples) == 2  # one synchronous, one async
    for number, example in enumerate(examples):
        (tmp_path / f"test_example_{number}.py").write_text(example)
    done = pytest_in(tmp_path, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_a_missing_sandbox_extra_is_named_at_set_up(tmp_path: Path, pytest_in: RunPython) -> None:
    (tmp_path / "conftest.py").write_text(
        'import sys\nsys.modules["starlette"] = sys.modules["uvicorn"] = None  # not installed\n'
    )
    (tmp_path / "test_user.py").write_text(
        "def test_uses_the_sandbox(sandbox_reddio_client):\n    pass\n"
    )
    done = pytest_in(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout
    report = done.stdout[done.stdout.index("ERROR at setup") :]
    assert "withdrawal_sandbox fixture: the sandbox needs the [sandbox] extra" in report
    assert "pip install 'withdrawal-clients[sandbox]'" in report
    assert "exception" not in report  # the message alone, no chain of tracebacks
