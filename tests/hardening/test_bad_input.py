"""Bad values for every parameter: every public method, every constructor, the signers.

Each is refused with InvalidInput naming the parameter and stating a rule, before any request
(the transport records every request and none may come). Where the space of values is large,
hypothesis searches it: what is accepted must then be what the rule says.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hardening_support import (
    ETH_ASSET_ID,
    ETH_KEY,
    EXAMPLES,
    EXPLICIT,
    MODES,
    OFFLINE,
    PRIVATE_KEY,
    RECEIVER,
    SIGNATURE,
    SIGNED,
    STARK_KEY,
    TOKEN,
    USDC,
    Method,
    call,
    mock,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from withdrawal_clients import errors
from withdrawal_clients.omnia import Eip712Layout, Eip712Signer, ExternalSigner, OmniaClient
from withdrawal_clients.omnia.signers import WithdrawalToSign
from withdrawal_clients.reddio import StarkKeys, build_withdrawal_to

# Values no parameter of ours takes (each parameter adds its own).
ALIEN: list[Any] = [object(), {1: 2}, b"\x00", math.nan]
TEXT_JUNK = ["", " ", "\n", "5\n", " 5", "\u0665", "\uff15", "9" * 5000, "0x", "0xZZ"]
NUMBER_JUNK: list[Any] = [-1, 2**300, -(2**300), True, 1.5, math.inf, Decimal("NaN")]
DURATION_JUNK: list[Any] = [0, -1, math.nan, math.inf, "10", True, 1e10, timedelta(seconds=-1)]
CHECKSUM_TYPO = "0x76F2fc7ed90039d986e3eb4db294f05e160c8f03"  # one letter's case changed
NOT_ADDRESSES = [RECEIVER[:-1], RECEIVER + "0", RECEIVER + "00", CHECKSUM_TYPO, RECEIVER[2:]]
ADDRESS_JUNK = [*NOT_ADDRESSES, "0x" + "0" * 40]  # where the zero address is never meant


def sent_nothing(action: Callable[[httpx.MockTransport], Any]) -> errors.InvalidInput:
    """Run ``action`` with a transport that records requests; it must raise InvalidInput and
    send nothing."""
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    with pytest.raises(errors.InvalidInput) as raised:
        action(mock(handler))
    assert requests == [], "a request was sent before the input was refused"
    assert raised.value.rule, "the error states no rule"
    return raised.value


# --- method parameters, sync and async --------------------------------------------------------

R = "reddio"
O = "omnia"  # noqa: E741
WITHDRAW = {"contract_address": "ETH", "amount": 10000, "quantized": True}
REQUEST = {"order_source": "ETHEREUM", "token_address": USDC, "amount": "1", "signature": SIGNATURE}
# (api, method, valid keyword arguments, parameter, bad values)
PARAMETERS: list[tuple[str, str, dict[str, Any], str, list[Any]]] = [
    (R, "nonce", {}, "stark_key", [*TEXT_JUNK, -1, 2**251, 1.5, True]),
    (R, "vault_ids", {"stark_keys": [STARK_KEY]}, "asset_id", [*TEXT_JUNK, -1, 2**251, None]),
    (
        R,
        "vault_ids",
        {"asset_id": ETH_ASSET_ID},
        "stark_keys",
        [5, "0x1", [], [None], ADDRESS_JUNK[:1]],
    ),
    (R, "contract_info", {"asset_type": "ETH"}, "contract_address", [*ADDRESS_JUNK, None, "0x1"]),
    (
        R,
        "contract_info",
        {"contract_address": "ETH"},
        "asset_type",
        ["eth2", "", None, 5, "ERC1155"],
    ),
    (R, "get_record", {}, "sequence_id", [*NUMBER_JUNK, 2**63, "1", None]),
    (R, "get_record", {"sequence_id": 1}, "stark_key", [*TEXT_JUNK, -1, 1.5]),
    (R, "record_by_signature", {"s": 1}, "r", [*TEXT_JUNK, -1, 2**251, 1.5, None]),
    (R, "record_by_signature", {"r": 1}, "s", [*TEXT_JUNK, -1, 2**251, 1.5, None]),
    (R, "withdrawal_status", {}, "eth_address", [*NOT_ADDRESSES, None]),
    (R, "wait_for_record", {"sequence_id": 1}, "timeout", DURATION_JUNK),
    (R, "wait_for_record", {"sequence_id": 1}, "poll_interval", DURATION_JUNK),
    (R, "wait_for_record", {"sequence_id": 1}, "until", ["final", 5, True]),
    (R, "wait_for_record", {}, "sequence_id", [*NUMBER_JUNK, 2**63]),
    (R, "withdraw", WITHDRAW, "contract_address", [*ADDRESS_JUNK, None]),
    (R, "withdraw", WITHDRAW, "amount", [*NUMBER_JUNK, 0, 2**63, "1", None]),
    (R, "withdraw", {**WITHDRAW, "quantized": False}, "amount", [*TEXT_JUNK, 2**300, "1e400"]),
    (R, "withdraw", WITHDRAW, "quantized", ["false", "true", 0, 1, None]),
    (R, "withdraw", WITHDRAW, "asset_type", ["ERC1155", 5, "eth2"]),
    (R, "withdraw", WITHDRAW, "stark_key", [*TEXT_JUNK, -1]),
    (R, "withdraw_to", EXPLICIT, "contract_address", [*ADDRESS_JUNK, None]),
    (R, "withdraw_to", EXPLICIT, "asset_type", ["ERC1155", 5, None, "eth2"]),
    (R, "withdraw_to", EXPLICIT, "amount", [*NUMBER_JUNK, 0, 2**63, "10", None]),
    (R, "withdraw_to", {**EXPLICIT, "quantized": False}, "amount", [*TEXT_JUNK, 2**300, "1e400"]),
    (R, "withdraw_to", EXPLICIT, "quantized", ["false", "true", 0, 1, None]),
    (R, "withdraw_to", EXPLICIT, "receiver", [*ADDRESS_JUNK, "0x0", 0, -1, None, *TEXT_JUNK]),
    (R, "withdraw_to", EXPLICIT, "token_id", ["5", 5]),
    (R, "withdraw_to", EXPLICIT, "expiration_timestamp", [*NUMBER_JUNK, 2**22, 1_700_000_000, 1]),
    (R, "withdraw_to", EXPLICIT, "nonce", [*NUMBER_JUNK, *TEXT_JUNK, 2**31]),
    (R, "withdraw_to", EXPLICIT, "vault_id", [*NUMBER_JUNK, *TEXT_JUNK, 2**31]),
    (R, "withdraw_to", EXPLICIT, "receiver_vault_id", [*NUMBER_JUNK, *TEXT_JUNK, 2**31]),
    (R, "withdraw_to", EXPLICIT, "asset_id", [*TEXT_JUNK, -1, 2**251, 1.5]),
    (R, "submit_withdrawal_to", {}, "signed", [None, {}, dict(SIGNED.body), 5]),
    (O, "request_withdrawal", REQUEST, "order_source", ["ethereum", "", None, 5, "ETH EREUM"]),
    (O, "request_withdrawal", REQUEST, "token_address", [*NOT_ADDRESSES, None]),
    (O, "request_withdrawal", REQUEST, "amount", [*TEXT_JUNK, *NUMBER_JUNK, 0, "-1", "1e400"]),
    (O, "request_withdrawal", REQUEST, "signature", ["", "0x", "0x1", "abcd", 5]),
    (O, "request_withdrawal", REQUEST, "instruction_id", [".", "..", "a/b", "a\\b", "", " a", 5]),
    (O, "request_withdrawal", REQUEST, "deadline", [2**63, 2**300, 1, -1, 1.5, "soon", True]),
    (O, "request_withdrawal", REQUEST, "token_decimals", [-1, 256, 1.5, "6", True]),
    (O, "request_withdrawal", REQUEST, "chain_id", [0, -1, 2**256, 1.5, "1", True]),
    (O, "request_withdrawal", {**REQUEST, "signature": None}, "signer", [5, "signer", object()]),
    (O, "get_withdrawal", {}, "instruction_id", [".", "..", "a/b", "", "x" * 65, 5, None]),
    (O, "wait_for_withdrawal", {}, "instruction_id", [".", "..", "a/b", "", 5]),
    (O, "wait_for_withdrawal", {"instruction_id": "i"}, "timeout", DURATION_JUNK),
    (O, "wait_for_withdrawal", {"instruction_id": "i"}, "poll_interval", DURATION_JUNK),
]
METHOD_CASES = [
    pytest.param(api, name, valid, field, bad, mode, id=f"{api}.{name}.{field}={bad!r:.20}-{mode}")
    for api, name, valid, field, values in PARAMETERS
    for bad in [*values, *ALIEN]
    for mode in MODES
]


@pytest.mark.parametrize(("api", "name", "valid", "field", "bad", "mode"), METHOD_CASES)
def test_every_bad_method_argument_is_refused_before_sending(
    api: str, name: str, valid: dict[str, Any], field: str, bad: Any, mode: str
) -> None:
    method = Method(api, name, (), {**valid, field: bad})
    error = sent_nothing(lambda transport: call(method, mode, transport=transport))
    assert error.field == field, f"{error.field}: {error.rule}"


# --- constructors -----------------------------------------------------------------------------

CONSTRUCTOR_PARAMETERS: list[tuple[str, str, list[Any]]] = [
    ("base_url", "base_url", [123, "ftp://x", "http://", "http://[::1", "http://a b", "x", b"x"]),
    ("timeout", "timeout", [*DURATION_JUNK[:-1], httpx.Timeout(-1.0), httpx.Timeout(math.nan)]),
    ("max_retries", "max_retries", ["3", -1, 101, 1.0, True, None]),
    ("call_timeout", "call_timeout", DURATION_JUNK),
    ("transport", "transport", [5, "x", object()]),
    ("http_client", "http_client", [5, "x", object()]),
    ("sleep", "sleep", [5, "x", None]),
    ("clock", "clock", [5, "x"]),
]
KEY_JUNK: list[Any] = [0, -1, 2**252, "0x", "nothex", hex(PRIVATE_KEY) + "\n", 1.5, True, b"\x01"]
API_PARAMETERS: list[tuple[str, str, str, list[Any]]] = [
    (R, "network", "network", ["devnet", "", None, 5]),
    (R, "stark_private_key", "stark_private_key", KEY_JUNK),
    (O, "environment", "environment", ["staging", "", None, 5]),
    (O, "token", "token", [5, "", "a b", TOKEN + "\n", "tok\u00e9n", b"jwt"]),
    (O, "token_provider", "token_provider", [5, "x"]),
]
CONSTRUCTOR_CASES = [
    pytest.param(api, param, field, bad, mode, id=f"{api}.{param}={bad!r:.20}-{mode}")
    for api in (R, O)
    for param, field, values in CONSTRUCTOR_PARAMETERS
    for bad in [*values, *ALIEN[:2]]
    for mode in MODES
] + [
    pytest.param(api, param, field, bad, mode, id=f"{api}.{param}={bad!r:.20}-{mode}")
    for api, param, field, values in API_PARAMETERS
    for bad in [*values, *ALIEN[:2]]
    for mode in MODES
]


@pytest.mark.parametrize(("api", "param", "field", "bad", "mode"), CONSTRUCTOR_CASES)
def test_every_bad_constructor_argument_is_refused(
    api: str, param: str, field: str, bad: Any, mode: str
) -> None:
    def build(transport: httpx.MockTransport) -> Any:
        kwargs: dict[str, Any] = {param: bad}
        if param not in ("transport", "http_client"):
            kwargs["transport"] = transport
        method = Method(O, "get_withdrawal", ("iid",)) if api == O else Method(R, "nonce")
        return call(method, mode, **kwargs)

    error = sent_nothing(build)
    assert error.field == field, f"{error.field}: {error.rule}"


# --- offline signing and the signers ----------------------------------------------------------

BUILD = {"stark_private_key": PRIVATE_KEY, **OFFLINE}
BUILD_BAD: dict[str, list[Any]] = {
    "stark_private_key": KEY_JUNK,
    "contract_address": ADDRESS_JUNK,
    "asset_id": [*TEXT_JUNK, -1, 2**251],
    "amount": [*NUMBER_JUNK, 0, 2**63, "1"],
    "nonce": [*NUMBER_JUNK, *TEXT_JUNK, 2**31],
    "vault_id": [*NUMBER_JUNK, *TEXT_JUNK, 2**31],
    "receiver": [*ADDRESS_JUNK, "0x0", 0, *TEXT_JUNK],
    "receiver_vault_id": [*NUMBER_JUNK, 2**31],
    "token_id": [-1, 2**256, "9" * 5000, 1.5],
    "expiration_timestamp": [*NUMBER_JUNK, 2**22],
}


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        pytest.param(f, b, id=f"{f}={b!r:.20}")
        for f, values in BUILD_BAD.items()
        for b in [*values, *ALIEN]
    ],
)
def test_build_withdrawal_to_refuses_every_bad_value(field: str, bad: Any) -> None:
    with pytest.raises(errors.InvalidInput) as raised:
        build_withdrawal_to(**{**BUILD, field: bad})
    assert raised.value.field == field


LAYOUT = Eip712Layout(
    domain={"name": "DTW", "version": "1", "chainId": 1},
    primary_type="Withdrawal",
    fields=[("amount", "uint8", "amount_base_units"), ("deadline", "uint64", "deadline_ms")],
)


def _withdrawal(**changes: Any) -> WithdrawalToSign:
    fields: dict[str, Any] = {
        "instruction_id": "iid",
        "order_source": "ETHEREUM",
        "token_address": USDC,
        "amount": Decimal(1),
        "amount_base_units": 100,
        "deadline_ms": 1_700_000_000_000,
        "chain_id": None,
    }
    return WithdrawalToSign(**{**fields, **changes})


@pytest.mark.parametrize(
    "changes",
    [{"amount_base_units": 256}, {"amount_base_units": -1}, {"deadline_ms": 2**64}],
)
def test_a_value_that_does_not_fit_the_struct_is_invalid_input(changes: dict[str, Any]) -> None:
    signer = Eip712Signer(ETH_KEY, LAYOUT)
    with pytest.raises(errors.InvalidInput) as raised:
        signer.sign_withdrawal(_withdrawal(**changes))
    assert raised.value.field == "signer"


@pytest.mark.parametrize("mode", MODES)
def test_an_overflowing_deadline_is_refused_before_signing_or_sending(mode: str) -> None:
    signer = Eip712Signer(ETH_KEY, LAYOUT)  # a deadline in ms does not fit uint64 at 2^64
    request = {**REQUEST, "signature": None, "signer": signer, "deadline": 2**64}
    error = sent_nothing(
        lambda transport: call(
            Method(O, "request_withdrawal", (), request), mode, transport=transport
        )
    )
    assert error.field in ("deadline", "signer")


SIGNER_CASES: list[tuple[Callable[[Any], Any], str, list[Any]]] = [
    (lambda bad: Eip712Signer(bad, LAYOUT), "private_key", [*KEY_JUNK, "0x" + "00" * 32, None]),
    (lambda bad: Eip712Signer(ETH_KEY, bad), "layout", [None, {}, "layout"]),
    (lambda bad: Eip712Layout(domain=bad, primary_type="W", fields=[("a", "uint8", "amount")]),
     "domain", [5, "x", {"chainId": -1}, {"chainId": 2**256}, {"name": 5}, {"bad": 1},
                {"verifyingContract": CHECKSUM_TYPO}, {"salt": b"short"}]),
    (lambda bad: Eip712Layout(domain={}, primary_type=bad, fields=[("a", "uint8", "amount")]),
     "primary_type", ["", 5, None, "EIP712Domain", "a b"]),
    (lambda bad: Eip712Layout(domain={}, primary_type="W", fields=bad),
     "fields", [5, "abc", [], [5], [("a", "uint8")], [("a", "uint7", "amount")],
                [("a", "uint8", "nope")], [("", "uint8", "amount")], [("a", "uint8", 5)]]),
    (lambda bad: ExternalSigner(bad), "sign", [5, "sign", None]),
    (lambda bad: ExternalSigner(lambda w: "0x00", name=bad), "name", [5, b"x"]),
    (lambda bad: ExternalSigner.typed_data(bad, lambda d: "0x00"), "layout", [5, None]),
    (lambda bad: StarkKeys.of(bad), "stark_private_key", KEY_JUNK),
    (lambda bad: StarkKeys.from_eth_key(bad, chain_id=1), "eth_private_key",
     ["0x" + "00" * 32, "0x12", 5, ETH_KEY + "\n"]),
    (lambda bad: StarkKeys.from_eth_key(ETH_KEY, chain_id=bad), "chain_id",
     [0, -1, "1", True, 2**256]),
    (lambda bad: StarkKeys.from_eth_signature(bad), "eth_signature", ["0x12", 5, "zz" * 65]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "field", "bad"),
    [
        pytest.param(build, field, bad, id=f"{field}={bad!r:.20}")
        for build, field, values in SIGNER_CASES
        for bad in values
    ],
)
def test_signers_and_keys_refuse_every_bad_value(
    build: Callable[[Any], Any], field: str, bad: Any
) -> None:
    with pytest.raises(errors.InvalidInput) as raised:
        build(bad)
    assert raised.value.field == field


# --- large spaces (property-based) ------------------------------------------------------------


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(text=st.text(max_size=12) | st.from_regex(r"\A[0-9\s.\u0660-\u0669\uff10-\uff19]{1,6}\Z"))
def test_an_amount_text_is_accepted_only_as_plain_ascii_decimal(text: str) -> None:
    """Omnia's amount: whatever text is accepted is a plain positive ASCII decimal."""
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(400, json={"code": "X"})

    with OmniaClient("http://omnia.test", token=TOKEN, transport=mock(handler)) as client:
        try:
            client.request_withdrawal(**{**REQUEST, "amount": text})
        except errors.InvalidInput as exc:
            assert exc.field == "amount" and not requests
            return
        except errors.ApiError:
            pass
    assert set(text) <= set("0123456789+-.eE"), f"accepted {text!r}"
    assert Decimal(text) > 0


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(
    receiver=st.text(alphabet="0123456789abcdefABCDEFx \n", max_size=66)
    | st.integers(-(2**256), 2**256)
    | st.builds(
        lambda digits: "0x" + digits, st.text(alphabet="0123456789abcdefABCDEF", max_size=64)
    )
)
def test_a_receiver_is_accepted_only_as_an_address_or_a_stark_key(receiver: object) -> None:
    """Whatever receiver is signed is an address of 40 hex digits whose mixed case passes
    EIP-55, or a number at least 2^160 (a stark key); never zero, never ambiguous."""
    try:
        signed = build_withdrawal_to(**{**BUILD, "receiver": receiver})
    except errors.InvalidInput as exc:
        assert exc.field == "receiver"
        return
    posted = signed.body["receiver"]
    number = int(posted, 16)
    assert 0 < number < 2**251
    if len(posted) == 42:
        assert isinstance(receiver, int) or receiver.lower() == posted  # type: ignore[union-attr]
        if isinstance(receiver, str) and receiver[2:] not in (
            receiver[2:].lower(),
            receiver[2:].upper(),
        ):
            from withdrawal_clients._core.rules import eip55

            assert eip55(receiver) == receiver
    else:
        assert number >= 2**160


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(seconds=st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 5))
def test_a_timeout_is_accepted_only_as_a_positive_finite_number(seconds: float) -> None:
    try:
        OmniaClient("http://omnia.test", token=TOKEN, timeout=seconds, call_timeout=seconds).close()
    except errors.InvalidInput as exc:
        assert exc.field in ("timeout", "call_timeout")
        assert not (0 < seconds < 1e9)
        return
    assert 0 < seconds < 1e9


@pytest.fixture(scope="module")
def sandbox_omnia() -> Iterator[tuple[str, str]]:
    """A real Omnia sandbox over HTTP: (base URL, token)."""
    from withdrawal_clients.sandbox import Sandbox

    sandbox = Sandbox()
    with sandbox.serve() as served:
        yield served.omnia_url, sandbox.omnia_token


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(
    instruction_id=st.text(min_size=1, max_size=64)
    | st.sampled_from([".", "..", "a/b", "./", "%2F", "a%", "?", "#", "a\\b", ";x", "~", "+"])
)
def test_an_accepted_instruction_id_can_be_read_back(
    sandbox_omnia: tuple[str, str], instruction_id: str
) -> None:
    """What request_withdrawal records under an instruction id, get_withdrawal finds again
    (through the URL path of a real server); an id that could not round-trip is refused."""
    url, token = sandbox_omnia
    with OmniaClient(url, token=token) as client:
        try:
            posted = client.request_withdrawal(**{**REQUEST, "instruction_id": instruction_id})
        except errors.InvalidInput as exc:
            assert exc.field == "instruction_id"
            return
        found = client.get_withdrawal(instruction_id)
        assert (found.instruction_id, found.amount) == (instruction_id, posted.amount)


# --- verdicts: a POST that never left is not an unknown outcome --------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("token", [5, "", "a b", TOKEN + "\n", None])
def test_a_bad_token_from_the_provider_sends_nothing(mode: str, token: object) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    method = Method(O, "request_withdrawal", (), REQUEST)
    with pytest.raises(errors.AuthError):
        call(method, mode, transport=mock(handler), token=None, token_provider=lambda: token)
    assert requests == []


@pytest.mark.parametrize("mode", MODES)
def test_a_copy_that_cannot_be_sent_after_one_that_may_have_been_is_unknown(mode: str) -> None:
    """The first POST's answer is lost, the lookup finds nothing, and the very same body cannot
    go again (the token is refused and no new one comes): the first may have been applied."""
    tokens = iter([TOKEN])
    posts: list[httpx.Request] = []

    def provider() -> str:
        return next(tokens)  # the second call fails (StopIteration)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(404, json={"code": "UNKNOWN_WITHDRAWAL_REQUEST"})
        posts.append(request)
        if len(posts) == 1:
            raise httpx.ReadTimeout("answer lost", request=request)
        return httpx.Response(401, json={"code": "INVALID_JWT_TOKEN"})

    method = Method(O, "request_withdrawal", (), REQUEST)
    with pytest.raises(errors.OutcomeUnknown) as raised:
        call(method, mode, transport=mock(handler), token=None, token_provider=provider)
    assert isinstance(raised.value.cause, errors.AuthError)
    assert len(posts) == 2
