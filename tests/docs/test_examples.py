"""The documentation's examples run: every ```python block of a page, in order, as one program.

Blocks fenced as ```py are illustrations that need a real network, keys or other context;
```python means "this runs as written", and this test holds the pages to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)

# The run_python fixture of conftest.py.
RunPython = Callable[..., CompletedProcess[str]]


def program(page: Path) -> str:
    return "\n".join(BLOCK.findall(page.read_text()))


RUNNABLE = [page for page in PAGES if program(page)]


def test_the_pages_that_promise_runnable_examples_have_them() -> None:
    names = {str(page.relative_to(ROOT)) for page in RUNNABLE}
    assert {"README.md", "docs/guides/quickstart.md", "docs/guides/sandbox.md"} <= names


@pytest.mark.parametrize("page", RUNNABLE, ids=lambda page: str(page.relative_to(ROOT)))
def test_examples_run(page: Path, tmp_path: Path, run_python: RunPython) -> None:
    done = run_python(tmp_path, "-c", program(page))
    assert done.returncode == 0, done.stdout + done.stderr
