"""FileClaimLog: what was put is there after a reopen, from several threads and processes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from withdrawal_clients import InvalidInput
from withdrawal_clients.layer1 import FileClaimLog


def test_put_get_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    log = FileClaimLog(path)
    assert log.get("a") is None
    log.put("a", {"state": "sending", "tx_hash": "0x01"})
    log.put("a", {"state": "done", "tx_hash": "0x01"})
    log.put("b", {"state": "sending"})
    again = FileClaimLog(path)
    assert again.get("a") == {"state": "done", "tx_hash": "0x01"}
    assert set(json.loads(path.read_text())) == {"a", "b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.json", "claims.json.lock"]


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    code = (
        "import sys\nfrom withdrawal_clients.layer1 import FileClaimLog\n"
        "log = FileClaimLog(sys.argv[1])\n"
        "for i in range(20): log.put(f'{sys.argv[2]}-{i}', {'i': i})"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", code, str(path), f"p{n}"]) for n in range(2)
    ]
    log = FileClaimLog(path)
    threads = [
        threading.Thread(target=lambda n=n: [log.put(f"t{n}-{i}", {"i": i}) for i in range(20)])
        for n in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(p.wait(timeout=60) == 0 for p in processes)
    assert len(json.loads(path.read_text())) == 5 * 20


def test_a_file_that_is_not_a_claim_log_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    path.write_text("[1, 2]")
    with pytest.raises(InvalidInput, match="claim log"):
        FileClaimLog(path).get("a")
    path.write_text("{truncated")
    with pytest.raises(InvalidInput, match="claim log"):
        FileClaimLog(path).put("a", {})
