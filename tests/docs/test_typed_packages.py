"""The promise the docs make to ``mypy --strict`` users: the generated packages ship
``py.typed`` (written by ``make generate``), so importing them type-checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_a_strict_user_can_import_the_generated_packages(tmp_path: Path) -> None:
    (tmp_path / "user.py").write_text(USER_CODE)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            "user.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
