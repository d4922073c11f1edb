"""Payout files: rows read from CSV or JSON Lines, and every rule on a row checked before
anything is sent. Pure, no I/O beyond reading the file."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .. import errors
from .._core import rules
from .._core.durable import check_key
from ..amounts import to_decimal
from ..omnia import inputs as omnia_inputs
from ..omnia.signers import check_signature
from ..reddio import inputs as reddio_inputs

APIS = ("reddio", "omnia")
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "reddio": ("id", "receiver", "amount", "contract_address"),
    "omnia": ("id", "receiver", "amount", "order_source", "token_address", "signature"),
}
OPTIONAL: Mapping[str, tuple[str, ...]] = {
    "reddio": ("asset_type", "token_id", "sender"),
    "omnia": ("deadline_in",),
}
COLUMNS_HELP = (
    "Columns (CSV with a header row, or JSON Lines): id (the idempotency key: unique, the same "
    "on every re-run), receiver, amount (whole tokens, a decimal string). Reddio: "
    "contract_address (0x address or ETH), asset_type (ETH, ERC20, ERC721, ERC721M; default "
    "ETH), token_id (NFTs), sender (the sending stark key, when several keys are set). Omnia: "
    "order_source, token_address, signature (the depositor's 0x signature), deadline_in "
    "(seconds, default 300). Omnia's API takes no receiver: the column is checked (an Ethereum "
    "address) and reported for audit."
)


@attrs.frozen
class PayoutRow:
    """One row of a payout file: ``line`` counts data rows from 1; ``values`` as text."""

    line: int
    id: str
    values: Mapping[str, str]

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column, default) or default


@attrs.frozen
class Invalid:
    """A row that breaks a rule: nothing of it is sent."""

    line: int
    id: str
    field: str
    rule: str


def read_rows(path: str | Path, api: str) -> list[PayoutRow | Invalid]:
    """Every row of a payout file, checked; a file that cannot be read at all (missing, no
    header, missing columns) is an InvalidInput naming the file."""
    if api not in APIS:
        raise errors.InvalidInput("api", f"must be one of {', '.join(APIS)}")
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.InvalidInput("file", f"cannot be read ({type(exc).__name__})") from None
    if source.suffix.lower() in (".jsonl", ".ndjson"):
        raw = list(_json_lines(text))
    else:
        raw = _csv_rows(text, api)
    return check_rows(raw, api)


def _csv_rows(text: str, api: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED[api] if name not in header]
    if missing:
        raise errors.InvalidInput("file", f"lacks the column(s) {', '.join(missing)}")
    reader.fieldnames = header
    return [dict(row) for row in reader if any((value or "").strip() for value in row.values())]


def _json_lines(text: str) -> Iterable[dict[str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            raise errors.InvalidInput("file", f"line {number} is not JSON") from None
        if not isinstance(value, dict):
            raise errors.InvalidInput("file", f"line {number} is not a JSON object")
        yield value


def _as_text(value: object, column: str) -> str:
    """A cell as text; a JSON float is refused (it is rarely the number that was meant)."""
    if value is None:
        return ""
    if isinstance(value, float):
        raise errors.InvalidInput(column, "must be a decimal string, not a JSON float")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise errors.InvalidInput(column, "must be a string")
    return str(value)


def check_rows(raw: Iterable[Mapping[str, Any]], api: str) -> list[PayoutRow | Invalid]:
    """Each row checked against every rule that needs no request; ids must be unique."""
    out: list[PayoutRow | Invalid] = []
    first_line: dict[str, int] = {}
    for line, values in enumerate(raw, start=1):
        row_id = str(values.get("id") or "")
        try:
            text = {str(k): _as_text(v, str(k)).strip() for k, v in values.items() if k}
            for column in REQUIRED[api]:
                if not text.get(column):
                    raise errors.InvalidInput(column, "is required")
            row_id = check_key(text["id"])
            if row_id in first_line:
                raise errors.InvalidInput("id", f"repeats the id of row {first_line[row_id]}")
            first_line[row_id] = line
            row = PayoutRow(line, row_id, text)
            (_check_reddio if api == "reddio" else _check_omnia)(row)
        except errors.InvalidInput as exc:
            out.append(Invalid(line, row_id, exc.field, exc.rule))
        else:
            out.append(row)
    return out


def _check_reddio(row: PayoutRow) -> None:
    receiver = row.get("receiver")
    if len(receiver) == 42:  # an Ethereum address: its checksum, when mixed case, must hold
        rules.eth_address(receiver, "receiver")
    reddio_inputs.receiver_hex(receiver)
    address = reddio_inputs.contract(row.get("contract_address"))
    kind = reddio_inputs.asset_kind(row.get("asset_type", "ETH"))
    if (kind == "ETH") != (address == "ETH"):
        raise errors.InvalidInput(
            "contract_address", 'must be "ETH" exactly when asset_type is ETH'
        )
    reddio_inputs.token_id_for(row.get("token_id") or None, kind)
    reddio_inputs.given_amount(row.get("amount"), quantized=False)
    if row.get("sender"):
        reddio_inputs.stark_key_hex(row.get("sender"), "sender")


def _check_omnia(row: PayoutRow) -> None:
    rules.eth_address(row.get("receiver"), "receiver")
    omnia_inputs.check_order_source(row.get("order_source"))
    omnia_inputs.check_token_address(row.get("token_address"))
    omnia_inputs.check_amount(row.get("amount"))
    check_signature(row.get("signature"))
    deadline = row.get("deadline_in", "300")
    if not deadline.isdigit() or not 1 <= int(deadline) <= 86_400:
        raise errors.InvalidInput("deadline_in", "must be whole seconds from 1 to 86400")


def amount_of(row: PayoutRow) -> Any:
    return to_decimal(row.get("amount"), "amount")
