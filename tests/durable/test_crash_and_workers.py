"""Exactly once across crashes and workers: real worker processes, SIGKILLed at every
boundary, sharing a SQLite or PostgreSQL journal, against the sandbox served over HTTP.
Withdrawals are counted in the sandbox's own ledger, not taken from the clients' word."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from withdrawal_clients import Journal, State
from withdrawal_clients.sandbox import Sandbox, SandboxConfig, ServedSandbox

sys.path.insert(0, str(Path(__file__).parent.parent / "journal"))
from journal_support import fresh_schema

WORKER = Path(__file__).with_name("worker.py")
BOUNDARIES = [
    "before_intent",
    "after_intent",
    "after_signing",
    "post_in_flight",
    "before_recording_answer",
]


@pytest.fixture
def served() -> Iterator[ServedSandbox]:
    with Sandbox(SandboxConfig.instant()).serve() as running:
        yield running


@pytest.fixture(params=["sqlite", "postgres"])
def journal_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "journal.db")
    return fresh_schema(request.getfixturevalue("postgres_url"))


def run_worker(**args: Any) -> tuple[int, list[dict[str, Any]]]:
    done = subprocess.run(
        [sys.executable, str(WORKER), json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return done.returncode, lines


def start_worker(**args: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def url(served: ServedSandbox, api: str) -> str:
    return served.reddio_url if api == "reddio" else served.omnia_url


def withdrawals_on_server(served: ServedSandbox, api: str) -> int:
    book = served.sandbox.reddio if api == "reddio" else served.sandbox.omnia
    return book.record_count() if api == "reddio" else book.withdrawal_count()


@pytest.mark.parametrize("api", ["reddio", "omnia"])
@pytest.mark.parametrize("kill_at", BOUNDARIES)
def test_a_worker_killed_at_any_boundary_pays_once_after_restart(
    served: ServedSandbox, journal_target: str, api: str, kill_at: str
) -> None:
    common = {"api": api, "url": url(served, api), "journal": journal_target}
    code, _ = run_worker(**common, keys=["payout-1"], kill_at=kill_at)
    assert code == -signal.SIGKILL

    code, recovered = run_worker(**common, keys=["payout-1"], recover=True)
    assert code == 0
    (result,) = [line for line in recovered if "key" in line]
    assert "id" in result, result
    code, again = run_worker(**common, keys=["payout-1"])
    assert code == 0 and again == [result]  # the same outcome, every time

    assert withdrawals_on_server(served, api) == 1
    with Journal.open(journal_target) as journal:
        entry = journal.get(api, "payout-1")
        assert entry is not None and entry.state == State.DONE
        assert entry.request is not None
        text = json.dumps([entry.intent, entry.request, entry.result])
        assert "3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc" not in text.lower()
        assert "sandbox-token" not in text


def test_workers_sharing_a_journal_and_a_stark_key_pay_every_key_once(
    served: ServedSandbox, journal_target: str
) -> None:
    # Identical amounts and receivers: without the journal's lock, two workers would read one
    # nonce, sign identical bodies and take one withdrawal for two.
    keys = [f"payout-{n}" for n in range(12)]
    workers = [
        start_worker(
            api="reddio",
            url=served.reddio_url,
            journal=journal_target,
            keys=keys[n::2] + keys[(n + 1) % 2 :: 2],  # each worker also asks for the others'
        )
        for n in range(4)
    ]
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err[-2000:]
        outputs.extend(json.loads(line) for line in out.splitlines())

    ids_by_key: dict[str, set[int]] = {}
    for line in outputs:
        assert "id" in line, (line, outputs)
        ids_by_key.setdefault(line["key"], set()).add(line["id"])
    assert set(ids_by_key) == set(keys)
    assert all(len(ids) == 1 for ids in ids_by_key.values())  # every worker saw one outcome
    assert served.sandbox.reddio.record_count() == len(keys)
    with Journal.open(journal_target) as journal:
        entries = journal.entries(api="reddio")
    nonces = [entry.nonce for entry in entries]
    assert len(entries) == len(keys) and None not in nonces
    assert len(set(nonces)) == len(nonces)
