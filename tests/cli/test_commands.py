"""The `demo` and `sandbox` commands as a user runs them, the progress display, and --help."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from withdrawal_clients import cli

COMMAND = str(Path(sys.executable).with_name("withdrawal-clients"))


def test_the_demo_completes_both_withdrawals() -> None:
    done = subprocess.run(
        [COMMAND, "demo"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "one bit of s flipped -> FAILED, error_code 34" in out  # the server checks signatures
    assert "final status     6 ACCEPTED_ON_L1" in out
    assert "final status     COMPLETED, transaction 0x" in out
    assert ": valid" in out  # the Omnia signature recovered to the demo signer
    assert "Both withdrawals completed." in out


@pytest.fixture
def sandbox_process() -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """`withdrawal-clients sandbox` on a free port, and the lines it printed once ready."""
    process = subprocess.Popen(
        [COMMAND, "sandbox", "--port", "0", "--omnia-token", "my-jwt"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]  # blocks until it has printed
        yield process, lines
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # never leave a server behind, even on failure
                process.kill()
                process.wait(timeout=10)


def test_the_sandbox_command_serves_both_apis(
    sandbox_process: tuple[subprocess.Popen[str], list[str]],
) -> None:
    _, printed = sandbox_process
    reddio, omnia = printed[0].split()[1], printed[1].split()[1]
    assert (reddio.endswith("/reddio"), omnia.endswith("/omnia/api")) == (True, True)
    assert "my-jwt" in printed[2] and "/l1" in printed[3]
    info = httpx.get(
        f"{reddio}/v1/contract_info", params={"type": "ETH", "contract_address": "ETH"}
    )
    assert info.json()["data"]["quantum"] == 10**12
    accepted = httpx.get(f"{omnia}/v2/withdrawals/x", headers={"Authorization": "Bearer my-jwt"})
    assert accepted.status_code == 404  # the token was accepted; the withdrawal is unknown
    refused = httpx.get(f"{omnia}/v2/withdrawals/x", headers={"Authorization": "Bearer other"})
    assert refused.status_code == 401


def test_the_sandbox_command_stops_on_ctrl_c(
    sandbox_process: tuple[subprocess.Popen[str], list[str]],
) -> None:
    process, _ = sandbox_process
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_and_clears_after() -> None:
    screen = Terminal()
    progress = cli.Progress("waiting for record 7", stream=screen)
    progress.sleep(0.01)
    assert "waiting for record 7" in screen.getvalue()
    progress.done()
    assert screen.getvalue().endswith("\r\033[K")


def test_progress_is_silent_when_not_a_terminal() -> None:
    log = io.StringIO()
    progress = cli.Progress(stream=log)
    progress.sleep(0.01)
    progress.done()
    assert log.getvalue() == ""


def test_help_lists_the_commands_and_says_where_secrets_come_from(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for word in ("sandbox", "demo", "reddio", "omnia", cli.REDDIO_KEY_ENV, cli.OMNIA_TOKEN_ENV):
        assert word in text
