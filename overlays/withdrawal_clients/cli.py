"""The ``withdrawal-clients`` command: a local sandbox, a demo, and both APIs from the shell.

Secrets come from the environment only, never from arguments (which other users of the
machine can see): ``REDDIO_STARK_PRIVATE_KEY``, ``OMNIA_TOKEN`` and ``ETH_PRIVATE_KEY``.

Exit codes: 0 success; 1 the withdrawal failed (rejected, or a failed record status);
2 bad input; 3 the API refused the request; 4 the outcome is unknown (no answer, or still
pending when the wait ran out); 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import itertools
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from . import __version__, errors
from .layer1._cli import ETH_KEY_ENV
from .layer1._cli import add_arguments as claim_arguments
from .payouts._cli import add_arguments as payout_arguments

if TYPE_CHECKING:
    from .omnia import OmniaClient, Withdrawal
    from .reddio import Record, ReddioClient

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_API, EXIT_UNKNOWN, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
REDDIO_KEY_ENV = "REDDIO_STARK_PRIVATE_KEY"
OMNIA_TOKEN_ENV = "OMNIA_TOKEN"
PROG = "withdrawal-clients"
MAX_SECONDS = 1e9  # about 31 years: anything longer is a typo


class UsageError(Exception):
    """Bad command-line input found after parsing (e.g. a missing environment variable)."""


# --- output ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-ready copy: Decimals as strings, statuses as ints, attrs classes as dicts."""
    if attrs.has(type(value)):
        return {
            k: _plain(v)
            for k, v in attrs.asdict(value, recurse=False).items()
            if k not in ("raw", "extra")
        }
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    return value


def _emit(args: argparse.Namespace, data: Mapping[str, Any]) -> None:
    """One JSON object with --json, else aligned ``key  value`` lines."""
    if args.json:
        print(json.dumps(_plain(data), sort_keys=True))
        return
    width = max(map(len, data), default=0)
    for key, value in data.items():
        if value is not None:
            shown = json.dumps(_plain(value)) if isinstance(value, Mapping) else _plain(value)
            print(f"{key:<{width}}  {shown}")


def _record_view(record: Record) -> dict[str, Any]:
    return {
        "sequence_id": record.sequence_id,
        "status": int(record.status),
        "status_name": record.status.name,
        "accepted": record.is_accepted,
        "final": record.is_final,
        "record_type": record.record_type,
        "stark_key": record.stark_key,
        "amount": record.amount,
        "asset_id": record.asset_id,
        "contract_address": record.contract_address,
        "token_id": record.token_id,
        "time": record.time,
    }


def _withdrawal_view(withdrawal: Withdrawal) -> dict[str, Any]:
    return {**_plain(withdrawal), "final": withdrawal.is_final, "success": withdrawal.is_success}


class Progress:
    """A spinner on stderr while a client sleeps between polls; silent when not a TTY.

    It is handed to the clients as their ``sleep`` function, so it runs exactly while they
    wait and needs no thread of its own.
    """

    def __init__(self, what: str = "waiting", stream: TextIO | None = None) -> None:
        self.what = what
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.shown = False
        self.started = 0.0  # when the spinner line was first drawn
        self._frames = itertools.cycle("|/-\\")

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.enabled:
                if not self.shown:
                    self.shown, self.started = True, time.monotonic()
                elapsed = time.monotonic() - self.started
                self.stream.write(f"\r{next(self._frames)} {self.what} ({elapsed:.0f} s) ")
                self.stream.flush()
            time.sleep(min(left, 0.1))

    def done(self) -> None:
        """Clear the spinner line, if one was drawn."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


# --- clients from arguments and environment ----------------------------------------------------


def _env(name: str, purpose: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise UsageError(f"set {name} in the environment ({purpose}); it is never read from argv")
    return value


def _reddio(args: argparse.Namespace, *, key_needed: bool) -> ReddioClient:
    from .reddio import ReddioClient

    key = os.environ.get(REDDIO_KEY_ENV, "").strip() or None
    if key_needed and key is None:
        _env(REDDIO_KEY_ENV, "the stark private key that signs")
    return ReddioClient(
        args.base_url,
        network=args.network,
        stark_private_key=key,
        timeout=args.timeout,
        sleep=args.progress.sleep,
    )


def _omnia(args: argparse.Namespace) -> OmniaClient:
    from .omnia import OmniaClient

    token = _env(OMNIA_TOKEN_ENV, "the Omnia JWT")
    return OmniaClient(
        args.base_url,
        environment=args.environment,
        token=token,
        timeout=args.timeout,
        sleep=args.progress.sleep,
    )


def _stark_key_for_reads(args: argparse.Namespace, client: ReddioClient) -> str:
    key = args.stark_key or client.stark_key
    if key is None:
        raise UsageError(f"give --stark-key, or set {REDDIO_KEY_ENV} to use its stark key")
    return key


# --- reddio ------------------------------------------------------------------------------------


def _until(args: argparse.Namespace) -> Callable[[Record], bool] | None:
    if args.until == "accepted":
        return lambda record: record.is_accepted or record.is_failed
    return None  # the client's default: final (failed, or accepted on layer 1)


def _wait_record(args: argparse.Namespace, client: ReddioClient, sequence_id: int) -> Record:
    record = client.wait_for_record(
        sequence_id,
        timeout=args.wait_timeout,
        poll_interval=args.poll_interval,
        stark_key=_stark_key_for_reads(args, client),
        until=_until(args),
    )
    args.progress.done()
    return record


def _check_accepted(record: Record) -> int:
    """After the record was shown: a failed one is a failed withdrawal (exit 1, one line)."""
    if not record.is_accepted:
        raise errors.WithdrawalRejected(
            f"record {record.sequence_id} ended as {int(record.status)} {record.status.name}"
        )
    return EXIT_OK


def cmd_reddio_withdraw_to(args: argparse.Namespace) -> int:
    with _reddio(args, key_needed=True) as client:
        result = client.withdraw_to(
            contract_address=args.contract_address,
            asset_type=args.asset_type,
            amount=args.amount,
            receiver=args.receiver,
            token_id=args.token_id,
            expiration_timestamp=args.expiration_timestamp,
            quantized=args.quantized,
        )
        view: dict[str, Any] = {
            "sequence_id": result.sequence_id,
            "msg_hash": None if result.msg_hash is None else hex(result.msg_hash),
            "body": result.body,
        }
        record = _wait_record(args, client, result.sequence_id) if args.wait else None
    if record is not None:
        view["record"] = _record_view(record)
    _emit(args, view)
    return EXIT_OK if record is None else _check_accepted(record)


def cmd_reddio_lookup(args: argparse.Namespace) -> int:
    with _reddio(args, key_needed=False) as client:
        record = client.record_by_signature(args.r, args.s)
    if record is None:
        _emit(args, {"found": False})
        return EXIT_FAILED
    _emit(args, {"found": True, "record": _record_view(record)})
    return EXIT_OK


def cmd_reddio_resubmit(args: argparse.Namespace) -> int:
    from .reddio import signed_from_body

    try:
        with open(args.file, encoding="utf-8") as saved:
            body = json.load(saved)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{args.file}: cannot be read as JSON ({type(exc).__name__})") from None
    signed = signed_from_body(body)
    with _reddio(args, key_needed=False) as client:
        result = client.submit_withdrawal_to(signed, maybe_sent=True)
    _emit(args, {"sequence_id": result.sequence_id, "msg_hash": hex(signed.msg_hash)})
    return EXIT_OK


def cmd_reddio_claim(args: argparse.Namespace) -> int:
    from .layer1 import _cli

    with _reddio(args, key_needed=False) as client:
        return _cli.run(args, client, lambda view: _emit(args, view))


def cmd_reddio_record(args: argparse.Namespace) -> int:
    with _reddio(args, key_needed=False) as client:
        key = _stark_key_for_reads(args, client)
        _emit(args, _record_view(client.get_record(args.sequence_id, stark_key=key)))
    return EXIT_OK


def cmd_reddio_wait(args: argparse.Namespace) -> int:
    with _reddio(args, key_needed=False) as client:
        record = _wait_record(args, client, args.sequence_id)
    _emit(args, _record_view(record))
    return _check_accepted(record)


# --- omnia -------------------------------------------------------------------------------------


def _wait_withdrawal(args: argparse.Namespace, client: OmniaClient, instruction_id: str) -> int:
    withdrawal = client.wait_for_withdrawal(
        instruction_id, timeout=args.wait_timeout, poll_interval=args.poll_interval
    )
    args.progress.done()
    _emit(args, _withdrawal_view(withdrawal))
    return EXIT_OK


def cmd_omnia_withdraw(args: argparse.Namespace) -> int:
    from datetime import timedelta

    with _omnia(args) as client:
        withdrawal = client.request_withdrawal(
            order_source=args.order_source,
            token_address=args.token_address,
            amount=args.amount,
            signature=args.signature,
            instruction_id=args.instruction_id,
            deadline=timedelta(seconds=args.deadline_in),
        )
        if args.wait:  # raises WithdrawalRejected when it fails
            return _wait_withdrawal(args, client, withdrawal.instruction_id)
    _emit(args, _withdrawal_view(withdrawal))
    if withdrawal.is_rejected:
        raise errors.WithdrawalRejected(
            f"withdrawal {withdrawal.instruction_id!r} was rejected",
            reason=withdrawal.rejection_reason or withdrawal.status,
        )
    return EXIT_OK


def cmd_omnia_status(args: argparse.Namespace) -> int:
    with _omnia(args) as client:
        _emit(args, _withdrawal_view(client.get_withdrawal(args.instruction_id)))
    return EXIT_OK


def cmd_omnia_wait(args: argparse.Namespace) -> int:
    with _omnia(args) as client:
        return _wait_withdrawal(args, client, args.instruction_id)


# --- sandbox and demo --------------------------------------------------------------------------


def _need_sandbox_extra() -> None:
    if not all(importlib.util.find_spec(name) for name in ("starlette", "uvicorn")):
        raise errors.MissingExtra("the sandbox", "sandbox")


def cmd_sandbox(args: argparse.Namespace) -> int:
    _need_sandbox_extra()
    from .sandbox import DEFAULT_OMNIA_TOKEN, Sandbox, SandboxConfig
    from .sandbox._l1 import STARKEX_ADDRESS

    tokens = frozenset(args.omnia_token or [DEFAULT_OMNIA_TOKEN])
    sandbox = Sandbox(SandboxConfig(omnia_tokens=tokens))
    try:
        with contextlib.ExitStack() as stack:
            try:
                served = stack.enter_context(sandbox.serve(host=args.host, port=args.port))
            except OSError as exc:
                where = f"{args.host}:{args.port}"
                raise UsageError(f"cannot listen on {where}: {exc.strerror}") from None
            print(f"Reddio   {served.reddio_url}")
            print(f"Omnia    {served.omnia_url}")
            for token in sorted(tokens):
                print(f"Omnia accepts the Bearer token: {token}")
            print(f"Layer 1  {served.l1_url}  (Ethereum JSON-RPC, StarkEx {STARKEX_ADDRESS})")
            print(f"Faults   {served.base_url}/_sandbox/faults  (Ctrl-C stops it)", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:  # Ctrl-C is how a sandbox is stopped: not an error
        pass
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    _need_sandbox_extra()
    from .sandbox._demo import run

    def out(line: str) -> None:
        args.progress.done()  # a step's line replaces the spinner
        print(line, flush=True)

    return run(out, args.progress.sleep)


# --- errors and the parser ---------------------------------------------------------------------


def _exit_code(exc: BaseException) -> tuple[int, str]:
    """The exit code for an error, and a one-line label for it."""
    checks: list[tuple[type[BaseException] | tuple[type[BaseException], ...], int, str]] = [
        (errors.MissingExtra, EXIT_INPUT, "missing extra"),
        ((UsageError, errors.InvalidInput), EXIT_INPUT, "invalid input"),
        (errors.WithdrawalRejected, EXIT_FAILED, "withdrawal failed"),
        (errors.OutcomeUnknown, EXIT_UNKNOWN, "outcome unknown"),
        (errors.WaitTimeout, EXIT_UNKNOWN, "still pending"),
        (errors.TransportError, EXIT_UNKNOWN, "no answer"),
        (errors.ApiError, EXIT_API, "API error"),
    ]
    for kinds, code, label in checks:
        if isinstance(exc, kinds):
            return code, label
    return EXIT_FAILED, "error"


def _seconds(text: str) -> float:
    """An argparse type: a positive, finite number of seconds (no NaN, no inf)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < MAX_SECONDS:  # False for NaN too
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, < {MAX_SECONDS:g}")
    return value


def _whole_seconds(text: str) -> int:
    """An argparse type: a whole number of seconds (checked again by the client)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number of seconds") from None
    if not -MAX_SECONDS < value < MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be below {MAX_SECONDS:g} seconds")
    return value


def _add_common(parser: argparse.ArgumentParser, *, api: str) -> None:
    parser.add_argument("--base-url", help="the API's base URL (wins over the named server)")
    if api == "reddio":
        parser.add_argument(
            "--network", default="testnet", choices=("testnet", "mainnet", "sepolia")
        )
    else:
        parser.add_argument("--environment", default="demo", choices=("demo", "production"))
    parser.add_argument("--timeout", type=_seconds, default=30.0, help="seconds per network wait")


def _add_wait(parser: argparse.ArgumentParser, *, optional: bool, reddio: bool = False) -> None:
    if optional:
        parser.add_argument("--wait", action="store_true", help="then wait until it is final")
    if reddio:
        parser.add_argument(
            "--until",
            choices=("final", "accepted"),
            default="final",
            help="final: accepted on layer 1, or failed; accepted: any acceptance",
        )
    parser.add_argument("--wait-timeout", type=_seconds, default=600.0, help="seconds")
    parser.add_argument("--poll-interval", type=_seconds, default=2.0, help="seconds")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Exactly-once withdrawals on Reddio and Omnia, and a local sandbox of both.",
        epilog=(
            f"Secrets are read from the environment only: {REDDIO_KEY_ENV}, {OMNIA_TOKEN_ENV}, "
            f"{ETH_KEY_ENV}. "
            "Exit codes: 0 ok, 1 withdrawal failed, 2 bad input or a missing extra, 3 API "
            "error, 4 outcome unknown (the message says how to finish), 130 interrupted."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.set_defaults(json=False, verbose=0)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sandbox = commands.add_parser("sandbox", help="serve both APIs locally until Ctrl-C")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    sandbox.add_argument(
        "--omnia-token", action="append", help="a Bearer token to accept (repeatable)"
    )
    sandbox.set_defaults(handler=cmd_sandbox)

    demo = commands.add_parser("demo", help="a complete withdrawal on both APIs, on a sandbox")
    demo.set_defaults(handler=cmd_demo)

    reddio = commands.add_parser("reddio", help="Reddio layer-2 withdrawals").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    withdraw_to = reddio.add_parser("withdraw-to", help="sign and submit a withdrawalto")
    withdraw_to.add_argument("--contract-address", required=True, help="0x address, or ETH")
    withdraw_to.add_argument("--asset-type", required=True, help="ETH, ERC20, ERC721, ...")
    withdraw_to.add_argument("--amount", required=True, help="human amount, e.g. 0.25")
    withdraw_to.add_argument("--receiver", required=True, help="Ethereum address or stark key")
    withdraw_to.add_argument("--token-id", help="for NFTs")
    withdraw_to.add_argument(
        "--quantized", action="store_true", help="the amount is already quantized"
    )
    withdraw_to.add_argument(
        "--expiration-timestamp", type=int, default=2**22 - 1, help="HOURS since the epoch"
    )
    _add_wait(withdraw_to, optional=True, reddio=True)
    withdraw_to.set_defaults(handler=cmd_reddio_withdraw_to, stark_key=None)
    claim = reddio.add_parser("claim", help="claim on layer 1 what withdrawals left there")
    claim_arguments(claim)
    claim.set_defaults(handler=cmd_reddio_claim)
    for name, handler, text in (
        ("record", cmd_reddio_record, "show a record"),
        ("wait", cmd_reddio_wait, "wait until a record is final"),
    ):
        read = reddio.add_parser(name, help=text)
        read.add_argument("sequence_id", type=int)
        read.add_argument("--stark-key", help=f"the sender (default: from {REDDIO_KEY_ENV})")
        if name == "wait":
            _add_wait(read, optional=False, reddio=True)
        read.set_defaults(handler=handler)
    lookup = reddio.add_parser("lookup", help="find the record a signature produced")
    lookup.add_argument("--r", required=True, help="the signature's r (0x-hex)")
    lookup.add_argument("--s", required=True, help="the signature's s (0x-hex)")
    lookup.set_defaults(handler=cmd_reddio_lookup)
    resubmit = reddio.add_parser(
        "resubmit", help="post a saved signed withdrawalto body exactly once (looked up first)"
    )
    resubmit.add_argument("file", help="the JSON body an unknown outcome printed")
    resubmit.set_defaults(handler=cmd_reddio_resubmit)
    for sub in (
        withdraw_to,
        claim,
        lookup,
        resubmit,
        *(reddio.choices[n] for n in ("record", "wait")),
    ):
        _add_common(sub, api="reddio")

    omnia = commands.add_parser("omnia", help="Omnia Exchange DTW withdrawals").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    withdraw = omnia.add_parser("withdraw", help="request a withdrawal")
    withdraw.add_argument("--order-source", required=True, help="ETHEREUM, POLYGON, ...")
    withdraw.add_argument("--token-address", required=True)
    withdraw.add_argument("--amount", required=True, help="whole tokens, e.g. 5.67")
    withdraw.add_argument("--signature", required=True, help="the depositor's 0x signature")
    withdraw.add_argument("--instruction-id", help="default: a new UUID")
    withdraw.add_argument(
        "--deadline-in", type=_whole_seconds, default=300, help="seconds from now"
    )
    _add_wait(withdraw, optional=True)
    withdraw.set_defaults(handler=cmd_omnia_withdraw)
    status = omnia.add_parser("status", help="show a withdrawal")
    status.add_argument("instruction_id")
    status.set_defaults(handler=cmd_omnia_status)
    wait = omnia.add_parser("wait", help="wait until a withdrawal is final")
    wait.add_argument("instruction_id")
    _add_wait(wait, optional=False)
    wait.set_defaults(handler=cmd_omnia_wait)
    for sub in (withdraw, status, wait):
        _add_common(sub, api="omnia")

    def payout_common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--base-url", help="the API's base URL (wins over the named server)")
        sub.add_argument("--network", default="testnet", choices=("testnet", "mainnet", "sepolia"))
        sub.add_argument("--environment", default="demo", choices=("demo", "production"))
        sub.add_argument("--timeout", type=float, default=30.0, help="seconds per HTTP request")

    payout_arguments(commands, payout_common)
    _everywhere(parser)
    return parser


def _everywhere(parser: argparse.ArgumentParser, *, top: bool = True) -> None:
    """Global options work before or after a subcommand, and every --help shows defaults.

    Subcommands get ``--json`` and ``-v`` with no default of their own, so a value given
    before the subcommand is not reset by the subcommand's parser."""
    parser.formatter_class = argparse.ArgumentDefaultsHelpFormatter
    default: Any = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--json",
        action="store_true",
        default=False if top else default,
        help="machine-readable output, errors included",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if top else default,
        help="log to stderr (-v info, -vv debug)",
    )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                _everywhere(sub, top=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.verbose:
        from ._core.logs import ENV_VAR, apply_switch

        apply_switch({ENV_VAR: "info" if args.verbose == 1 else "debug"})
    args.progress = Progress()  # every pause of a client shows on a terminal
    details: dict[str, Any] = {}
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        code, label, message = EXIT_INTERRUPTED, "interrupted", "stopped"
    except (UsageError, errors.WithdrawalClientError) as exc:
        code, label = _exit_code(exc)
        message = " ".join(str(exc).split())  # one line, whatever the message holds
        details = _details(exc)
    else:
        return code
    finally:
        args.progress.done()
    if args.json:
        print(
            json.dumps(_plain({"error": label, "message": message, "exit_code": code, **details}))
        )
    else:
        print(f"{PROG}: {label}: {message}", file=sys.stderr)
        if "finish" in details:
            print(f"to finish: {details['finish']}", file=sys.stderr)
            if details.get("request_body"):
                print(json.dumps(_plain(details["request_body"]), sort_keys=True), file=sys.stderr)
    return code


def _details(exc: BaseException) -> dict[str, Any]:
    """What an error adds to its one line: the field and rule of bad input, the API's code,
    and for an unknown outcome the CLI commands that settle it and the body they need."""
    if isinstance(exc, errors.InvalidInput):
        return {"field": exc.field, "rule": exc.rule}
    if isinstance(exc, errors.ApiError):
        shown = {"code": exc.code, "http_status": exc.http_status, "request_id": exc.request_id}
        return {k: v for k, v in shown.items() if v is not None}
    if not isinstance(exc, errors.OutcomeUnknown) or not exc.request_body:
        return {}
    body = exc.request_body
    if "instructionId" in body:
        iid = body["instructionId"]
        finish = (
            f"withdrawal-clients omnia status {iid}; only if that exits 3 with NotFound, run the "
            f"same 'omnia withdraw' again with --instruction-id {iid} and the same --signature"
        )
    elif isinstance(body.get("signature"), Mapping):
        signature = body["signature"]
        finish = (
            f"withdrawal-clients reddio lookup --r {signature['r']} --s {signature['s']}; if it "
            "finds no record, save the body below to a file and run "
            "'withdrawal-clients reddio resubmit FILE' (it looks up again before sending)"
        )
    else:
        finish = "look for it in the stark key's records before sending anything again"
    return {"finish": finish, "request_body": body}


if __name__ == "__main__":
    sys.exit(main())
