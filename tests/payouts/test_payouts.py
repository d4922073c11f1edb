"""Batch payouts against the sandbox served over real HTTP: faults on the way, bad rows
beside good ones, the CLI SIGKILLed mid-run and run again, and its progress display. Every
count comes from the sandbox's own ledger."""

from __future__ import annotations

import csv
import json
import os
import pty
import random
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from withdrawal_clients import Journal, ReddioClient
from withdrawal_clients.payouts import arun_payouts, read_rows, run_payouts
from withdrawal_clients.reddio import AsyncReddioClient
from withdrawal_clients.sandbox import Fault, Sandbox, SandboxConfig, ServedSandbox

COMMAND = str(Path(sys.executable).with_name("withdrawal-clients"))
SENDER_KEYS = [
    0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC,
    0x1234567,
    0xBEEF01,
]
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"


def receiver(n: int) -> str:
    return "0x" + f"{n + 1:040x}"


@pytest.fixture
def served() -> Iterator[ServedSandbox]:
    with Sandbox(SandboxConfig.instant()).serve() as running:
        yield running


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def reddio_rows(count: int, senders: list[str] | None = None) -> list[dict[str, Any]]:
    rows = []
    for n in range(count):
        row = {
            "id": f"row-{n:04d}",
            "receiver": receiver(n % 37),
            "amount": "0.000" + str(n % 9 + 1),
            "contract_address": "ETH",
            "asset_type": "ETH",
        }
        if senders:
            row["sender"] = senders[n % len(senders)]
        rows.append(row)
    return rows


def add_faults(served: ServedSandbox, path: str) -> None:
    faults = served.sandbox.faults
    faults.add(Fault(path, method="POST", drop=True, times=4))  # applied, answer lost
    faults.add(Fault(path, method="POST", status=502, times=3))
    faults.add(Fault(path, method="POST", status=429, retry_after=0, times=3))
    faults.add(Fault(path, method="POST", latency=0.2, times=2))


def test_a_batch_across_senders_with_faults_pays_every_row_exactly_once(
    served: ServedSandbox, tmp_path: Path
) -> None:
    journal = Journal.open(tmp_path / "journal.db")
    clients = [
        ReddioClient(
            served.reddio_url,
            stark_private_key=key,
            journal=journal,
            cache_lookups=True,
            sleep=lambda _: None,
        )
        for key in SENDER_KEYS
    ]
    senders = [client.stark_key or "" for client in clients]
    rows = read_rows(write_csv(tmp_path / "pay.csv", reddio_rows(240, senders)), "reddio")
    add_faults(served, "/reddio/v1/withdrawalto")
    seen: list[int] = []

    report = run_payouts(rows, clients, concurrency=3, progress=lambda p: seen.append(p.finished))

    # Faults land where they land: a row that meets several in a row may end unknown (its
    # outcome cannot be told). None is rejected, and running the file again settles them.
    counts = report.counts
    assert counts["done"] + counts["unknown"] == 240 and counts["rejected"] == 0
    assert seen == list(range(1, 241))  # one progress call per row, in order
    assert served.sandbox.reddio.record_count() <= 240
    again = run_payouts(rows, clients, concurrency=3)
    assert again.counts == {"done": 240, "rejected": 0, "unknown": 0, "invalid": 0}
    assert served.sandbox.reddio.record_count() == 240  # the ledger, not the report
    by_sender = {client.stark_key: client for client in clients}
    for outcome, row in zip(again.outcomes, rows, strict=True):
        assert outcome.id == row.id
        record = by_sender[row.get("sender")].get_record(int(outcome.reference or -1))
        assert Decimal(record.amount or 0) == Decimal(row.get("amount")) * 10**6  # quanta
    done_first = {o.id: o.reference for o in report.outcomes if o.status == "done"}
    assert all(o.resumed for o in again.outcomes if o.id in done_first)
    assert all(done_first[o.id] == o.reference for o in again.outcomes if o.id in done_first)
    third = run_payouts(rows, clients, concurrency=3)
    assert [o.reference for o in third.outcomes] == [o.reference for o in again.outcomes]
    assert served.sandbox.reddio.record_count() == 240
    for client in clients:
        client.close()
    journal.close()


def test_warm_rows_cost_a_nonce_and_a_post(served: ServedSandbox, tmp_path: Path) -> None:
    with Journal.open(tmp_path / "journal.db") as journal:
        client = ReddioClient(
            served.reddio_url, stark_private_key=SENDER_KEYS[0], journal=journal, cache_lookups=True
        )
        rows = read_rows(write_csv(tmp_path / "pay.csv", reddio_rows(60)), "reddio")
        before = served.sandbox.faults.received
        report = run_payouts(rows, [client])
        client.close()
    assert report.counts["done"] == 60
    gets = sum(before("GET", f"/reddio/v1/{p}") for p in ("nonce", "vaults", "contract_info"))
    posts = before("POST", "/reddio/v1/withdrawalto")
    assert posts == 60
    assert gets - 60 <= 3  # one contract info and two vault lookups for 37 receivers
    assert before("GET", "/reddio/v1/nonce") == 60


@pytest.mark.anyio
async def test_the_async_runner_pays_omnia_rows_concurrently_once(
    served: ServedSandbox, tmp_path: Path
) -> None:
    from withdrawal_clients import AsyncOmniaClient
    from withdrawal_clients.payouts import check_rows

    rows = check_rows(
        [
            {
                "id": f"o-{n}",
                "receiver": receiver(n),
                "amount": f"{n + 1}.5",
                "order_source": "ETHEREUM",
                "token_address": USDC,
                "signature": "0xabcd",
            }
            for n in range(80)
        ],
        "omnia",
    )
    add_faults(served, "/omnia/api/v2/withdrawals")

    async def no_sleep(_: float) -> None:
        return None

    with Journal.open(tmp_path / "journal.db") as journal:
        async with AsyncOmniaClient(
            served.omnia_url, token="sandbox-token", journal=journal, sleep=no_sleep
        ) as client:
            report = await arun_payouts(rows, client, concurrency=8)
    assert report.counts["done"] == 80
    assert served.sandbox.omnia.withdrawal_count() == 80


@pytest.mark.anyio
async def test_the_async_runner_takes_reddio_senders(served: ServedSandbox, tmp_path: Path) -> None:
    with Journal.open(tmp_path / "journal.db") as journal:
        clients = [
            AsyncReddioClient(served.reddio_url, stark_private_key=k, journal=journal)
            for k in SENDER_KEYS[:2]
        ]
        senders = [c.stark_key or "" for c in clients]
        rows = read_rows(write_csv(tmp_path / "p.csv", reddio_rows(20, senders)), "reddio")
        report = await arun_payouts(rows, clients, concurrency=2)
        for client in clients:
            await client.aclose()
    assert report.counts["done"] == 20 and served.sandbox.reddio.record_count() == 20


def test_bad_rows_are_reported_with_row_field_and_rule_and_the_rest_is_paid(
    served: ServedSandbox, tmp_path: Path
) -> None:
    good = reddio_rows(4)
    bad = [
        {**good[0], "id": "tiny", "amount": "0.0000000000001"},  # below one quantum of ETH
        {**good[0], "id": "checksum", "receiver": "0x76F2fc7ed90039d986e3eb4db294f05e160c8f03"},
        {**good[0], "id": "row-0001"},  # a duplicate id
        {**good[0], "id": "no-amount", "amount": ""},
        {**good[0], "id": "float", "amount": "1e-400"},
    ]
    rows = read_rows(write_csv(tmp_path / "pay.csv", good + bad), "reddio")
    with Journal.open(tmp_path / "journal.db") as journal:
        client = ReddioClient(served.reddio_url, stark_private_key=SENDER_KEYS[0], journal=journal)
        report = run_payouts(rows, [client])
        client.close()
    invalid = {(o.line, o.id, o.field) for o in report.outcomes if o.status == "invalid"}
    assert invalid == {
        (5, "tiny", "amount"),
        (6, "checksum", "receiver"),
        (7, "row-0001", "id"),
        (8, "no-amount", "amount"),
        (9, "float", "amount"),
    }
    assert all(o.rule for o in report.outcomes if o.status == "invalid")
    assert report.counts["done"] == 4 and served.sandbox.reddio.record_count() == 4
    assert report.exit_code == 1


def test_a_file_missing_a_column_is_bad_input_and_nothing_is_sent(
    served: ServedSandbox, tmp_path: Path
) -> None:
    path = tmp_path / "pay.csv"
    path.write_text("id,receiver,amount\nx,0x76f2fc7ed90039d986e3eb4db294f05e160c8f03,1\n")
    done = run_cli(served, "run", str(path), "--api", "reddio", "--journal", str(tmp_path / "j"))
    assert done.returncode == 2 and "contract_address" in done.stderr
    assert served.sandbox.reddio.record_count() == 0


# --- the command line ---------------------------------------------------------------------


def cli_env() -> dict[str, str]:
    return {
        **os.environ,
        "REDDIO_STARK_PRIVATE_KEY": ",".join(hex(k) for k in SENDER_KEYS[:1]),
        "OMNIA_TOKEN": "sandbox-token",
    }


def run_cli(served: ServedSandbox, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMMAND, "payout", *args, "--base-url", served.reddio_url],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )


def test_the_cli_killed_at_random_points_and_run_again_pays_each_row_once(
    served: ServedSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "pay.csv", reddio_rows(40))
    journal = str(tmp_path / "journal.db")
    args = [COMMAND, "payout", "run", str(path), "--api", "reddio", "--journal", journal]
    args += ["--base-url", served.reddio_url]
    chance = random.Random(7)
    for _ in range(4):
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, env=cli_env())
        time.sleep(chance.uniform(0.6, 1.6))  # start-up takes about half a second
        process.send_signal(signal.SIGKILL)
        process.wait()
    final = subprocess.run([*args, "--json"], capture_output=True, text=True, env=cli_env())
    assert final.returncode == 0, final.stderr
    report = json.loads(final.stdout)
    assert report["counts"]["done"] == 40
    assert served.sandbox.reddio.record_count() == 40
    status = run_cli(served, "status", "--journal", journal, "--json")
    assert json.loads(status.stdout)["in_flight"] == []


def test_dry_run_prints_totals_per_asset_and_sends_nothing(
    served: ServedSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "pay.csv", reddio_rows(9))
    done = run_cli(served, "run", str(path), "--api", "reddio", "--journal", "j.db", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "would pay 0.0045 ETH in 9 row(s)" in done.stdout
    assert served.sandbox.faults.received("POST", "/reddio/v1/withdrawalto") == 0


def test_progress_is_a_bar_on_a_terminal_and_lines_when_piped(
    served: ServedSandbox, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "pay.csv", reddio_rows(12))
    common = ["payout", "run", str(path), "--api", "reddio", "--base-url", served.reddio_url]
    piped = subprocess.run(
        [COMMAND, *common, "--journal", str(tmp_path / "a.db")],
        capture_output=True,
        text=True,
        env=cli_env(),
    )
    assert piped.returncode == 0
    assert piped.stdout.splitlines()[0].startswith("row 1 row-0000: done ")
    assert "\r" not in piped.stdout

    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [COMMAND, *common, "--journal", str(tmp_path / "b.db")],
        stdout=secondary,
        stderr=secondary,
        env={**cli_env(), "COLUMNS": "100"},
    )
    os.close(secondary)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=30) == 0
    text = seen.decode()
    assert "12/12" in text and "row/s" in text and "\r" in text  # a bar, redrawn in place
    assert "done=12" in text and text.rstrip().endswith("done 12, rejected 0, unknown 0, invalid 0")
