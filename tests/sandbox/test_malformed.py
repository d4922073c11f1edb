"""Every request gets a documented answer, however malformed: never a 500 or a text/plain page.

The ``http`` fixture validates every API answer against the specs (conftest), so each request
below also proves that the answer's status, content type and body are the documented ones.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from withdrawal_clients.sandbox import Sandbox, SandboxConfig, StarkexContracts

ERC721 = "0x5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d5a0d0721"
WITHDRAWALS = "/omnia/api/v2/withdrawals"
POSTS = [
    "/reddio/v1/withdrawal",
    "/reddio/v1/withdrawalto",
    WITHDRAWALS,
    "/_sandbox/faults",
    "/_sandbox/clock/advance",
]
DEEP = b"[" * 100_000 + b"]" * 100_000


def refused(response: httpx.Response) -> tuple[int, Any]:
    """HTTP status and error code (Reddio's ``error_code``, Omnia's ``code``) of a refusal."""
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    if "status" in body:
        assert (body["status"], body["data"]) == ("FAILED", None)
        return response.status_code, body.get("error_code")
    return response.status_code, body.get("code")


@pytest.fixture
def deep_recursion_allowed() -> Iterator[None]:
    """As importing eth-account (py_ecc) does: recursion may then outgrow the C stack."""
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    yield
    sys.setrecursionlimit(saved)


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("content", [DEEP, b'{"a": NaN}', b"\xff\xfe", b"", b"[1e999]"])
def test_bodies_that_are_not_json_are_400(
    http: httpx.Client,
    omnia_headers: dict[str, str],
    path: str,
    content: bytes,
    deep_recursion_allowed: None,
) -> None:
    response = http.post(path, content=content, headers=omnia_headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"


def test_brackets_inside_strings_do_not_count_as_nesting(
    http: httpx.Client, omnia_headers: dict[str, str], omnia_body: Any
) -> None:
    body = omnia_body(note='[{"\\' * 500)  # unknown fields are allowed, and ignored
    assert http.post(WITHDRAWALS, json=body, headers=omnia_headers).status_code == 200


HUGE = "9" * 5000  # JSON numbers of more digits than Python converts by default (4,300)


@pytest.mark.parametrize(
    ("field", "raw", "named"),
    [
        ("nonce", HUGE, "body"),  # beyond what the JSON reader takes: the body is refused
        ("expiration_timestamp", HUGE, "body"),
        ("nonce", "9" * 4000, "nonce"),
        ("amount", f'"{HUGE}"', "amount"),
        ("vault_id", '"' + "1" * 4301 + '"', "vault_id"),
        ("token_id", f'"{2**256}"', "token_id"),
        ("signature", '{"r": [[[]]], "s": {"x": {}}}', "signature.r"),
        ("receiver", '{"0x1": 1}', "receiver"),
    ],
)
def test_huge_and_nested_values_are_refused_before_the_signature(
    http: httpx.Client,
    withdrawal_to_body: Any,
    sandbox: Sandbox,
    field: str,
    raw: str,
    named: str,
) -> None:
    text = json.dumps(withdrawal_to_body(after={field: "@"})).replace('"@"', raw)
    response = http.post("/reddio/v1/withdrawalto", content=text)
    assert refused(response)[0] == 400
    assert response.json()["error"].startswith(named + ":")
    assert sandbox.reddio.record_count() == 0


def test_a_token_id_of_2_256_is_refused_even_with_a_valid_signature(
    http: httpx.Client, withdrawal_to_body: Any, sandbox: Sandbox
) -> None:
    # The token id is not signed: this body's signature verifies.
    signed = withdrawal_to_body(contract_address=ERC721, amount=1, token_id=str(2**256))
    assert refused(http.post("/reddio/v1/withdrawalto", json=signed)) == (400, 19)
    key = signed["stark_key"]
    unsigned = {
        "contract_address": ERC721,
        "token_id": str(2**256),
        "stark_key": key,
        "amount": "1",
    }
    assert refused(http.post("/reddio/v1/withdrawal", json=unsigned)) == (400, 19)
    params = {"type": "ERC721", "contract_address": ERC721, "token_id": str(2**256)}
    assert refused(http.get("/reddio/v1/assetid", params=params)) == (400, 19)
    assert sandbox.reddio.record_count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount", "x"), ("nonce", -1), ("stark_key", "0X1"), ("contract_address", "Eth")],
)
def test_a_malformed_field_gets_the_same_answer_whatever_the_signature(
    http: httpx.Client, withdrawal_to_body: Any, field: str, value: Any
) -> None:
    valid = withdrawal_to_body(after={field: value})
    forged = {**valid, "signature": {"r": "0x1", "s": "0x2"}}
    answers = {
        json.dumps(http.post("/reddio/v1/withdrawalto", json=b).json()) for b in (valid, forged)
    }
    assert len(answers) == 1
    assert json.loads(answers.pop())["error"].startswith(field)


@pytest.mark.parametrize(
    "params",
    [
        {"stark_key": "0x" + "7" * 5000},
        {"stark_key": "0x1, 0x2"},
        {"stark_key": "0x01"},
        {"stark_key": ""},
        {},
    ],
)
def test_malformed_queries_are_400(http: httpx.Client, params: dict[str, str]) -> None:
    assert refused(http.get("/reddio/v1/nonce", params=params)) == (400, 18)


def test_query_integers_of_any_size_are_400(http: httpx.Client) -> None:
    for value in ("9" * 5000, "-1", "1e3", str(2**63)):
        params = {"stark_key": "0x1", "sequence_id": value}
        assert refused(http.get("/reddio/v1/record", params=params)) == (400, 19)


def test_omnia_refuses_what_its_spec_forbids(
    http: httpx.Client, omnia_headers: dict[str, str], omnia_body: Any, sandbox: Sandbox
) -> None:
    for change in ({"deadline": 2**63}, {"deadline": 1.5}, {"amount": "0.0"}, {"instructionId": 7}):
        response = http.post(WITHDRAWALS, json=omnia_body(**change), headers=omnia_headers)
        assert refused(response) == (400, "INVALID_SCHEMA")
    assert sandbox.omnia.withdrawal_count() == 0


@pytest.mark.parametrize(
    "instruction_id", ["a/b", "a\nb", "/", "..a", "a?b#c", "50%", "é€", " ", "\\", "x" * 64]
)
def test_any_stored_instruction_id_can_be_read_back(
    http: httpx.Client, omnia_headers: dict[str, str], omnia_body: Any, instruction_id: str
) -> None:
    created = http.post(
        WITHDRAWALS, json=omnia_body(instructionId=instruction_id), headers=omnia_headers
    )
    assert created.status_code == 200
    found = http.get(f"{WITHDRAWALS}/{quote(instruction_id, safe='')}", headers=omnia_headers)
    assert found.json()["instructionId"] == instruction_id


def test_instruction_ids_over_real_http(omnia_body: Any) -> None:
    sandbox = Sandbox(SandboxConfig.instant())
    headers = {"Authorization": f"Bearer {sandbox.omnia_token}"}
    with sandbox.serve() as served, httpx.Client(base_url=served.omnia_url, timeout=5) as client:
        for instruction_id in ("a/b", "a\nb", "tab\there"):
            body = omnia_body(instructionId=instruction_id)
            assert client.post("/v2/withdrawals", json=body, headers=headers).status_code == 200
            path = f"/v2/withdrawals/{quote(instruction_id, safe='')}"
            assert client.get(path, headers=headers).json()["instructionId"] == instruction_id
        missing = client.get("/v2/withdrawals/", headers=headers)
        assert (missing.status_code, missing.json()["code"]) == (404, "UNKNOWN_WITHDRAWAL_REQUEST")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/reddio/v1/nope", (404, None)),
        ("DELETE", "/reddio/v1/nonce", (405, None)),
        ("GET", "/reddio/v1/withdrawal", (405, None)),
        ("PUT", WITHDRAWALS, (405, "METHOD_NOT_ALLOWED")),
        ("GET", "/omnia/api/v3/auth/token", (404, "NOT_FOUND")),
    ],
)
def test_unknown_paths_and_methods_answer_in_the_apis_own_shape(
    sandbox: Sandbox, method: str, path: str, expected: tuple[int, Any]
) -> None:
    # Not through the spec checker: these paths and methods are not in the specs.
    with httpx.Client(base_url="http://sandbox.invalid", transport=sandbox.transport()) as raw:
        answer = raw.request(method, path)
        assert refused(answer) == expected
        assert ("allow" in answer.headers) == (answer.status_code == 405)
        elsewhere = raw.get("/elsewhere")
        assert (elsewhere.status_code, "error" in elsewhere.json()) == (404, True)


def test_the_starkex_contracts_come_from_the_config(checked_client: Any) -> None:
    default = checked_client(Sandbox()).get("/reddio/v1/starkex/contracts").json()["data"]
    assert default == {
        "mainnet": "0xB62BcD40A24985f560b5a9745d478791d8F1945C",
        "testnet": "0x8Eb82154f314EC687957CE1e9c1A5Dc3A3234DF9",
        "sepolia": "0x682173dd52A16EC51Cb65Bbd6DA1D3baCf831b45",
    }
    own = StarkexContracts(sepolia="0x" + "ab" * 20)
    answer = checked_client(Sandbox(SandboxConfig(starkex_contracts=own))).get(
        "/reddio/v1/starkex/contracts"
    )
    assert answer.json()["data"]["sepolia"] == "0x" + "ab" * 20
    with pytest.raises(ValueError, match="sepolia"):
        StarkexContracts(sepolia="0x1234")
