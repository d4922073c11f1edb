from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope import Envelope
from ...models.records_envelope import RecordsEnvelope
from ...types import UNSET, Response


def _get_kwargs(
    *,
    r: str,
    s: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["r"] = r

    params["s"] = s

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/record/by/signature",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Envelope | RecordsEnvelope | None:
    if response.status_code == 200:
        response_200 = RecordsEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Envelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Envelope.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = Envelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Envelope.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Envelope | RecordsEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    r: str,
    s: str,
) -> Response[Envelope | RecordsEnvelope]:
    """Records produced by a signature

     The record(s) that a signed transaction produced, found by its signature. This is how a
    client learns whether a `POST /v1/withdrawalto` whose answer was lost was accepted. An
    empty list (or `data: null`) means Reddio has no transaction with this signature.

    Args:
        r (str): One half (r or s) of a STARK ECDSA signature: 0x-hex without leading zeros (as
            Reddio's
            SDKs send it), non-zero and below 2^251. (An s between 2^251 and the curve order, about
            one signature in 2^55, is refused: StarkEx's verifiers need s below 2^251.)
             Example: 0x31b060e6c34c4508cd3a1fa6e3e09788b62e693434c947d15d2369c1841cbe1.
        s (str): One half (r or s) of a STARK ECDSA signature: 0x-hex without leading zeros (as
            Reddio's
            SDKs send it), non-zero and below 2^251. (An s between 2^251 and the curve order, about
            one signature in 2^55, is refused: StarkEx's verifiers need s below 2^251.)
             Example: 0x31b060e6c34c4508cd3a1fa6e3e09788b62e693434c947d15d2369c1841cbe1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | RecordsEnvelope]
    """

    kwargs = _get_kwargs(
        r=r,
        s=s,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    r: str,
    s: str,
) -> Envelope | RecordsEnvelope | None:
    """Records produced by a signature

     The record(s) that a signed transaction produced, found by its signature. This is how a
    client learns whether a `POST /v1/withdrawalto` whose answer was lost was accepted. An
    empty list (or `data: null`) means Reddio has no transaction with this signature.

    Args:
        r (str): One half (r or s) of a STARK ECDSA signature: 0x-hex without leading zeros (as
            Reddio's
            SDKs send it), non-zero and below 2^251. (An s between 2^251 and the curve order, about
            one signature in 2^55, is refused: StarkEx's verifiers need s below 2^251.)
             Example: 0x31b060e6c34c4508cd3a1fa6e3e09788b62e693434c947d15d2369c1841cbe1.
        s (str): One half (r or s) of a STARK ECDSA signature: 0x-hex without leading zeros (as
            Reddio's
            SDKs send it), non-zero and below 2^251. (An s between 2^251 and the curve order, about
            one signature in 2^55, is refused: StarkEx's verifiers need s below 2^251.)
             Example: 0x31b060e6c34c4508cd3a1fa6e3e09788b62e693434c947d15d2369c1841cbe1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | RecordsEnvelope
    """

    return sync_detailed(
        client=client,
        r=r,
        s=s,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    r: str,
    s: str,
) -> Response[Envelope | RecordsEnvelope]:
    """Records produced by a signature

     The record(s) that a signed transaction produced, found by its signature. This is how a
    client learns whether a `POST /v1/withdrawalto` whose answer was lost was accepted. An
    empty list (or `data: null`) means Reddio has no transaction with this signature.

    Args:
        r (str): One half (r or s) of a STARK ECDSA signature: 0x-hex without leading zeros (as
            Reddio's
            SDKs send it), non-zero and below 2^251. (An s between 2^251 and the curve order, about
            one signature in 2^55, is refused: StarkEx's verifiers need s below 2^251.)
             Example: 0x31b060e6c34c4508cd3a1fa6e3e09788b62e693434c947d15d2369c1841cbe1.
        s (str): One half (r or s) of a STARK ECDSA signature: 0x-hex without leading zeros (as
            Reddio's
            SDKs send it), non-zero and below 2^251. (An s between 2^251 and the curve order, about
            one signature in 2^55, is refused: StarkEx's verifiers need s below 2^251.)
             Example: 0x31b060e6c34c4508cd3a1fa6e3e09788b62e693434c947d15d2369c1841cbe1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | RecordsEnvelope]
    """

    kwargs = _get_kwargs(
        r=r,
        s=s,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    r: str,
    s: str,
) -> Envelope | RecordsEnvelope | None:
    """Records produced by a signature

     The record(s) that a signed transaction produced, found by its signature. This is how a
    client learns whether a `POST /v1/withdrawalto` whose answer was lost was accepted. An
    empty list (or `data: null`) means Reddio has no transaction with this signature.

    Args:
        r (str): One half (r or s) of a STARK ECDSA signature: 0x-hex without leading zeros (as
            Reddio's
            SDKs send it), non-zero and below 2^251. (An s between 2^251 and the curve order, about
            one signature in 2^55, is refused: StarkEx's verifiers need s below 2^251.)
             Example: 0x31b060e6c34c4508cd3a1fa6e3e09788b62e693434c947d15d2369c1841cbe1.
        s (str): One half (r or s) of a STARK ECDSA signature: 0x-hex without leading zeros (as
            Reddio's
            SDKs send it), non-zero and below 2^251. (An s between 2^251 and the curve order, about
            one signature in 2^55, is refused: StarkEx's verifiers need s below 2^251.)
             Example: 0x31b060e6c34c4508cd3a1fa6e3e09788b62e693434c947d15d2369c1841cbe1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | RecordsEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            r=r,
            s=s,
        )
    ).parsed
