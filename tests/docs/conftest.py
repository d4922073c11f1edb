"""The documentation tests run what a reader would run: Python in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

RunPython = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_python() -> RunPython:
    """``run_python(cwd, *args)``: this interpreter with ``args``, in ``cwd``, output captured.

    WITHDRAWAL_CLIENTS_LOG is removed, so a developer's setting cannot change what is printed.
    """
    env = {k: v for k, v in os.environ.items() if k != "WITHDRAWAL_CLIENTS_LOG"}

    def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    return run
