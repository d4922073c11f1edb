"""``withdrawal-clients reddio claim``: claim on layer 1 everything Reddio lists as withdrawable.

The Ethereum key that signs (and pays the gas) is read from ``ETH_PRIVATE_KEY`` only.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._core.secret import Secret
from ..errors import InvalidInput, MissingExtra, WithdrawalClientError
from ._addresses import StarkexContract, starkex_contract_for
from ._calls import ClaimTarget
from .claim import ClaimResult, L1Claimer, NothingToClaim, PlannedClaim
from .tracking import ClaimTracker, FileClaimLog, JournalClaimLog

if TYPE_CHECKING:
    from ..reddio import ReddioClient

ETH_KEY_ENV = "ETH_PRIVATE_KEY"
log = logging.getLogger("withdrawal_clients.layer1")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rpc-url", required=True, help="an Ethereum JSON-RPC endpoint")
    parser.add_argument(
        "--contract-address",
        help="the StarkEx contract (default: Reddio's for --network, from its API or known)",
    )
    parser.add_argument("--owner", help=f"whose withdrawals (default: the {ETH_KEY_ENV} address)")
    parser.add_argument(
        "--dry-run", action="store_true", help="show each call and its pending amount only"
    )
    parser.add_argument(
        "--claim-log", help="JSON file recording each claim before it is sent (re-runs follow it)"
    )
    parser.add_argument(
        "--journal",
        help="record claims in this withdrawal journal instead (a path or postgresql:// URL)",
    )
    parser.add_argument(
        "--receipt-timeout", type=float, default=120.0, help="seconds (default 120)"
    )


def _eth_key() -> Secret[str] | None:
    value = os.environ.get(ETH_KEY_ENV, "").strip()
    return Secret(value) if value else None


def _account(key: Secret[str]) -> Any:
    from eth_account import Account

    try:
        return Account.from_key(key.reveal())
    except Exception:  # eth-account's messages may quote the key: keep them out
        raise InvalidInput(ETH_KEY_ENV, "must be a 32-byte hex private key") from None


def _contract(args: argparse.Namespace, client: ReddioClient) -> StarkexContract:
    if args.contract_address:
        return StarkexContract("given", args.contract_address, False)
    fetched: Mapping[str, str] | None = None
    fetch = getattr(client, "starkex_contracts", None)  # GET /v1/starkex/contracts
    if callable(fetch):
        try:
            fetched = fetch()
        except WithdrawalClientError as exc:
            log.warning("GET /v1/starkex/contracts failed (%s)", exc)
    return starkex_contract_for(args.network, fetched)


def _view(planned: PlannedClaim) -> dict[str, Any]:
    target = planned.target
    return {
        "asset": target.symbol or target.kind.value,
        "kind": target.kind.value,
        "asset_id": hex(target.asset_id),
        "token_id": target.token_id,
        "call": planned.call.describe(),
        "to": planned.contract,
        "data": "0x" + planned.call.data.hex(),
        "pending": planned.pending,
    }


def _result_view(result: ClaimResult) -> dict[str, Any]:
    return {
        "status": "recovered" if result.recovered else "claimed",
        "tx_hash": result.tx_hash,
        "amount": result.amount,
        "recipient": result.recipient,
        "gas_used": result.gas_used,
        "fee_wei": result.fee,
        "block_number": result.block_number,
    }


def run(
    args: argparse.Namespace, client: ReddioClient, emit: Callable[[Mapping[str, Any]], None]
) -> int:
    """Claim (or with ``--dry-run`` show) each asset Reddio lists for the owner."""
    try:
        import eth_account  # noqa: F401
        from web3 import Web3
    except ImportError:
        raise MissingExtra("claiming on layer 1", "l1") from None
    key = _eth_key()
    if key is None and not args.dry_run:
        raise InvalidInput(ETH_KEY_ENV, "set it in the environment (it is never read from argv)")
    account = None if key is None else _account(key)
    owner = args.owner or (account.address if account is not None else None)
    if owner is None:
        raise InvalidInput("owner", f"give --owner, or set {ETH_KEY_ENV}")
    contract = _contract(args, client)
    web3 = Web3(Web3.HTTPProvider(args.rpc_url, request_kwargs={"timeout": args.timeout}))
    if args.claim_log and args.journal:
        raise InvalidInput("journal", "give --claim-log or --journal, not both")
    tracker: ClaimTracker | None = FileClaimLog(args.claim_log) if args.claim_log else None
    if args.journal:
        from ..journal import Journal

        tracker = JournalClaimLog(Journal.open(args.journal))
    claimer = L1Claimer(
        web3, contract.address, tracker=tracker, receipt_timeout=args.receipt_timeout
    )
    targets = [
        ClaimTarget.from_withdrawable(a, owner=owner) for a in client.withdrawal_status(owner)
    ]
    claims = []
    for target in targets:
        view = _view(claimer.plan(target))
        if args.dry_run or account is None:  # no key: only a dry run gets here
            view["status"] = "dry run"
        else:
            try:
                view.update(_result_view(claimer.claim(target, account=account)))
            except NothingToClaim as exc:
                view.update(status="nothing pending", last_tx_hash=exc.last_tx_hash)
        claims.append(view)
    header = {
        "owner": owner,
        "starkex_contract": claimer.starkex_address,
        "contract_from": "known addresses (fallback)" if contract.fallback else contract.network,
    }
    problem = None
    if not claims and not args.dry_run:
        problem = "Reddio lists nothing withdrawable for this address"
    elif not args.dry_run and not any(c["status"] in ("claimed", "recovered") for c in claims):
        problem = "nothing pending on layer 1: already claimed, or not yet there"
    if args.json:  # one JSON document, the problem included
        emit({**header, "claims": claims, **({"problem": problem} if problem else {})})
        return 0 if problem is None else 2
    for block in (header, *claims):
        emit(block)
        print()
    if problem is not None:
        raise InvalidInput("owner", problem)
    return 0
