"""The Omnia client without I/O: input rules, request bodies, reading answers, and each
operation written once as a *plan*.

A plan is a generator that yields steps (:class:`Post`, :class:`Get`, :class:`Sleep`,
:class:`Sign`) and receives what each step produced; :class:`~withdrawal_clients.omnia.OmniaClient`
and :class:`~withdrawal_clients.omnia.AsyncOmniaClient` only carry the steps out. So the
exactly-once rules of ``request_withdrawal`` exist in one place, for both clients.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Generator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http import HTTPStatus
from typing import Any, TypeVar

import attrs
import httpx
from Crypto.Hash import keccak
from omnia_client.models import Withdrawal as WithdrawalModel
from omnia_client.models import WithdrawalRequest
from omnia_client.types import Response

from . import errors
from ._shell import Sleep
from ._transport import (
    RetryPolicy,
    check_seconds,
    decode_json,
    map_transport_error,
    may_have_been_sent,
    parse_retry_after,
    retry_delay,
)
from .amounts import format_decimal, to_decimal
from .signers import WithdrawalSigner, WithdrawalToSign, check_signature

T = TypeVar("T")

ENVIRONMENTS: Mapping[str, str] = {
    "demo": "https://api.demo.omniaexchange.com/api",
    "production": "https://api.production.omniaexchange.com/api",
}
COMPLETED = "COMPLETED"
# Not published by Omnia: the usual names of final failures; any rejectionReason counts too.
FAILURE_STATUSES = frozenset({"REJECTED", "FAILED", "CANCELLED", "EXPIRED"})
MAX_INSTRUCTION_ID = 64
DEFAULT_DEADLINE = timedelta(minutes=5)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_ORDER_SOURCE = re.compile(r"[A-Z][A-Z0-9_]*")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def base_url_for(base_url: str | None, environment: str) -> str:
    """An explicit base URL wins over the named environment."""
    if base_url:
        return base_url
    if environment not in ENVIRONMENTS:
        raise errors.InvalidInput("environment", f"must be one of {', '.join(ENVIRONMENTS)}")
    return ENVIRONMENTS[environment]


# --- amounts (exact) ---------------------------------------------------------------------------


def to_base_units(amount: Decimal, decimals: int) -> int:
    """``amount`` whole tokens in the token's smallest unit, refusing anything inexact."""
    numerator, denominator = amount.as_integer_ratio()
    units, rest = divmod(numerator * int(10**decimals), denominator)
    if rest:
        raise errors.InvalidInput("amount", f"has more decimal places than the token's {decimals}")
    return units


# --- input rules -------------------------------------------------------------------------------


def check_instruction_id(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise errors.InvalidInput("instruction_id", "must be a non-empty string")
    if len(value) > MAX_INSTRUCTION_ID:
        raise errors.InvalidInput(
            "instruction_id", f"must be at most {MAX_INSTRUCTION_ID} characters (got {len(value)})"
        )
    if not value.isprintable() or value != value.strip():
        raise errors.InvalidInput(
            "instruction_id", "must be printable, without leading or trailing spaces"
        )
    return value


def check_order_source(value: object) -> str:
    if not isinstance(value, str) or not _ORDER_SOURCE.fullmatch(value):
        raise errors.InvalidInput(
            "order_source", "must be an upper-case chain name such as ETHEREUM, POLYGON or LINEA"
        )
    return value


def eip55(address: str) -> str:
    """The EIP-55 mixed-case checksum spelling of a 0x address."""
    digits = address[2:].lower()
    hashed = keccak.new(digest_bits=256, data=digits.encode()).hexdigest()
    return "0x" + "".join(
        c.upper() if int(h, 16) >= 8 else c for c, h in zip(digits, hashed[:40], strict=True)
    )


def check_token_address(value: object) -> str:
    if not isinstance(value, str) or not _ADDRESS.fullmatch(value):
        raise errors.InvalidInput("token_address", "must be 0x followed by 40 hex digits")
    digits = value[2:]
    mixed_case = digits not in (digits.lower(), digits.upper())
    if mixed_case and value != eip55(value):
        raise errors.InvalidInput("token_address", "fails its EIP-55 checksum (a typo?)")
    return value


def check_amount(value: object) -> Decimal:
    amount = to_decimal(value, "amount")
    if amount <= 0:
        raise errors.InvalidInput("amount", "must be greater than zero")
    return amount


def _check_whole(value: object, field: str, lowest: int, highest: int | None = None) -> int:
    out_of_range = isinstance(value, int) and (
        value < lowest or (highest is not None and value > highest)
    )
    if isinstance(value, bool) or not isinstance(value, int) or out_of_range:
        upper = f" to {highest}" if highest is not None else " or more"
        raise errors.InvalidInput(field, f"must be an integer from {lowest}{upper}")
    return value


def resolve_deadline(value: object, now_ms: int) -> int:
    """Epoch milliseconds from a datetime, a timedelta from now or epoch ms; must be future."""
    if value is None:
        return now_ms + DEFAULT_DEADLINE // _MS
    if isinstance(value, timedelta):
        deadline = now_ms + value // _MS
    elif isinstance(value, datetime):
        if value.tzinfo is None:
            raise errors.InvalidInput("deadline", "a datetime must carry a timezone")
        deadline = (value - _EPOCH) // _MS
    elif isinstance(value, int) and not isinstance(value, bool):
        deadline = value
    else:
        raise errors.InvalidInput(
            "deadline", "must be a datetime, a timedelta or epoch milliseconds (int)"
        )
    if deadline <= now_ms:
        seconds = isinstance(value, int) and 0 < deadline < 10**11
        hint = " (this looks like seconds; give milliseconds)" if seconds else ""
        raise errors.InvalidInput("deadline", f"must be in the future{hint}")
    return deadline


def check_signing(signature: object, signer: object) -> None:
    if signature is None and signer is None:
        raise errors.InvalidInput("signature", "give a signature or a signer")
    if signature is not None and signer is not None:
        raise errors.InvalidInput("signer", "give a signature or a signer, not both")
    if signature is not None:
        check_signature(signature)
    elif not isinstance(signer, WithdrawalSigner):
        raise errors.InvalidInput("signer", "must have a sign_withdrawal(withdrawal) method")


def prepare_withdrawal(
    *,
    order_source: object,
    token_address: object,
    amount: object,
    instruction_id: object,
    deadline: object,
    token_decimals: object,
    chain_id: object,
    now_ms: int,
) -> WithdrawalToSign:
    """Every input checked, in the exact form it will be signed and sent."""
    checked_amount = check_amount(amount)
    decimals = None
    if token_decimals is not None:
        decimals = _check_whole(token_decimals, "token_decimals", 0, 255)
    if instruction_id is None:
        instruction_id = str(uuid.uuid4())
    return WithdrawalToSign(
        instruction_id=check_instruction_id(instruction_id),
        order_source=check_order_source(order_source),
        token_address=check_token_address(token_address),
        amount=checked_amount,
        amount_base_units=None if decimals is None else to_base_units(checked_amount, decimals),
        deadline_ms=resolve_deadline(deadline, now_ms),
        chain_id=None if chain_id is None else _check_whole(chain_id, "chain_id", 1),
    )


def request_body(withdrawal: WithdrawalToSign, signature: str) -> WithdrawalRequest:
    return WithdrawalRequest(
        instruction_id=withdrawal.instruction_id,
        order_source=withdrawal.order_source,
        token_address=withdrawal.token_address,
        amount=format_decimal(withdrawal.amount),
        deadline=withdrawal.deadline_ms,
        signature=signature,
    )


# --- answers -----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Withdrawal:
    """A withdrawal as Omnia reports it.

    ``status`` is an open value: statuses this package does not know are kept as they are and
    count as still in progress. Response fields it does not know are kept in ``extra``.
    """

    instruction_id: str
    order_source: str
    token_address: str
    amount: Decimal
    status: str
    rejection_reason: str | None = None
    transaction_id: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def is_success(self) -> bool:
        return self.status.upper() == COMPLETED

    @property
    def is_rejected(self) -> bool:
        failed = self.status.upper() in FAILURE_STATUSES or bool(self.rejection_reason)
        return failed and not self.is_success

    @property
    def is_final(self) -> bool:
        return self.is_success or self.is_rejected

    @classmethod
    def from_model(cls, model: WithdrawalModel) -> Withdrawal:
        """From the generated model; a field of the wrong kind is a MalformedResponse."""
        try:
            return cls(
                instruction_id=_text(model.instruction_id),
                order_source=_text(model.order_source),
                token_address=_text(model.token_address),
                amount=to_decimal(_text(model.amount), "amount"),
                status=_text(model.status),
                rejection_reason=_optional_text(model.rejection_reason),
                transaction_id=_optional_text(model.transaction_id),
                extra=dict(model.additional_properties),
            )
        except (TypeError, errors.InvalidInput) as exc:
            raise errors.MalformedResponse(
                f"withdrawal body breaks the Omnia spec: {exc}"
            ) from None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None  # absent (UNSET) or null


def _error_fields(body: object) -> tuple[str | None, str | None]:
    """(code, description) from either error shape Omnia documents."""
    if not isinstance(body, dict):
        return None, None
    code = body.get("code", body.get("error_code"))
    text = body.get("description", body.get("error_message"))
    return (
        code if isinstance(code, str) else None,
        text if isinstance(text, str) else None,
    )


_KNOWN_STATUSES = frozenset(s.value for s in HTTPStatus)
_ERRORS_BY_STATUS: Mapping[int, type[errors.ApiError]] = {
    400: errors.BadRequest,
    401: errors.AuthError,
    403: errors.PermissionDenied,
    404: errors.NotFound,
}


def error_from_response(response: Response[Any] | RawAnswer, what: str) -> errors.ApiError:
    """The error an HTTP failure answer stands for (both body shapes read)."""
    status, content = int(response.status_code), response.content
    try:
        body = decode_json(content, http_status=status, what=what)
    except errors.MalformedResponse as bad:
        if status < 500 and status != 429:
            return bad  # a 4xx must explain itself in JSON; a 5xx page from a proxy need not
        body = None
    code, text = _error_fields(body)
    phrase = HTTPStatus(status).phrase if status in _KNOWN_STATUSES else f"HTTP {status}"
    message = f"{what}: {text or phrase}"
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return errors.RateLimited(
            message, retry_after=retry_after, code=code, http_status=status, body=content
        )
    if status >= 500:
        return errors.ServerError(message, code=code, http_status=status, body=content)
    if not isinstance(body, dict):
        return errors.MalformedResponse(
            f"{what}: error body is not a JSON object", http_status=status, body=content
        )
    kind = _ERRORS_BY_STATUS.get(status, errors.ApiError)
    return kind(message, code=code, http_status=status, body=content)


def token_rejected(status: int, content: bytes) -> bool:
    """A 401 that a fresh token may cure: ``INVALID_JWT_TOKEN``, or one with no code at all."""
    if status != 401:
        return False
    try:
        code, _ = _error_fields(decode_json(content, http_status=status, what="401"))
    except errors.MalformedResponse:
        code = None
    return code in (None, "INVALID_JWT_TOKEN")


@attrs.frozen
class RawAnswer:
    """An HTTP answer the generated parser could not read (a proxy's HTML page, a status that
    ``HTTPStatus`` does not know, a body that breaks the spec)."""

    status_code: int
    content: bytes
    headers: Mapping[str, str]
    parsed: None = None


_HTTP_ANSWERS = (Response, RawAnswer)


def unreadable(
    exc: Exception, raw: httpx.Response | None, *, post: bool, what: str
) -> RawAnswer | NoAnswer | errors.MalformedResponse:
    """What a plan should see when the generated code could not parse ``raw``."""
    if raw is not None and raw.status_code != 200:
        return RawAnswer(raw.status_code, raw.content, raw.headers)  # an error: read it as one
    if post:
        return NoAnswer(exc, True)  # recorded, but unreadably: look it up
    return errors.MalformedResponse(
        f"{what}: the withdrawal does not match the Omnia spec ({type(exc).__name__}: {exc})",
        http_status=None if raw is None else raw.status_code,
        body=None if raw is None else raw.content,
    )


@attrs.frozen
class NoAnswer:
    """A POST without a usable answer: a transport failure, or a body that breaks the spec.

    ``maybe_sent`` is False only when the request certainly never reached Omnia.
    """

    cause: Exception
    maybe_sent: bool

    @classmethod
    def of(cls, exc: httpx.TransportError) -> NoAnswer:
        return cls(exc, may_have_been_sent(exc))


def withdrawal_from_answer(answer: Any, what: str) -> Withdrawal:
    """The withdrawal in a step's answer, or the error it stands for, raised."""
    if isinstance(answer, BaseException):
        raise answer
    if answer.status_code == 200 and isinstance(answer.parsed, WithdrawalModel):
        return Withdrawal.from_model(answer.parsed)
    raise error_from_response(answer, what)


# --- plans -------------------------------------------------------------------------------------


@attrs.frozen
class Post:
    """Send the withdrawal request once; answers a Response or a :class:`NoAnswer`."""

    body: WithdrawalRequest


@attrs.frozen
class Get:
    """Look the withdrawal up (the shell retries it); answers a Response or our error."""

    instruction_id: str


@attrs.frozen
class Sign:
    """Ask the signer; answers its signature (the async shell awaits awaitables)."""

    signer: WithdrawalSigner
    withdrawal: WithdrawalToSign


Step = Post | Get | Sleep | Sign
Plan = Generator[Step, Any, T]


def get_plan(instruction_id: str) -> Plan[Withdrawal]:
    return withdrawal_from_answer((yield Get(instruction_id)), "get_withdrawal")


def _is_found(answer: object) -> bool:
    return isinstance(answer, _HTTP_ANSWERS) and answer.status_code == 200


def _is_not_found(answer: object) -> bool:
    return isinstance(answer, _HTTP_ANSWERS) and answer.status_code == 404


def same_withdrawal(found: Withdrawal, body: WithdrawalRequest) -> Withdrawal:
    """The recorded withdrawal, if it is the one we asked for (the id was not reused)."""
    ours = (body.order_source, body.token_address.lower(), Decimal(body.amount))
    if (found.order_source, found.token_address.lower(), found.amount) != ours:
        raise errors.InvalidInput(
            "instruction_id", "is already used by a different withdrawal; choose a new one"
        )
    return found


def request_plan(
    withdrawal: WithdrawalToSign,
    signature: str | None,
    signer: WithdrawalSigner | None,
    policy: RetryPolicy,
) -> Plan[Withdrawal]:
    """Request a withdrawal exactly once, whatever the network does.

    The instruction id is the idempotency key. An attempt that may have reached Omnia (lost
    response, 5xx, unreadable answer) is followed by a lookup; only a 404 allows sending the
    very same body again. Once an attempt may have reached Omnia, giving up is OutcomeUnknown.
    """
    what = "request_withdrawal"
    if signature is None:
        assert signer is not None
        signature = check_signature((yield Sign(signer, withdrawal)), "signer")
    body = request_body(withdrawal, signature)
    iid = withdrawal.instruction_id
    how_to_check = (
        f"call get_withdrawal({iid!r}); only if it raises NotFound, call request_withdrawal "
        "again with the same instruction_id and signature (never a new instruction_id)"
    )
    maybe_recorded = False
    retries = 0
    while True:
        answer = yield Post(body)
        if _is_found(answer):
            try:
                return withdrawal_from_answer(answer, what)
            except errors.MalformedResponse as exc:
                answer = NoAnswer(exc, True)  # recorded, but unreadably: look it up
        status = int(answer.status_code) if isinstance(answer, _HTTP_ANSWERS) else None
        refused = status is not None and status < 500 and status != 429
        unsent = status == 429 or (isinstance(answer, NoAnswer) and not answer.maybe_sent)
        transport_error = answer.cause if isinstance(answer, NoAnswer) else None
        if refused and not maybe_recorded:
            raise error_from_response(answer, what)
        if not unsent:
            maybe_recorded = True
            found = yield Get(iid)
            if _is_found(found):
                try:
                    recorded = withdrawal_from_answer(found, what)
                except errors.MalformedResponse as exc:
                    found = exc  # recorded perhaps, but unreadably: the outcome stays unknown
                else:
                    return same_withdrawal(recorded, body)
            if not _is_not_found(found):
                cause = found if isinstance(found, Exception) else error_from_response(found, what)
                raise errors.OutcomeUnknown(
                    f"{what}: could not find out whether withdrawal {iid!r} was recorded",
                    how_to_check=how_to_check,
                    cause=cause,
                    request_body=body.to_dict(),
                )
            if refused:  # nothing recorded, and this very request is refused: that stands
                raise error_from_response(answer, what)
        hint = answer.headers.get("retry-after") if isinstance(answer, _HTTP_ANSWERS) else None
        delay = retry_delay(
            policy, retries, status=429 if status == 429 else None, retry_after=hint
        )
        if delay is None:
            if maybe_recorded:
                raise errors.OutcomeUnknown(
                    f"{what}: gave up on withdrawal {iid!r} after {retries + 1} attempts",
                    how_to_check=how_to_check,
                    cause=transport_error,
                    request_body=body.to_dict(),
                )
            if isinstance(transport_error, httpx.TransportError):
                raise map_transport_error(transport_error, what) from transport_error
            raise error_from_response(answer, what)
        yield Sleep(delay)
        retries += 1


def wait_plan(
    instruction_id: str, timeout: float, poll_interval: float, clock: Callable[[], float]
) -> Plan[Withdrawal]:
    """Poll until the withdrawal is final; success returns, failure raises WithdrawalRejected."""
    give_up_at = clock() + timeout
    while True:
        withdrawal = withdrawal_from_answer((yield Get(instruction_id)), "wait_for_withdrawal")
        if withdrawal.is_success:
            return withdrawal
        if withdrawal.is_rejected:
            raise errors.WithdrawalRejected(
                f"withdrawal {instruction_id!r} failed with status {withdrawal.status}",
                reason=withdrawal.rejection_reason or withdrawal.status,
                withdrawal=withdrawal,
            )
        remaining = give_up_at - clock()
        if remaining <= 0:
            raise errors.WaitTimeout(
                f"withdrawal {instruction_id!r} is still {withdrawal.status} after {timeout:g} s",
                last_seen=withdrawal,
            )
        yield Sleep(min(poll_interval, remaining))


Amount = Decimal | int | str
Deadline = datetime | timedelta | int


class OmniaPlans:
    """The public operations, each returning the plan that carries it out.

    Their signatures and documentation are those of both clients' methods: the shells wrap
    each one (see ``omnia.py``), so every argument is declared and checked here, once.
    """

    def __init__(
        self,
        *,
        max_retries: int,
        clock: Callable[[], float],
        wall_clock_ms: Callable[[], int],
    ) -> None:
        self.policy = RetryPolicy(max_retries=max_retries)
        self.clock = clock
        self.wall_clock_ms = wall_clock_ms

    def request_withdrawal(
        self,
        *,
        order_source: str,
        token_address: str,
        amount: Amount,
        signature: str | None = None,
        signer: WithdrawalSigner | None = None,
        instruction_id: str | None = None,
        deadline: Deadline | None = None,
        token_decimals: int | None = None,
        chain_id: int | None = None,
    ) -> Plan[Withdrawal]:
        """Request a withdrawal from the DTW contract, exactly once; returns it as recorded.

        ``amount`` is in whole tokens (Decimal, int or decimal string; never a float).
        ``deadline`` is a timezone-aware datetime, a timedelta from now or epoch milliseconds
        (default: 5 minutes from now). ``instruction_id`` defaults to a new UUID4 and is the
        idempotency key. Give a ready ``signature`` or a ``signer``; ``token_decimals`` and
        ``chain_id`` only inform the signer. Raises InvalidInput, before anything is sent, when
        an input breaks a rule, and OutcomeUnknown when the request may have been recorded but
        that could not be checked (its message says how to find out).
        """
        check_signing(signature, signer)
        withdrawal = prepare_withdrawal(
            order_source=order_source,
            token_address=token_address,
            amount=amount,
            instruction_id=instruction_id,
            deadline=deadline,
            token_decimals=token_decimals,
            chain_id=chain_id,
            now_ms=self.wall_clock_ms(),
        )
        return request_plan(withdrawal, signature, signer, self.policy)

    def get_withdrawal(self, instruction_id: str) -> Plan[Withdrawal]:
        """The withdrawal recorded under ``instruction_id``; NotFound when there is none."""
        return get_plan(check_instruction_id(instruction_id))

    def wait_for_withdrawal(
        self,
        instruction_id: str,
        *,
        timeout: float | timedelta = 600.0,
        poll_interval: float | timedelta = 5.0,
    ) -> Plan[Withdrawal]:
        """Poll until the withdrawal is final: returns it when COMPLETED, raises
        WithdrawalRejected (with the reason) when it failed, and WaitTimeout (with
        ``last_seen``) when ``timeout`` runs out."""
        return wait_plan(
            check_instruction_id(instruction_id),
            check_seconds(timeout, "timeout"),
            check_seconds(poll_interval, "poll_interval"),
            self.clock,
        )
