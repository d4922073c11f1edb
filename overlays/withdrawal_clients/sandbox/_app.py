"""The sandbox's HTTP face: a small router over the ledgers, behind fault injection.

Paths are matched here rather than by a routing library so that every request, however odd,
gets an answer in its API's own JSON shape: an Omnia instruction id is read from the raw path
(it may hold ``/``, a newline or anything else a client percent-encodes), and an unknown path or
method under an API's prefix is answered 404 or 405 with that API's error body.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ._clock import Clock
from ._faults import ADMIN_PREFIX, ASGIApp, Fault, FaultMiddleware, FaultTable, Receive, Scope, Send
from ._l1 import L1_PATH, SandboxL1
from ._l1 import route as l1_route
from ._omnia import OmniaBook
from ._omnia import error as omnia_error
from ._reddio import FAILED_TO_JSON_UNMARSHAL, ReddioLedger, failed, malformed

REDDIO_PREFIX = "/reddio"
OMNIA_PREFIX = "/omnia/api"

Endpoint = Callable[[Request], Awaitable[Response]]
Reply = tuple[int, Any]

#: Deeper bodies are refused unread: far more than any request needs, far less than a stack holds.
MAX_NESTING = 64
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def _respond(reply: Reply, headers: Mapping[str, str] | None = None) -> Response:
    status, body = reply
    return JSONResponse(body, status_code=status, headers=headers)


class _NotJson(ValueError):
    pass


def _no_constants(name: str) -> Any:
    raise _NotJson(f"{name} is not JSON")


def _nesting(raw: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (at least), strings aside."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_NESTING:
        return 0  # the common case, decided without a scan
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", raw)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


async def _json_body(request: Request) -> Any:
    """The parsed body; raises :class:`_NotJson` when it is not JSON (NaN included) or nests
    deeper than :data:`MAX_NESTING`. The depth is checked first because the parser recurses on
    the C stack, and a process may have raised the recursion limit far beyond what that stack
    holds (py_ecc, which eth-account imports, sets it to 100000): a deep body would crash it."""
    raw = await request.body()
    if _nesting(raw) > MAX_NESTING:
        raise _NotJson(f"nests deeper than {MAX_NESTING} levels")
    try:
        return json.loads(raw, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        raise _NotJson(f"not JSON that this server reads ({exc})") from None


@attrs.frozen
class _Api:
    """One mounted API: its routes (relative path -> method -> endpoint) and its error shape.

    A route ending in ``/{name}`` takes the rest of the raw path, percent-decoded, as
    ``request.path_params[name]``.
    """

    prefix: str
    routes: Mapping[str, Mapping[str, Endpoint]]
    error: Callable[[int, str], Reply]

    async def dispatch(self, request: Request) -> Response:
        relative = request.scope["path"][len(self.prefix) :]
        methods = self.routes.get(relative)
        if methods is None:
            methods = self._with_parameter(request, relative)
        if methods is None:
            return _respond(self.error(404, f"no such path: {relative!r}"))
        endpoint = methods.get(request.method)
        if endpoint is None:
            allow = {"allow": ", ".join(methods)}
            return _respond(self.error(405, f"{request.method} is not allowed here"), allow)
        return await endpoint(request)

    def _with_parameter(self, request: Request, relative: str) -> Mapping[str, Endpoint] | None:
        """The methods of the route whose ``/{name}`` takes the rest of the path, which is
        read from the raw path (an encoded ``/`` stays in the value) and set as a path param."""
        for template, methods in self.routes.items():
            head, brace, name = template.rpartition("/{")
            if brace and relative.startswith(head + "/"):
                depth = (self.prefix + head).count("/") + 1
                raw = request.scope.get("raw_path") or request.scope["path"].encode()
                parts = raw.split(b"?", 1)[0].split(b"/", depth)
                value = unquote_to_bytes(parts[-1] if len(parts) > depth else b"")
                request.scope["path_params"] = {name[:-1]: value.decode("utf-8", "replace")}
                return methods
        return None


def _reddio_error(status: int, message: str) -> Reply:
    return status, {"status": "FAILED", "error": message, "data": None}


def _omnia_error(status: int, message: str) -> Reply:
    return omnia_error(status, "NOT_FOUND" if status == 404 else "METHOD_NOT_ALLOWED", message)


def _admin_error(status: int, message: str) -> Reply:
    return status, {"error": message}


def _reddio(ledger: ReddioLedger) -> _Api:
    def get(handler: Callable[[Mapping[str, str]], Reply]) -> Mapping[str, Endpoint]:
        async def endpoint(request: Request) -> Response:
            return _respond(handler(request.query_params))

        return {"GET": endpoint}

    def post(handler: Callable[[Any], Reply]) -> Mapping[str, Endpoint]:
        async def endpoint(request: Request) -> Response:
            try:
                body = await _json_body(request)
            except _NotJson as exc:
                return _respond(failed(malformed("body", str(exc), FAILED_TO_JSON_UNMARSHAL)))
            return _respond(handler(body))

        return {"POST": endpoint}

    routes = {
        "/v1/nonce": get(ledger.nonce),
        "/v1/vaults": get(ledger.vaults),
        "/v1/contract_info": get(ledger.contract_info),
        "/v1/assetid": get(ledger.asset_id),
        "/v1/starkex/contracts": get(ledger.starkex_contracts),
        "/v1/record": get(ledger.records),
        "/v1/record/by/signature": get(ledger.records_by_signature),
        "/v1/withdrawal/status": get(ledger.withdrawal_status),
        "/v1/withdrawal": post(ledger.withdrawal),
        "/v1/withdrawalto": post(ledger.withdrawal_to),
    }
    return _Api(REDDIO_PREFIX, routes, _reddio_error)


def _omnia(book: OmniaBook) -> _Api:
    async def create(request: Request) -> Response:
        refusal = book.authorize(request.headers.get("authorization"))
        if refusal is not None:
            return _respond(refusal)
        try:
            body = await _json_body(request)
        except _NotJson as exc:
            return _respond(omnia_error(400, "INVALID_SCHEMA", f"body: {exc}"))
        return _respond(book.create(body))

    async def read(request: Request) -> Response:
        refusal = book.authorize(request.headers.get("authorization"))
        if refusal is not None:
            return _respond(refusal)
        return _respond(book.get(request.path_params["instructionId"]))

    routes = {"/v2/withdrawals": {"POST": create}, "/v2/withdrawals/{instructionId}": {"GET": read}}
    return _Api(OMNIA_PREFIX, routes, _omnia_error)


def _admin(faults: FaultTable, clock: Clock, advance: Callable[[float], None]) -> _Api:
    """The sandbox's own controls (never faulted, not part of either API)."""

    async def list_faults(request: Request) -> Response:
        return JSONResponse({"faults": [f.to_json() for f in faults.active()]})

    async def add_fault(request: Request) -> Response:
        try:
            faults.add(Fault.from_json(await _json_body(request)))
        except (TypeError, ValueError) as exc:  # _NotJson included
            return _respond(_admin_error(400, str(exc)))
        return await list_faults(request)

    async def clear_faults(request: Request) -> Response:
        faults.clear()
        return await list_faults(request)

    async def advance_clock(request: Request) -> Response:
        try:
            body = await _json_body(request)
        except _NotJson:
            body = None
        seconds = body.get("seconds") if isinstance(body, dict) else None
        if (
            not isinstance(seconds, int | float)
            or isinstance(seconds, bool)
            or not 0 <= seconds < math.inf
        ):
            return _respond(_admin_error(400, "seconds: a finite number >= 0"))
        try:
            advance(seconds)
        except TypeError as exc:
            return _respond(_admin_error(409, str(exc)))
        return JSONResponse({"now": clock.now()})

    routes = {
        "/faults": {"GET": list_faults, "POST": add_fault, "DELETE": clear_faults},
        "/clock/advance": {"POST": advance_clock},
    }
    return _Api(ADMIN_PREFIX, routes, _admin_error)


def build_app(
    reddio: ReddioLedger,
    omnia: OmniaBook,
    faults: FaultTable,
    clock: Clock,
    advance: Callable[[float], None],
    l1: SandboxL1,
) -> ASGIApp:
    """Both APIs, layer 1's JSON-RPC and the controls, behind fault injection. ``advance``
    moves the clock (it raises TypeError when the clock cannot be moved)."""
    apis = (_reddio(reddio), _omnia(omnia), _admin(faults, clock, advance))
    layer1 = l1_route(l1)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # served with lifespan="off": nothing else is expected
        path = scope["path"]
        if path == L1_PATH:
            await layer1(scope, receive, send)
            return
        request = Request(scope, receive)
        api = next((a for a in apis if path.startswith(a.prefix + "/")), None)
        if api is None:
            response = _respond(_admin_error(404, f"no API under {path!r}"))
        else:
            response = await api.dispatch(request)
        await response(scope, receive, send)

    return FaultMiddleware(app, faults)
