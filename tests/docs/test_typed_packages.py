"""The promise the docs make to ``mypy --strict`` users: the generated packages ship
``py.typed`` (written by ``make generate``), so importing them type-checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

# The run_python fixture of conftest.py.
RunPython = Callable[..., CompletedProcess[str]]


USER_CODE = """
from omnia_client.models import Withdrawal
from reddio_client import Client
from reddio_client.models import Record
from withdrawal_clients import ReddioClient

client: Client = Client(base_url="http://127.0.0.1")
record: Record = Record.from_dict({"sequence_id": 1, "status": 0})
withdrawal: type[Withdrawal] = Withdrawal
reddio: type[ReddioClient] = ReddioClient
"""


def test_a_strict_user_can_import_the_generated_packages(
    tmp_path: Path, run_python: RunPython
) -> None:
    (tmp_path / "user.py").write_text(USER_CODE)
    cache = str(tmp_path / "cache")
    done = run_python(tmp_path, "-m", "mypy", "--strict", "--cache-dir", cache, "user.py")
    assert done.returncode == 0, done.stdout + done.stderr
