"""No secret byte in any text the package or Python's traceback machinery can produce.

Every scenario below handles a stark private key, an Ethereum key or a JWT, and fails or
succeeds; the campaign then renders everything that could end up in a log or an error
tracker and greps it for the secrets in every spelling: log records at DEBUG (with their
tracebacks), str and repr of results and errors, tracebacks with and without the frames'
locals (the whole chain of causes), and pickles.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import socket
import traceback
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pytest
from hardening_support import (
    ETH_KEY,
    EXPLICIT,
    MODES,
    OFFLINE,
    PRIVATE_KEY,
    RECEIVER,
    SIGNATURE,
    TOKEN,
    USDC,
    Method,
    RawServer,
    call,
    make,
    mock,
)
from withdrawal_clients import errors
from withdrawal_clients._core.secret import Secret
from withdrawal_clients.omnia import Eip712Layout, Eip712Signer, ExternalSigner
from withdrawal_clients.omnia.auth import BearerAuth
from withdrawal_clients.omnia.signers import WithdrawalToSign
from withdrawal_clients.reddio import (
    AsyncReddioClient,
    ReddioClient,
    StarkKeys,
    build_withdrawal_to,
)
from withdrawal_clients.starkex import private_to_stark_key, sign

DERIVED = StarkKeys.from_eth_key(ETH_KEY, chain_id=1).private.reveal()  # as secret as ETH_KEY
ETH_KEY_INT = int(ETH_KEY, 16)
HERE = str(Path(__file__).parent)


def spellings() -> list[str]:
    """Every way the secrets could be written out (hex any case, decimal, raw bytes, JWT)."""
    texts = [TOKEN, TOKEN.rsplit(".", 1)[1]]
    for number in (PRIVATE_KEY, ETH_KEY_INT, DERIVED):
        texts += [f"{number:x}", f"{number:X}", str(number), number.to_bytes(32, "big").hex()]
        texts.append(number.to_bytes(32, "big").decode("latin-1"))
    return texts


SPELLINGS = spellings()


def leaked(text: str) -> list[str]:
    folded = text.lower()
    return [s[:12] for s in SPELLINGS if s in text or s.lower() in folded]


def renderings(thing: object) -> Iterator[str]:
    """What a log line, an error tracker or a debugger may write of ``thing``."""
    yield str(thing)
    yield repr(thing)
    if isinstance(thing, BaseException):
        _without_the_campaigns_frames(thing)
        yield "".join(traceback.format_exception(thing))
        located = traceback.TracebackException.from_exception(thing, capture_locals=True)
        yield "".join(located.format())
        yield from _chain_locals(thing)
    with contextlib.suppress(TypeError, pickle.PicklingError, AttributeError):
        yield pickle.dumps(thing).decode("latin-1")  # what cannot be pickled leaks nothing


def _without_the_campaigns_frames(error: BaseException) -> None:
    """Unlink the campaign's own frames from every traceback of the chain: they hold the
    secrets on purpose (a caller's frames are the caller's), the package's must not."""
    for current in _chain(error):
        kept = [
            tb for tb in _frames(current) if not tb.tb_frame.f_code.co_filename.startswith(HERE)
        ]
        for tb, following in zip(kept, [*kept[1:], None], strict=True):
            tb.tb_next = following
        current.__traceback__ = kept[0] if kept else None


def _chain(error: BaseException) -> list[BaseException]:
    """The error and every cause and context below it, each once."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is not None and all(current is not seen for seen in found):
            found.append(current)
            pending += [current.__cause__, current.__context__]
    return found


def _frames(error: BaseException) -> list[TracebackType]:
    tbs = []
    tb = error.__traceback__
    while tb is not None:
        tbs.append(tb)
        tb = tb.tb_next
    return tbs


def _chain_locals(error: BaseException) -> Iterator[str]:
    """Every frame's locals along the whole chain, even causes a formatter would hide (an error
    tracker may walk ``__context__`` regardless of ``from None``)."""
    for current in _chain(error):
        for tb in _frames(current):
            for name, value in tb.tb_frame.f_locals.items():
                yield f"{name}={_safe_repr(value)}"


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception as exc:  # a repr that fails is a finding of its own
        raise AssertionError(f"repr of {type(value).__name__} failed: {exc!r}") from exc


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Callable[[], str]:
    """Every log record at DEBUG, formatted with its traceback, as one text."""
    caplog.set_level(logging.DEBUG)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return lambda: "\n".join(formatter.format(record) for record in caplog.records)


def run(action: Callable[[], Any]) -> object:
    """The result of ``action``, or the exception it raised."""
    try:
        return action()
    except Exception as exc:
        return exc


def assert_clean(outcome: object, logs: str) -> None:
    for text in [*renderings(outcome), logs]:
        found = leaked(text)
        assert not found, f"secret {found} in:\n{text[:3000]}"


# --- key, token and signer handling that fails ------------------------------------------------

KEY_FORMS: list[Any] = [PRIVATE_KEY, hex(PRIVATE_KEY), Secret(PRIVATE_KEY)]
BAD_BUILD: list[dict[str, Any]] = [
    {"nonce": -1},
    {"receiver": RECEIVER[:-1]},
    {"amount": 2**63},
    {"asset_id": "zz"},
    {"expiration_timestamp": 2**22},
    {"contract_address": "0x1"},
]
BUILD = OFFLINE
FAILING: list[tuple[str, Callable[[], Any]]] = [
    *[
        (f"build_withdrawal_to {bad} key={type(key).__name__}",
         lambda key=key, bad=bad: build_withdrawal_to(stark_private_key=key, **{**BUILD, **bad}))
        for key in KEY_FORMS
        for bad in BAD_BUILD
    ],
    ("build with a key and a newline",
     lambda: build_withdrawal_to(stark_private_key=hex(PRIVATE_KEY) + "\n", **BUILD)),
    *[
        (f"{cls.__name__}({bad})",
         lambda cls=cls, bad=bad: cls(stark_private_key=PRIVATE_KEY, **bad))
        for cls in (ReddioClient, AsyncReddioClient)
        for bad in [
            {"network": "devnet"},
            {"max_retries": -1},
            {"timeout": -1},
            {"call_timeout": "x"},
            {"base_url": "ftp://x"},
            {"http_client": httpx.Client() if cls is AsyncReddioClient else httpx.AsyncClient()},
        ]
    ],
    ("ReddioClient(key with a newline)",
     lambda: ReddioClient(stark_private_key=hex(PRIVATE_KEY) + "\n")),
    ("ReddioClient(key above the order)",
     lambda: ReddioClient(stark_private_key=PRIVATE_KEY + 2**252)),
    *[
        (f"Omnia {api_kwargs}", lambda api_kwargs=api_kwargs: make("omnia", "sync", **api_kwargs))
        for api_kwargs in [
            {"environment": "staging"},
            {"max_retries": "3"},
            {"timeout": float("nan")},
            {"http_client": httpx.AsyncClient()},
            {"token": TOKEN + "\n"},
            {"token": TOKEN + " "},
        ]
    ],
    ("StarkKeys.from_eth_key(bad chain)", lambda: StarkKeys.from_eth_key(ETH_KEY, chain_id=0)),
    ("StarkKeys.from_eth_key(bad key)", lambda: StarkKeys.from_eth_key(ETH_KEY + "00", chain_id=1)),
    ("StarkKeys.from_eth_key(key, newline)",
     lambda: StarkKeys.from_eth_key(ETH_KEY + "\n", chain_id=1)),
    ("StarkKeys.of(too large)", lambda: StarkKeys.of(PRIVATE_KEY + 2**252)),
    ("StarkKeys.of(hex, newline)", lambda: StarkKeys.of(hex(PRIVATE_KEY) + "\n")),
    ("private_to_stark_key(too large)", lambda: private_to_stark_key(PRIVATE_KEY + 2**252)),
    ("sign(bad hash)", lambda: sign(0, PRIVATE_KEY)),
    ("sign(bad seed)", lambda: sign(1, PRIVATE_KEY, seed=-1)),
    ("Eip712Signer(key + digit)", lambda: Eip712Signer(ETH_KEY + "0", _layout())),
    ("Eip712Signer(bad layout)", lambda: Eip712Signer(ETH_KEY, None)),  # type: ignore[arg-type]
    ("Eip712Signer(bytes, bad layout)",
     lambda: Eip712Signer(bytes.fromhex(ETH_KEY[2:]), None)),  # type: ignore[arg-type]
    ("Eip712Signer overflow",
     lambda: Eip712Signer(ETH_KEY, _layout()).sign_withdrawal(_withdrawal(2**300))),
]  # fmt: skip


def _layout() -> Eip712Layout:
    return Eip712Layout(
        domain={"name": "DTW", "chainId": 1},
        primary_type="W",
        fields=[("amount", "uint256", "amount_base_units"), ("deadline", "uint64", "deadline_ms")],
    )


def _withdrawal(base_units: int) -> WithdrawalToSign:
    return WithdrawalToSign(
        instruction_id="iid",
        order_source="ETHEREUM",
        token_address=USDC,
        amount=Decimal(1),
        amount_base_units=base_units,
        deadline_ms=1_700_000_000_000,
        chain_id=None,
    )


@pytest.mark.parametrize(("label", "action"), FAILING, ids=[label for label, _ in FAILING])
def test_failures_handling_secrets_show_none(
    label: str, action: Callable[[], Any], debug_logs: Callable[[], str]
) -> None:
    outcome = run(action)
    assert isinstance(outcome, errors.WithdrawalClientError), outcome
    assert_clean(outcome, debug_logs())


# --- whole calls over HTTP, sync and async ----------------------------------------------------


def _lost_then_found(request: httpx.Request) -> httpx.Response:
    if request.method == "POST":
        raise httpx.ReadTimeout("answer lost", request=request)
    return httpx.Response(500, text="<html>down</html>")


def _provider_with_newline() -> str:
    return TOKEN + "\n"


SIGNED_REQUEST = {
    "order_source": "ETHEREUM",
    "token_address": USDC,
    "amount": "5",
    "signature": SIGNATURE,
}
CALLS: list[tuple[str, Method, dict[str, Any]]] = [
    ("withdraw_to, answer lost", Method("reddio", "withdraw_to", (), EXPLICIT), {}),
    ("withdraw_to, key as hex", Method("reddio", "withdraw_to", (), EXPLICIT),
     {"stark_private_key": hex(PRIVATE_KEY)}),
    ("request_withdrawal, answer lost",
     Method("omnia", "request_withdrawal", (), SIGNED_REQUEST), {}),
    ("request_withdrawal, provider's token with a newline",
     Method("omnia", "request_withdrawal", (), SIGNED_REQUEST),
     {"token": None, "token_provider": _provider_with_newline}),
    ("request_withdrawal, Eip712Signer",
     Method("omnia", "request_withdrawal", (),
            {**SIGNED_REQUEST, "signature": None, "token_decimals": 6,
             "signer": Eip712Signer(ETH_KEY, _layout())}), {}),
    ("request_withdrawal, failing external signer",
     Method("omnia", "request_withdrawal", (),
            {**SIGNED_REQUEST, "signature": None,
             "signer": ExternalSigner(lambda w: 1 / 0)}), {}),
    ("get_withdrawal", Method("omnia", "get_withdrawal", ("iid",)), {}),
]  # fmt: skip


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("label", "method", "kwargs"), CALLS, ids=[c[0] for c in CALLS])
def test_calls_that_fail_over_http_show_no_secret(
    label: str, method: Method, kwargs: dict[str, Any], mode: str, debug_logs: Callable[[], str]
) -> None:
    outcome = run(lambda: call(method, mode, transport=mock(_lost_then_found), **kwargs))
    assert isinstance(outcome, errors.WithdrawalClientError), outcome
    assert_clean(outcome, debug_logs())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("hangup", ["at once", "after the head"])
def test_broken_connections_of_a_real_server_show_no_token(
    raw_server: RawServer, hangup: str, mode: str, debug_logs: Callable[[], str]
) -> None:
    """httpx and httpcore frames hold the request (and its Authorization header) when a real
    connection breaks: their locals must not show the token either."""

    def behaviour(conn: socket.socket, request: bytes) -> None:
        assert TOKEN.encode() in request  # the token did go out, in the header only
        if hangup == "after the head":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")

    raw_server.behaviour = behaviour
    for method in (Method("omnia", "get_withdrawal", ("iid",)),
                   Method("omnia", "request_withdrawal", (), SIGNED_REQUEST)):  # fmt: skip
        outcome = run(lambda m=method: call(m, mode, base_url=raw_server.url, max_retries=0))
        assert isinstance(outcome, errors.TransportError | errors.OutcomeUnknown), outcome
        assert_clean(outcome, debug_logs())


def test_successful_calls_and_their_results_show_no_secret(debug_logs: Callable[[], str]) -> None:
    def ok(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        return httpx.Response(
            200,
            json={"instructionId": "iid", "orderSource": "ETHEREUM", "tokenAddress": USDC,
                  "amount": "5", "status": "PENDING"},
        )  # fmt: skip

    with make("omnia", "sync", transport=mock(ok)) as client:
        result = client.get_withdrawal("iid")
        texts = [*renderings(result), *renderings(client), repr(client._driver.auth)]
    keys = StarkKeys.of(PRIVATE_KEY)
    signed = build_withdrawal_to(stark_private_key=keys, **BUILD)
    signer = Eip712Signer(ETH_KEY, _layout())
    texts += [*renderings(keys), *renderings(signed), *renderings(signer)]
    for text in [*texts, debug_logs()]:
        assert not leaked(text), text


# --- reprs that cannot fail -------------------------------------------------------------------

HALF_BUILT = [ReddioClient, AsyncReddioClient, Eip712Signer, ExternalSigner, StarkKeys, BearerAuth]


@pytest.mark.parametrize("cls", HALF_BUILT, ids=[c.__name__ for c in HALF_BUILT])
def test_a_half_built_object_has_a_repr(cls: type) -> None:
    """A constructor that fails leaves ``self`` in its frame: a locals formatter calls repr."""
    half = cls.__new__(cls)
    text = repr(half)
    assert cls.__name__ in text


def test_a_secrets_hash_tells_nothing_of_it() -> None:
    assert hash(Secret(PRIVATE_KEY)) != hash(PRIVATE_KEY)
    assert hash(Secret(PRIVATE_KEY)) % (2**61 - 1) != PRIVATE_KEY % (2**61 - 1)
    assert hash(Secret(PRIVATE_KEY)) == hash(Secret(PRIVATE_KEY))  # usable as a key still
