"""Schemathesis (pinned in pyproject.toml) against the served sandbox, with both specs.

Each run goes through all of Schemathesis's phases (the specs' examples, boundary and negative
coverage, fuzzing, and for Omnia the stateful POST-then-GET links) with a fixed seed and a
bounded number of examples per operation. Checks: no server error, documented status codes,
content types and response schemas, schema-violating requests refused, schema-valid requests
accepted except what contract_exceptions.py lists with its reason. Zero failures allowed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from contract_exceptions import EXCEPTIONS, excused
from withdrawal_clients.sandbox import Fault, Sandbox, ServedSandbox

HERE = Path(__file__).resolve().parent
SPECS = HERE.parents[1] / "openapi"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance_documented",  # schemathesis_hooks.py
)
SEED = 20261206
# Examples per operation in the fuzzing phase: Reddio has 10 operations, Omnia 2.
MAX_EXAMPLES = {"reddio": 60, "omnia": 100}


def run_schemathesis(api: str, base_url: str, work: Path, *options: str) -> dict[str, Any]:
    """One CLI run; returns its JSON report, with the excused answers under ``excused`` and the
    exit code under ``exit_code``."""
    report, log = work / f"{api}.json", work / f"{api}-excused.ndjson"
    command = [
        str(SCHEMATHESIS),
        "run",
        str(SPECS / f"{api}.yaml"),
        f"--url={base_url}",
        f"--checks={','.join(CHECKS)}",
        f"--seed={SEED}",
        f"--max-examples={MAX_EXAMPLES[api]}",
        "--generation-database=none",
        # Hypothesis's own speed check: on a busy machine it would fail the run, not the API.
        "--suppress-health-check=too_slow",
        "--no-color",
        "--report=json",
        f"--report-json-path={report}",
        *options,
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": str(HERE / "schemathesis_hooks.py"),
        "CONTRACT_EXCEPTIONS_LOG": str(log),
    }
    done = subprocess.run(
        command, cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    result: dict[str, Any] = json.loads(report.read_text())
    result["output"] = done.stdout[-6000:] + done.stderr[-2000:]
    lines = log.read_text().splitlines() if log.exists() else []
    result["excused"] = Counter(json.loads(line)["rule"] for line in lines)
    print(f"{api}: {result['test_cases']}, excused {dict(result['excused'])}")
    return result


@pytest.mark.parametrize(
    ("api", "operations"), [("reddio", 10), ("omnia", 2)], ids=["reddio", "omnia"]
)
def test_schemathesis_finds_nothing(
    api: str, operations: int, served: ServedSandbox, tmp_path: Path
) -> None:
    if api == "reddio":
        result = run_schemathesis(api, served.reddio_url, tmp_path)
    else:
        token = f"--header=Authorization: Bearer {served.sandbox.omnia_token}"
        result = run_schemathesis(api, served.omnia_url, tmp_path, token)
    assert result["exit_code"] == 0, result["output"]
    assert result["operations"]["tested"] == operations
    cases = result["test_cases"]
    assert (cases["with_failures"], cases["errored"], result["errors"]) == (0, 0, [])
    assert cases["generated"] >= 30 * operations  # a run that tests little proves little
    assert set(result["excused"]) <= {exception.rule for exception in EXCEPTIONS}


def test_the_run_fails_on_a_sandbox_that_breaks_the_contract(tmp_path: Path) -> None:
    sandbox = Sandbox()
    sandbox.faults.add(Fault("/reddio/v1/nonce", status=500, times=None))  # an HTML error page
    with sandbox.serve() as served:
        result = run_schemathesis("reddio", served.reddio_url, tmp_path, "--include-path=/v1/nonce")
    assert result["exit_code"] != 0
    found = {failure["title"] for failure in result["failures"]}
    assert {"Server error", "Undocumented Content-Type"} <= found, found


@pytest.mark.parametrize(
    ("operation", "status", "body", "rule"),
    [
        ("POST /v2/withdrawals", 400, {"code": "X", "description": "deadline: has passed"}, True),
        (
            "GET /v1/assetid",
            400,
            {"status": "FAILED", "error": "quantum: must be below 2^128"},
            True,
        ),
        ("POST /v1/withdrawal", 400, {"status": "FAILED", "error": "deadline: has passed"}, False),
        (
            "POST /v1/withdrawalto",
            400,
            {"status": "FAILED", "error": "amount: must match x"},
            False,
        ),
        (
            "POST /v1/withdrawalto",
            200,
            {"status": "FAILED", "error": "receiver: must not be zero"},
            False,
        ),
        ("POST /v2/withdrawals", 400, ["orderSource: "], False),
    ],
)
def test_only_the_listed_refusals_are_excused(
    operation: str, status: int, body: Any, rule: bool
) -> None:
    assert (excused(operation, status, json.dumps(body).encode()) is not None) is rule
    assert excused(operation, status, b"<html>") is None
