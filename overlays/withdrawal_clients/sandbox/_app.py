"""The sandbox's HTTP face: Starlette routes over the ledgers, behind fault injection."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from ._faults import ADMIN_PREFIX, ASGIApp, Fault, FaultMiddleware
from ._l1 import route as l1_route
from ._omnia import error as omnia_error
from ._reddio import FAILED_TO_JSON_UNMARSHAL, Refused, failed

if TYPE_CHECKING:
    from ._sandbox import Sandbox

REDDIO_PREFIX = "/reddio"
OMNIA_PREFIX = "/omnia/api"

Endpoint = Callable[[Request], Awaitable[Response]]


def _respond(reply: tuple[int, Any]) -> Response:
    status, body = reply
    return JSONResponse(body, status_code=status)


async def _json_body(request: Request) -> Any:
    """The parsed body, or ``_BAD_JSON`` when it is not JSON."""
    try:
        return json.loads(await request.body())
    except ValueError:
        return _BAD_JSON


_BAD_JSON = object()


def _reddio_routes(sandbox: Sandbox) -> list[Route]:
    ledger = sandbox.reddio

    def get(handler: Callable[..., tuple[int, Any]], *params: str) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            query = request.query_params
            return _respond(handler(*(query.get(p) for p in params)))

        return endpoint

    def post(handler: Callable[[Any], tuple[int, Any]]) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            body = await _json_body(request)
            if body is _BAD_JSON:
                return _respond(failed(Refused(FAILED_TO_JSON_UNMARSHAL, "body: invalid JSON")))
            return _respond(handler(body))

        return endpoint

    return [
        Route("/v1/nonce", get(ledger.nonce, "stark_key")),
        Route("/v1/vaults", get(ledger.vaults, "asset_id", "stark_keys")),
        Route("/v1/contract_info", get(ledger.contract_info, "type", "contract_address")),
        Route(
            "/v1/assetid",
            get(ledger.asset_id, "type", "contract_address", "token_id", "quantum"),
        ),
        Route("/v1/record", get(ledger.records, "stark_key", "sequence_id")),
        Route("/v1/record/by/signature", get(ledger.records_by_signature, "r", "s")),
        Route("/v1/withdrawal/status", get(ledger.withdrawal_status, "stage", "ethaddress")),
        Route("/v1/withdrawal", post(ledger.withdrawal), methods=["POST"]),
        Route("/v1/withdrawalto", post(ledger.withdrawal_to), methods=["POST"]),
    ]


def _omnia_routes(sandbox: Sandbox) -> list[Route]:
    book = sandbox.omnia

    async def create(request: Request) -> Response:
        refusal = book.authorize(request.headers.get("authorization"))
        if refusal is not None:
            return _respond(refusal)
        body = await _json_body(request)
        if body is _BAD_JSON:
            return _respond(omnia_error(400, "INVALID_SCHEMA", "body: invalid JSON"))
        return _respond(book.create(body))

    async def read(request: Request) -> Response:
        refusal = book.authorize(request.headers.get("authorization"))
        if refusal is not None:
            return _respond(refusal)
        return _respond(book.get(request.path_params["instruction_id"]))

    return [
        Route("/v2/withdrawals", create, methods=["POST"]),
        Route("/v2/withdrawals/{instruction_id}", read),
    ]


def _admin_routes(sandbox: Sandbox) -> list[Route]:
    """The sandbox's own controls (never faulted, not part of either API)."""

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                sandbox.faults.add(Fault.from_json(await _json_body(request)))
            except (TypeError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        elif request.method == "DELETE":
            sandbox.faults.clear()
        return JSONResponse({"faults": [f.to_json() for f in sandbox.faults.active()]})

    async def advance(request: Request) -> Response:
        body = await _json_body(request)
        seconds = body.get("seconds") if isinstance(body, dict) else None
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            return JSONResponse({"error": "seconds: a number >= 0"}, status_code=400)
        try:
            sandbox.advance(seconds)
        except TypeError as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        return JSONResponse({"now": sandbox.clock.now()})

    return [
        Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/clock/advance", advance, methods=["POST"]),
    ]


def build_app(sandbox: Sandbox) -> ASGIApp:
    app = Starlette(
        routes=[
            Mount(REDDIO_PREFIX, routes=_reddio_routes(sandbox)),
            Mount(OMNIA_PREFIX, routes=_omnia_routes(sandbox)),
            Mount(ADMIN_PREFIX, routes=_admin_routes(sandbox)),
            l1_route(sandbox.l1),
        ]
    )
    return FaultMiddleware(app, sandbox.faults)
