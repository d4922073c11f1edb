"""Running a batch: every row through a client with a journal, exactly once, with progress.

Rows run in *lanes*: one lane per sending stark key for Reddio (one sender's withdrawals take
nonces in turn), and ``concurrency`` lanes for Omnia. Lanes run side by side, rows of a lane
one after another; a stop request is honoured between rows, so a row in flight always reaches
the journal. What a row's call means (its arguments, its outcome) is written once here for the
sync and the async runner, which differ only in how they run lanes.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs

from .. import errors
from ..omnia import AsyncOmniaClient, OmniaClient
from ..reddio import AsyncReddioClient, ReddioClient
from ._rows import Invalid, PayoutRow

DONE, REJECTED, UNKNOWN, INVALID = "done", "rejected", "unknown", "invalid"
VAULT_CHUNK = 50  # receivers per prefetched vault lookup
Client = ReddioClient | OmniaClient
AsyncClient = AsyncReddioClient | AsyncOmniaClient


@attrs.frozen
class PayoutOutcome:
    """What became of one row.

    ``reference`` is the sequence id (Reddio) or instruction id (Omnia) of a done row;
    ``reason`` why a row was rejected or is unknown; ``field`` and ``rule`` what an invalid
    row broke; ``how_to_finish`` what settles an unknown one. ``resumed``: an earlier run had
    already paid it, so it was reported, not sent.
    """

    line: int
    id: str
    status: str
    reference: str | None = None
    reason: str | None = None
    field: str | None = None
    rule: str | None = None
    how_to_finish: str | None = None
    resumed: bool = False


@attrs.frozen
class Progress:
    """Counts so far, handed to the progress callback after every row."""

    total: int
    counts: Mapping[str, int]
    latest: PayoutOutcome

    @property
    def finished(self) -> int:
        return sum(self.counts.values())


@attrs.frozen
class PayoutReport:
    """Every row's outcome, in file order; ``interrupted`` when a stop request left rows."""

    outcomes: tuple[PayoutOutcome, ...]
    interrupted: bool = False

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(outcome.status for outcome in self.outcomes)
        return {status: found[status] for status in (DONE, REJECTED, UNKNOWN, INVALID)}

    @property
    def exit_code(self) -> int:
        """0 all done; 1 some rejected or invalid; 4 some unknown; 130 interrupted."""
        counts = self.counts
        if self.interrupted:
            return 130
        if counts[UNKNOWN]:
            return 4
        return 1 if counts[REJECTED] or counts[INVALID] else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "interrupted": self.interrupted,
            "rows": [
                {k: v for k, v in attrs.asdict(o).items() if v is not None and v is not False}
                for o in self.outcomes
            ],
        }


# --- what a row's call is, and what its end means (shared by both runners) ---------------


def _invalid(row: PayoutRow | Invalid, exc: errors.InvalidInput) -> PayoutOutcome:
    return PayoutOutcome(row.line, row.id, INVALID, field=exc.field, rule=exc.rule)


def outcome_of_error(row: PayoutRow, exc: errors.WithdrawalClientError) -> PayoutOutcome:
    """The outcome a row's error stands for; nothing else is caught."""
    if isinstance(exc, errors.InvalidInput):
        return _invalid(row, exc)
    if isinstance(exc, errors.OutcomeUnknown):
        return PayoutOutcome(
            row.line,
            row.id,
            UNKNOWN,
            reason=str(exc).split("; ")[0],
            how_to_finish=exc.how_to_check,
        )
    if isinstance(exc, errors.TransportError | errors.RateLimited | errors.ServerError):
        return PayoutOutcome(
            row.line,
            row.id,
            UNKNOWN,
            reason=f"not settled: {' '.join(str(exc).split())}",
            how_to_finish="run the same payout file again: the row is sent again only if "
            "the API does not know it",
        )
    reason = getattr(exc, "reason", None) or " ".join(str(exc).split())
    return PayoutOutcome(row.line, row.id, REJECTED, reason=reason)


def call_for(row: PayoutRow) -> tuple[str, dict[str, Any]]:
    """The client method and arguments that pay ``row``."""
    if "contract_address" in row.values:
        return "withdraw_to", {
            "contract_address": row.get("contract_address"),
            "asset_type": row.get("asset_type", "ETH"),
            "amount": row.get("amount"),
            "receiver": row.get("receiver"),
            "token_id": row.get("token_id") or None,
            "idempotency_key": row.id,
        }
    from datetime import timedelta

    return "request_withdrawal", {
        "order_source": row.get("order_source"),
        "token_address": row.get("token_address"),
        "amount": row.get("amount"),
        "signature": row.get("signature"),
        "deadline": timedelta(seconds=int(row.get("deadline_in", "300"))),
        "idempotency_key": row.id,
    }


def reference_of(result: Any) -> str:
    return str(getattr(result, "sequence_id", None) or result.instruction_id)


def wait_for(result: Any, timeout: float) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    """The wait call for a paid row: until the record or withdrawal is final."""
    if hasattr(result, "sequence_id"):
        return "wait_for_record", (result.sequence_id,), {"timeout": timeout}
    return "wait_for_withdrawal", (result.instruction_id,), {"timeout": timeout}


def waited_outcome(row: PayoutRow, reference: str, final: Any) -> PayoutOutcome:
    if getattr(final, "is_failed", False):  # a Reddio record that ended failed
        return PayoutOutcome(row.line, row.id, REJECTED, reference, reason=final.status.name)
    return PayoutOutcome(row.line, row.id, DONE, reference)


def _was_done(client: Any, row: PayoutRow) -> bool:
    from ..journal import State

    api = "reddio" if isinstance(client, ReddioClient | AsyncReddioClient) else "omnia"
    entry = client.journal.get(api, row.id)
    return entry is not None and entry.state == State.DONE


def lanes(
    rows: Sequence[PayoutRow], clients: Sequence[Any], concurrency: int
) -> tuple[list[list[tuple[PayoutRow, Any]]], list[PayoutOutcome]]:
    """Rows grouped into lanes with their client, and the rows no client can pay."""
    lanes_: dict[object, list[tuple[PayoutRow, Any]]] = {}
    refused: list[PayoutOutcome] = []
    by_key = {getattr(client, "stark_key", None): client for client in clients}
    for index, row in enumerate(rows):
        if isinstance(clients[0], ReddioClient | AsyncReddioClient):
            sender = row.get("sender").lower() or None
            if sender is None and len(clients) > 1:
                exc = errors.InvalidInput("sender", "is required when several senders are set")
                refused.append(_invalid(row, exc))
                continue
            client = clients[0] if sender is None else by_key.get(sender)
            if client is None:
                refused.append(_invalid(row, errors.InvalidInput("sender", "has no key set")))
                continue
            lane: object = client.stark_key
        else:
            client, lane = clients[0], index % concurrency
        lanes_.setdefault(lane, []).append((row, client))
    return list(lanes_.values()), refused


def check_clients(clients: Client | AsyncClient | Sequence[Any], concurrency: int) -> list[Any]:
    listed = list(clients) if isinstance(clients, Sequence) else [clients]
    if not listed:
        raise errors.InvalidInput("clients", "give at least one client")
    kinds = {type(client) for client in listed}
    if len(kinds) > 1:
        raise errors.InvalidInput("clients", "must all be of one kind")
    if isinstance(listed[0], OmniaClient | AsyncOmniaClient) and len(listed) > 1:
        raise errors.InvalidInput("clients", "takes one Omnia client")
    if any(getattr(client, "journal", None) is None for client in listed):
        raise errors.InvalidInput("clients", "each needs a journal: exactly once rests on it")
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise errors.InvalidInput("concurrency", "must be an int of 1 or more")
    return listed


def prefetch_plan(rows: Sequence[PayoutRow]) -> dict[tuple[str, str], list[str]]:
    """Receivers of fungible rows per (contract, kind): their vault ids can be asked for in a
    few lookups instead of one per row."""
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        kind = row.get("asset_type", "ETH").upper()
        if kind in ("ETH", "ERC20"):
            groups.setdefault((row.get("contract_address"), kind), []).append(row.get("receiver"))
    return groups


class _Tally:
    """Outcomes as they come, reported to the progress callback in order (thread-safe)."""

    def __init__(self, total: int, progress: Callable[[Progress], None] | None) -> None:
        self.total, self.progress = total, progress
        self.outcomes: list[PayoutOutcome] = []
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, outcome: PayoutOutcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)
            self.counts[outcome.status] += 1
            if self.progress is not None:
                self.progress(Progress(self.total, dict(self.counts), outcome))

    def report(self, interrupted: bool) -> PayoutReport:
        ordered = sorted(self.outcomes, key=lambda outcome: outcome.line)
        return PayoutReport(tuple(ordered), interrupted)


def _start(
    rows: Iterable[PayoutRow | Invalid],
    clients: Any,
    concurrency: int,
    progress: Callable[[Progress], None] | None,
) -> tuple[list[list[tuple[PayoutRow, Any]]], _Tally]:
    listed = check_clients(clients, concurrency)
    rows = list(rows)
    tally = _Tally(len(rows), progress)
    for row in rows:
        if isinstance(row, Invalid):
            tally.add(PayoutOutcome(row.line, row.id, INVALID, field=row.field, rule=row.rule))
    valid = [row for row in rows if isinstance(row, PayoutRow)]
    lanes_, refused = lanes(valid, listed, concurrency)
    for outcome in refused:
        tally.add(outcome)
    return lanes_, tally


# --- the sync runner --------------------------------------------------------------------------


def run_payouts(
    rows: Iterable[PayoutRow | Invalid],
    clients: Client | Sequence[Client],
    *,
    concurrency: int = 4,
    wait: bool = False,
    wait_timeout: float = 600.0,
    progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> PayoutReport:
    """Pay every row exactly once through ``clients`` (each with a journal); never stops the
    batch for one row. Reddio: one client per sending stark key (a row's ``sender`` picks
    one), rows of one sender in turn; Omnia: one client, ``concurrency`` rows at a time.
    Setting ``stop`` lets rows in flight finish and takes no new ones. Re-running the same rows
    pays nothing twice: rows done before are reported, not sent."""
    lanes_, tally = _start(rows, clients, concurrency, progress)
    stop = stop or threading.Event()

    def run_lane(lane: list[tuple[PayoutRow, Client]]) -> None:
        _prefetch(lane)
        for row, client in lane:
            if stop.is_set():
                return
            tally.add(_pay(client, row, wait, wait_timeout))

    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(lanes_)))) as pool:
        for future in [pool.submit(run_lane, lane) for lane in lanes_]:
            future.result()
    return tally.report(interrupted=stop.is_set() and len(tally.outcomes) < tally.total)


def _pay(client: Client, row: PayoutRow, wait: bool, wait_timeout: float) -> PayoutOutcome:
    try:
        resumed = _was_done(client, row)
        method, kwargs = call_for(row)
        result = getattr(client, method)(**kwargs)
        reference = reference_of(result)
        if wait and not resumed:
            name, args, options = wait_for(result, wait_timeout)
            return waited_outcome(row, reference, getattr(client, name)(*args, **options))
    except errors.WithdrawalClientError as exc:
        return outcome_of_error(row, exc)
    return PayoutOutcome(row.line, row.id, DONE, reference, resumed=resumed)


def _prefetch(lane: Sequence[tuple[PayoutRow, Any]]) -> None:
    """Warm a Reddio client's lookups (contract info, vault ids) for a lane's rows, so each
    row then costs its nonce and its POST. Failures are left to the rows themselves."""
    if not lane or not isinstance(lane[0][1], ReddioClient):
        return
    client: ReddioClient = lane[0][1]
    for (contract, kind), receivers in prefetch_plan([row for row, _ in lane]).items():
        try:
            asset = client.asset_id_for(contract, kind)
            for start in range(0, len(receivers), VAULT_CHUNK):
                chunk = receivers[start : start + VAULT_CHUNK]
                client.vault_ids(asset, [client.stark_key or "", *chunk])
        except errors.WithdrawalClientError:
            continue


# --- the async runner -------------------------------------------------------------------------


async def arun_payouts(
    rows: Iterable[PayoutRow | Invalid],
    clients: AsyncClient | Sequence[AsyncClient],
    *,
    concurrency: int = 4,
    wait: bool = False,
    wait_timeout: float = 600.0,
    progress: Callable[[Progress], None] | None = None,
    stop: asyncio.Event | None = None,
) -> PayoutReport:
    """The asyncio twin of :func:`run_payouts`, over async clients."""
    lanes_, tally = _start(rows, clients, concurrency, progress)
    stop = stop or asyncio.Event()
    slots = asyncio.Semaphore(concurrency)

    async def run_lane(lane: list[tuple[PayoutRow, AsyncClient]]) -> None:
        async with slots:
            await _aprefetch(lane)
            for row, client in lane:
                if stop.is_set():
                    return
                tally.add(await _apay(client, row, wait, wait_timeout))

    await asyncio.gather(*(run_lane(lane) for lane in lanes_))
    return tally.report(interrupted=stop.is_set() and len(tally.outcomes) < tally.total)


async def _apay(
    client: AsyncClient, row: PayoutRow, wait: bool, wait_timeout: float
) -> PayoutOutcome:
    try:
        resumed = await asyncio.to_thread(_was_done, client, row)
        method, kwargs = call_for(row)
        call: Callable[..., Awaitable[Any]] = getattr(client, method)
        result = await call(**kwargs)
        reference = reference_of(result)
        if wait and not resumed:
            name, args, options = wait_for(result, wait_timeout)
            return waited_outcome(row, reference, await getattr(client, name)(*args, **options))
    except errors.WithdrawalClientError as exc:
        return outcome_of_error(row, exc)
    return PayoutOutcome(row.line, row.id, DONE, reference, resumed=resumed)


async def _aprefetch(lane: Sequence[tuple[PayoutRow, Any]]) -> None:
    if not lane or not isinstance(lane[0][1], AsyncReddioClient):
        return
    client: AsyncReddioClient = lane[0][1]
    for (contract, kind), receivers in prefetch_plan([row for row, _ in lane]).items():
        try:
            asset = await client.asset_id_for(contract, kind)
            for start in range(0, len(receivers), VAULT_CHUNK):
                chunk = receivers[start : start + VAULT_CHUNK]
                await client.vault_ids(asset, [client.stark_key or "", *chunk])
        except errors.WithdrawalClientError:
            continue
