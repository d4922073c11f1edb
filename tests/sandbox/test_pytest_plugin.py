"""The pytest plugin, as a user's own test suite sees it (in a pytest process of its own)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

USER_TESTS = """
from decimal import Decimal

import pytest

RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
TOKEN = "0x" + "11" * 20


@pytest.fixture
def anyio_backend():
    return "asyncio"


def test_sync_clients(sandbox_reddio_client, sandbox_omnia_client, withdrawal_sandbox):
    result = sandbox_reddio_client.withdraw_to(
        contract_address="ETH", asset_type="ETH", amount=Decimal("0.5"), receiver=RECEIVER
    )
    record = sandbox_reddio_client.wait_for_record(result.sequence_id, poll_interval=0.01)
    assert record.is_accepted and record.amount == "500000"
    withdrawal = sandbox_omnia_client.request_withdrawal(
        order_source="ETHEREUM", token_address=TOKEN, amount="2", signature="0x" + "ab" * 65
    )
    assert withdrawal.status == "COMPLETED"
    assert withdrawal_sandbox.reddio.record_count() == 1
    assert withdrawal_sandbox.omnia.withdrawal_count() == 1


@pytest.mark.anyio
async def test_async_clients(sandbox_async_reddio_client, sandbox_async_omnia_client):
    result = await sandbox_async_reddio_client.withdraw_to(
        contract_address="ETH", asset_type="ETH", amount="0.25", receiver=RECEIVER
    )
    record = await sandbox_async_reddio_client.get_record(result.sequence_id)
    assert record.is_accepted
    withdrawal = await sandbox_async_omnia_client.request_withdrawal(
        order_source="POLYGON", token_address=TOKEN, amount="3", signature="0x" + "cd" * 65
    )
    assert withdrawal.is_success


def test_each_test_gets_a_fresh_sandbox(withdrawal_sandbox):
    assert withdrawal_sandbox.reddio.record_count() == 0
"""

OVERRIDDEN_CONFIG = """
import pytest

from withdrawal_clients.sandbox import SandboxConfig

RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"


@pytest.fixture
def withdrawal_sandbox_config():
    return SandboxConfig(omnia_tokens=frozenset({"my-token"}))


def test_time_is_moved_by_hand(sandbox_reddio_client, withdrawal_sandbox):
    result = sandbox_reddio_client.withdraw_to(
        contract_address="ETH", asset_type="ETH", amount="1", receiver=RECEIVER
    )
    assert sandbox_reddio_client.get_record(result.sequence_id).status == 0
    withdrawal_sandbox.advance(withdrawal_sandbox.config.reddio_on_l1_after)
    assert sandbox_reddio_client.get_record(result.sequence_id).status == 6


def test_the_configured_token_is_used(sandbox_omnia_client, withdrawal_sandbox):
    assert withdrawal_sandbox.omnia_token == "my-token"
    assert sandbox_omnia_client.request_withdrawal(
        order_source="ETHEREUM", token_address="0x" + "11" * 20, amount="1",
        signature="0x" + "ab" * 65,
    ).status == "PENDING"
"""


def test_user_tests_get_ready_clients(tmp_path: Path) -> None:
    """A separate pytest process, as a user's: the plugin arrives through its entry point."""
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    (tmp_path / "test_user_config.py").write_text(OVERRIDDEN_CONFIG)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout


def test_the_plugin_loads_without_the_sandbox_extra() -> None:
    """Every pytest run imports the plugin: it must not need starlette or uvicorn."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["starlette"] = sys.modules["uvicorn"] = None  # as if not installed
        import withdrawal_clients.sandbox.pytest_plugin
        from withdrawal_clients.sandbox import Sandbox
        try:
            Sandbox().transport()
        except ImportError as exc:
            print(exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "pip install 'withdrawal-clients[sandbox]'" in done.stdout
