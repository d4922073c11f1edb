"""WITHDRAWAL_CLIENTS_LOG: the package's log lines on stderr, and never a secret in them."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator

import pytest
from withdrawal_clients._core import logs
from withdrawal_clients.starkex import EC_ORDER

# A withdrawal on each API against the in-process sandbox, with a GET that is retried after a
# 503 and a POST whose answer is lost (so the write is looked up before anything is resent).
USER_PROGRAM = textwrap.dedent(
    """
    import json, os
    from withdrawal_clients import OmniaClient, ReddioClient
    from withdrawal_clients.sandbox import Fault, ManualClock, Sandbox, SandboxConfig

    token = os.environ["TEST_OMNIA_JWT"]
    sandbox = Sandbox(SandboxConfig.instant(omnia_tokens=frozenset({token})), clock=ManualClock())
    sandbox.faults.add(Fault("/reddio/v1/nonce", method="GET", status=503))
    sandbox.faults.add(Fault("/reddio/v1/withdrawalto", method="POST", drop=True))
    sandbox.faults.add(Fault("/omnia/api/v2/withdrawals", method="POST", drop=True))
    with ReddioClient(
        sandbox.reddio_url, stark_private_key=os.environ["TEST_STARK_KEY"],
        transport=sandbox.transport(), sleep=lambda seconds: None,
    ) as reddio:
        result = reddio.withdraw_to(
            contract_address="ETH", asset_type="ETH", amount="0.5",
            receiver="0x76f2fc7ed90039d986e3eb4db294f05e160c8f03",
        )
        record = reddio.get_record(result.sequence_id)
    with OmniaClient(
        sandbox.omnia_url, token=token, transport=sandbox.transport(), sleep=lambda seconds: None
    ) as omnia:
        withdrawal = omnia.request_withdrawal(
            order_source="ETHEREUM", token_address="0x" + "11" * 20, amount="2",
            signature="0x" + "ab" * 65,
        )
    print(json.dumps({
        "reddio_accepted": record.is_accepted,
        "omnia_status": withdrawal.status,
        "nonce_gets": sandbox.received("GET", "/reddio/v1/nonce"),
        "withdrawalto_posts": sandbox.received("POST", "/reddio/v1/withdrawalto"),
        "omnia_posts": sandbox.received("POST", "/omnia/api/v2/withdrawals"),
    }))
    """
)

LINE = re.compile(r"^\S+ \S+ (DEBUG|INFO|WARNING|ERROR) (withdrawal_clients(?:\.\w+)*): ", re.M)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt() -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps({"sub": "payouts", "exp": 4102444800}).encode())
    return f"{header}.{payload}.{_b64(secrets.token_bytes(32))}"


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != logs.ENV_VAR}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("level", ["info", "debug"])
def test_the_switch_shows_the_package_log_and_no_secret(level: str) -> None:
    private_key = secrets.randbelow(EC_ORDER - 1) + 1
    token = _jwt()
    done = _run(
        USER_PROGRAM,
        WITHDRAWAL_CLIENTS_LOG=level,
        TEST_STARK_KEY=hex(private_key),
        TEST_OMNIA_JWT=token,
    )
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    # The flow really went through a retry and two lost answers, and still ended well.
    assert facts == {
        "reddio_accepted": True,
        "omnia_status": "COMPLETED",
        "nonce_gets": 2,
        "withdrawalto_posts": 1,
        "omnia_posts": 1,
    }

    lines = LINE.findall(done.stderr)
    assert lines, done.stderr
    assert all(name.startswith("withdrawal_clients") for _, name in lines)
    if level == "info":
        assert {severity for severity, _ in lines} <= {"INFO", "WARNING", "ERROR"}
    # Both lost answers were reconciled, and the log says so, naming each write.
    logged = "\n".join(line for line in done.stderr.splitlines() if LINE.match(line))
    assert "withdrawalto" in logged, done.stderr
    assert re.search(r"request_withdrawal|/v2/withdrawals", logged), done.stderr

    everything = (done.stdout + done.stderr).lower()
    for secret in (
        f"{private_key:x}",  # hex, with or without 0x, any case
        str(private_key),  # decimal
        token.lower(),
        token.rsplit(".", 1)[1].lower(),  # the JWT's signature alone
    ):
        assert secret not in everything


def test_unset_leaves_standard_logging_untouched() -> None:
    done = _run(
        "import logging, withdrawal_clients; "
        "log = logging.getLogger('withdrawal_clients'); "
        "print(log.handlers, log.level, logging.getLogger().handlers)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"[] {logging.NOTSET} []"
    assert done.stderr == ""


def test_a_bad_value_is_ignored_with_one_warning() -> None:
    done = _run(
        "import logging, withdrawal_clients, withdrawal_clients.reddio; "
        "print(logging.getLogger('withdrawal_clients').handlers)",
        WITHDRAWAL_CLIENTS_LOG="verbose",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert done.stderr.count("WITHDRAWAL_CLIENTS_LOG='verbose' is ignored") == 1
    assert "info, debug" in done.stderr


@pytest.fixture
def package_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger(logs.LOGGER)
    handlers, level = list(logger.handlers), logger.level
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)


def test_applying_again_changes_the_level_without_a_second_handler(
    package_logger: logging.Logger,
) -> None:
    first = logs.apply_switch({logs.ENV_VAR: "DEBUG"})
    second = logs.apply_switch({logs.ENV_VAR: " info "})
    assert first is second is not None
    assert [h for h in package_logger.handlers if h is first] == [first]
    assert first.level == package_logger.level == logging.INFO


@pytest.mark.parametrize("environ", [{}, {logs.ENV_VAR: ""}, {logs.ENV_VAR: "trace"}])
def test_no_handler_unless_asked(package_logger: logging.Logger, environ: dict[str, str]) -> None:
    before = list(package_logger.handlers)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert logs.apply_switch(environ) is None
    assert package_logger.handlers == before
    assert len(caught) == (1 if environ.get(logs.ENV_VAR) else 0)
