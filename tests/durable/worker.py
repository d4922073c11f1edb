"""A payout worker for the crash and concurrency tests: a real process making withdrawals
through a journal, which a test may SIGKILL at a chosen boundary.

    python worker.py '{"api": "reddio", "url": ..., "journal": ..., "keys": [...],
                       "kill_at": "after_sending", "recover": false}'

Prints one JSON line per key: {"key": ..., "id": <sequence id or instruction id>} or
{"key": ..., "error": "<class name>"}.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any

import httpx
from withdrawal_clients import Journal, OmniaClient, ReddioClient, WithdrawalClientError

STARK_PRIVATE_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
RECEIVER = "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def arm(journal: Journal, kill_at: str | None) -> None:
    """Replace journal methods on this instance with ones that die at the boundary."""
    hooks = {
        "before_intent": ("begin", True),
        "after_intent": ("begin", False),
        "after_signing": ("mark_sending", False),
        "before_recording_answer": ("mark_done", True),
    }
    if kill_at not in hooks:
        return
    name, before = hooks[kill_at]
    original = getattr(journal, name)

    def dying(*args: Any, **kwargs: Any) -> Any:
        if before:
            die()
        result = original(*args, **kwargs)
        die()
        return result

    setattr(journal, name, dying)


class DieAfterPost(httpx.HTTPTransport):
    """The POST reaches the server and is committed; the process dies before reading on."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "POST":
            die()
        return response


def main() -> None:
    args = json.loads(sys.argv[1])
    kill_at = args.get("kill_at")
    journal = Journal.open(args["journal"])
    arm(journal, kill_at)
    transport = DieAfterPost() if kill_at == "post_in_flight" else None
    if args["api"] == "reddio":
        client: Any = ReddioClient(
            args["url"], stark_private_key=STARK_PRIVATE_KEY, journal=journal, transport=transport
        )
    else:
        client = OmniaClient(
            args["url"], token="sandbox-token", journal=journal, transport=transport
        )
    with client:
        if args.get("recover"):
            for outcome in client.recover():
                print(json.dumps({"recovered": outcome.key, "outcome": outcome.outcome}))
        for key in args["keys"]:
            try:
                if args["api"] == "reddio":
                    result = client.withdraw_to(
                        contract_address="ETH",
                        asset_type="ETH",
                        amount="0.001",
                        receiver=RECEIVER,
                        idempotency_key=key,
                    )
                    print(json.dumps({"key": key, "id": result.sequence_id}), flush=True)
                else:
                    found = client.request_withdrawal(
                        order_source="ETHEREUM",
                        token_address=USDC,
                        amount="1.5",
                        signature="0xabcd",
                        idempotency_key=key,
                    )
                    print(json.dumps({"key": key, "id": found.instruction_id}), flush=True)
            except WithdrawalClientError as exc:
                print(json.dumps({"key": key, "error": f"{type(exc).__name__}: {exc}"}), flush=True)


if __name__ == "__main__":
    main()
