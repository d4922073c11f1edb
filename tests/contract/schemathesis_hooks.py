"""Loaded by the Schemathesis CLI (``SCHEMATHESIS_HOOKS``), not by pytest.

Registers ``positive_data_acceptance_documented``: Schemathesis's own positive-data check, minus
the answers that ``contract_exceptions.py`` excuses. Each excused answer is appended, as one
JSON line, to the file named by ``CONTRACT_EXCEPTIONS_LOG`` so that the run can report them.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

sys.path.insert(0, str(Path(__file__).resolve().parent))
from contract_exceptions import excused  # a sibling file: the CLI loads this one by path


@schemathesis.check
def positive_data_acceptance_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        operation = f"{case.operation.method.upper()} {case.operation.path}"
        rule = excused(operation, response.status_code, response.content)
        if rule is None:
            raise
        log = os.environ.get("CONTRACT_EXCEPTIONS_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(json.dumps({"operation": operation, "rule": rule}) + "\n")
        return None
