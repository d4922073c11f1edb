"""``withdrawal-clients payout run | status | recover``: payout files from a shell.

Keys and tokens come from the environment only, as for every other command. Several Reddio
senders: put their keys, comma-separated, in the same variable.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from typing import Any, TextIO

from .. import errors
from ..amounts import format_decimal
from ._rows import COLUMNS_HELP, Invalid, PayoutRow, amount_of, read_rows
from ._run import DONE, INVALID, REJECTED, UNKNOWN, PayoutOutcome, PayoutReport, Progress

REDDIO_KEY_ENV = "REDDIO_STARK_PRIVATE_KEY"
OMNIA_TOKEN_ENV = "OMNIA_TOKEN"
EXIT_INPUT = 2


def add_arguments(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """The ``payout`` command and its actions, under the main parser's ``commands``."""
    payout = commands.add_parser(
        "payout",
        help="pay a file of withdrawals exactly once (resumable)",
        description="Batch payouts through a journal: every row paid exactly once, "
        "resumable after any crash or Ctrl-C.",
    )
    actions = payout.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = actions.add_parser(
        "run",
        help="pay every row of a CSV or JSON Lines file",
        epilog=COLUMNS_HELP + " Exit codes: 0 all done, 1 some rejected or invalid, 2 bad "
        "input (nothing sent), 4 some outcomes unknown, 130 interrupted (run it again to "
        "continue).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    run.add_argument("file", help="CSV with a header row (.csv) or JSON Lines (.jsonl)")
    run.add_argument("--concurrency", type=int, default=4, help="rows (Omnia) or senders at once")
    run.add_argument("--wait", action="store_true", help="wait until each withdrawal is final")
    run.add_argument("--wait-timeout", type=float, default=600.0, help="seconds per row")
    run.add_argument("--dry-run", action="store_true", help="check every row, send nothing")
    run.set_defaults(handler=cmd_run)
    status = actions.add_parser("status", help="counts by state, rows needing attention")
    status.set_defaults(handler=cmd_status)
    recover = actions.add_parser("recover", help="settle what a crash left in flight")
    recover.set_defaults(handler=cmd_recover)
    for action, needs_journal in ((run, False), (status, True), (recover, True)):
        action.add_argument(
            "--api", choices=("reddio", "omnia"), required=action is not status, help="which API"
        )
        action.add_argument(
            "--journal",
            required=needs_journal or action is run,
            help="the journal: a file path (SQLite) or a postgresql:// URL",
        )
        common(action)


# --- clients from the environment ----------------------------------------------------------


def _clients(args: argparse.Namespace, journal: Any) -> list[Any]:
    if args.api == "reddio":
        from ..reddio import ReddioClient

        keys = [k.strip() for k in os.environ.get(REDDIO_KEY_ENV, "").split(",") if k.strip()]
        if not keys:
            raise errors.InvalidInput(REDDIO_KEY_ENV, "must be set in the environment")
        return [
            ReddioClient(
                args.base_url,
                network=args.network,
                stark_private_key=key,
                timeout=args.timeout,
                journal=journal,
                cache_lookups=True,
            )
            for key in keys
        ]
    from ..omnia import OmniaClient

    token = os.environ.get(OMNIA_TOKEN_ENV, "").strip()
    if not token:
        raise errors.InvalidInput(OMNIA_TOKEN_ENV, "must be set in the environment")
    return [
        OmniaClient(
            args.base_url,
            environment=args.environment,
            token=token,
            timeout=args.timeout,
            journal=journal,
        )
    ]


@contextmanager
def _opened(args: argparse.Namespace, *, journal_needed: bool) -> Iterator[tuple[Any, list[Any]]]:
    from ..journal import Journal

    with ExitStack() as stack:
        journal = None
        if args.journal:
            journal = stack.enter_context(Journal.open(args.journal))
        elif journal_needed:
            raise errors.InvalidInput("journal", "is required")
        clients = _clients(args, journal) if args.api else []
        for client in clients:
            stack.enter_context(client)
        yield journal, clients


# --- run ------------------------------------------------------------------------------------


class Display:
    """A progress bar on a terminal (with the [cli] extra), plain lines otherwise; nothing
    but the final report under --json."""

    def __init__(self, total: int, *, as_json: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.as_json = as_json
        self.bar: Any = None
        if not as_json and self.stream.isatty():
            try:
                from tqdm import tqdm
            except ImportError:
                pass  # plain lines: the bar is an extra
            else:
                # A terminal that reports no size (0 x 0) would hide the bar: assume 100 x 24.
                size = shutil.get_terminal_size((100, 24))
                self.bar = tqdm(
                    total=total,
                    unit="row",
                    file=self.stream,
                    ncols=size.columns or 100,
                    nrows=size.lines or 24,
                )

    def update(self, progress: Progress) -> None:
        latest = progress.latest
        if self.bar is not None:
            counts = progress.counts
            self.bar.set_postfix(
                done=counts.get(DONE, 0),
                failed=counts.get(REJECTED, 0) + counts.get(INVALID, 0),
                unknown=counts.get(UNKNOWN, 0),
                refresh=False,
            )
            self.bar.update(1)
        elif not self.as_json:
            print(_line(latest), file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _line(outcome: PayoutOutcome) -> str:
    detail = outcome.reference or outcome.reason or f"{outcome.field}: {outcome.rule}"
    again = " (paid before)" if outcome.resumed else ""
    return f"row {outcome.line} {outcome.id}: {outcome.status} {detail}{again}"


def cmd_run(args: argparse.Namespace) -> int:
    rows = read_rows(args.file, args.api)
    if args.dry_run:
        return _dry_run(args, rows)
    from ._run import run_payouts

    stop = threading.Event()
    with _opened(args, journal_needed=True) as (_journal, clients), _stopping(stop, args):
        display = Display(len(rows), as_json=args.json)
        try:
            report = run_payouts(
                rows,
                clients,
                concurrency=args.concurrency,
                wait=args.wait,
                wait_timeout=args.wait_timeout,
                progress=display.update,
                stop=stop,
            )
        finally:
            display.close()
    _summary(args, report)
    return report.exit_code


@contextmanager
def _stopping(stop: threading.Event, args: argparse.Namespace) -> Iterator[None]:
    """The first Ctrl-C stops taking rows (rows in flight finish and reach the journal)."""

    def first(signum: int, frame: Any) -> None:
        stop.set()
        if not args.json:
            print("stopping: rows in flight finish; run again to continue", file=sys.stderr)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _summary(args: argparse.Namespace, report: PayoutReport) -> None:
    if args.json:
        print(json.dumps(report.to_dict(), sort_keys=True))
        return
    counts = report.counts
    print(
        f"done {counts[DONE]}, rejected {counts[REJECTED]}, unknown {counts[UNKNOWN]}, "
        f"invalid {counts[INVALID]}" + (" (interrupted)" if report.interrupted else "")
    )
    for outcome in report.outcomes:
        if outcome.status != DONE:
            print("  " + _line(outcome))
            if outcome.how_to_finish:
                print(f"    to finish: {outcome.how_to_finish}")


def _dry_run(args: argparse.Namespace, rows: Sequence[PayoutRow | Invalid]) -> int:
    """Every row checked (Reddio amounts against the contract's quantum: GETs only), and what
    would be paid per asset, with totals. Nothing is sent."""
    invalid: list[dict[str, Any]] = [
        {"row": r.line, "id": r.id, "field": r.field, "rule": r.rule}
        for r in rows
        if isinstance(r, Invalid)
    ]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    valid = [r for r in rows if isinstance(r, PayoutRow)]
    with _opened(args, journal_needed=False) as (_journal, clients):
        for row in valid:
            try:
                asset = _check_quantum(row, clients) if args.api == "reddio" else _omnia_asset(row)
            except errors.InvalidInput as exc:
                invalid.append(
                    {"row": row.line, "id": row.id, "field": exc.field, "rule": exc.rule}
                )
                continue
            totals[asset] += amount_of(row)
            counts[asset] += 1
    per_asset = {
        asset: {"rows": counts[asset], "total": format_decimal(total)}
        for asset, total in sorted(totals.items())
    }
    if args.json:
        print(json.dumps({"would_pay": per_asset, "invalid": invalid}, sort_keys=True))
    else:
        for asset, view in per_asset.items():
            print(f"would pay {view['total']} {asset} in {view['rows']} row(s)")
        for problem in invalid:
            print(f"row {problem['row']} {problem['id']}: {problem['field']}: {problem['rule']}")
        print("nothing was sent (dry run)")
    return EXIT_INPUT if invalid else 0


def _check_quantum(row: PayoutRow, clients: list[Any]) -> str:
    from ..amounts import quantize

    contract, kind = row.get("contract_address"), row.get("asset_type", "ETH").upper()
    if kind in ("ETH", "ERC20"):
        info = clients[0].contract_info(contract, kind)
        quantize(amount_of(row), info.decimals, info.quantum)
    return f"{kind} {contract}" if kind != "ETH" else "ETH"


def _omnia_asset(row: PayoutRow) -> str:
    return f"{row.get('token_address')} on {row.get('order_source')}"


# --- status and recover --------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    from ..journal import State

    with _opened(args, journal_needed=True) as (journal, _clients):
        counts = journal.counts(api=args.api)
        attention = journal.entries(api=args.api, states=[State.PENDING, State.SENDING])
    view: dict[str, Any] = {
        "counts": {str(state): n for state, n in counts.items()},
        "in_flight": [
            {
                "api": e.api,
                "key": e.key,
                "state": str(e.state),
                "updated_at": e.updated_at.isoformat(),
                "error": e.error,
            }
            for e in attention
        ],
    }
    if args.json:
        print(json.dumps(view, sort_keys=True))
    else:
        print(", ".join(f"{state} {n}" for state, n in view["counts"].items()))
        for entry in view["in_flight"]:
            note = f" ({entry['error']})" if entry["error"] else ""
            since = f"{entry['state']} since {entry['updated_at']}"
            print(f"  {entry['api']} {entry['key']}: {since}{note}")
        if attention:
            command = f"withdrawal-clients payout recover --api API --journal {args.journal}"
            print(f"settle them with: {command}")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    outcomes = []
    with _opened(args, journal_needed=True) as (_journal, clients):
        for client in clients:
            outcomes.extend(client.recover())
    views = [
        {"key": o.key, "outcome": o.outcome, "error": o.error, "reference": _reference(o.result)}
        for o in outcomes
    ]
    if args.json:
        print(json.dumps(views, sort_keys=True))
    else:
        for view in views:
            print(f"{view['key']}: {view['outcome']} {view['reference'] or view['error'] or ''}")
        print(f"{len(views)} entr{'y' if len(views) == 1 else 'ies'} settled or checked")
    kinds = {o.outcome for o in outcomes}
    return 4 if "unknown" in kinds else 1 if "failed" in kinds else 0


def _reference(result: Any) -> str | None:
    if result is None:
        return None
    return str(getattr(result, "sequence_id", None) or getattr(result, "instruction_id", ""))
