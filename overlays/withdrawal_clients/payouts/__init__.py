"""Batch payouts: a file of withdrawals in, every one made exactly once, resumable after any
crash (it rests on the clients' journal).

>>> rows = read_rows("payouts.csv", "reddio")                       # doctest: +SKIP
>>> report = run_payouts(rows, [reddio_client], progress=print)    # doctest: +SKIP
>>> report.counts, report.exit_code                                # doctest: +SKIP
"""

from ._rows import COLUMNS_HELP, Invalid, PayoutRow, check_rows, read_rows
from ._run import PayoutOutcome, PayoutReport, Progress, arun_payouts, run_payouts

__all__ = [
    "COLUMNS_HELP",
    "Invalid",
    "PayoutOutcome",
    "PayoutReport",
    "PayoutRow",
    "Progress",
    "arun_payouts",
    "check_rows",
    "read_rows",
    "run_payouts",
]
