from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope import Envelope
from ...models.nonce_envelope import NonceEnvelope
from ...types import UNSET, Response


def _get_kwargs(
    *,
    stark_key: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["stark_key"] = stark_key

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/nonce",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Envelope | NonceEnvelope | None:
    if response.status_code == 200:
        response_200 = NonceEnvelope.from_dict(response.json())

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
) -> Response[Envelope | NonceEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    stark_key: str,
) -> Response[Envelope | NonceEnvelope]:
    """Next nonce of a stark key

     The nonce the next signed transaction of this stark key must carry.

    Args:
        stark_key (str): A stark key (the x coordinate of a STARK-curve public key): 0x-hex
            without leading zeros,
            non-zero and below 2^251 (the pattern says all three).
             Example: 0x77a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | NonceEnvelope]
    """

    kwargs = _get_kwargs(
        stark_key=stark_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    stark_key: str,
) -> Envelope | NonceEnvelope | None:
    """Next nonce of a stark key

     The nonce the next signed transaction of this stark key must carry.

    Args:
        stark_key (str): A stark key (the x coordinate of a STARK-curve public key): 0x-hex
            without leading zeros,
            non-zero and below 2^251 (the pattern says all three).
             Example: 0x77a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | NonceEnvelope
    """

    return sync_detailed(
        client=client,
        stark_key=stark_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    stark_key: str,
) -> Response[Envelope | NonceEnvelope]:
    """Next nonce of a stark key

     The nonce the next signed transaction of this stark key must carry.

    Args:
        stark_key (str): A stark key (the x coordinate of a STARK-curve public key): 0x-hex
            without leading zeros,
            non-zero and below 2^251 (the pattern says all three).
             Example: 0x77a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | NonceEnvelope]
    """

    kwargs = _get_kwargs(
        stark_key=stark_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    stark_key: str,
) -> Envelope | NonceEnvelope | None:
    """Next nonce of a stark key

     The nonce the next signed transaction of this stark key must carry.

    Args:
        stark_key (str): A stark key (the x coordinate of a STARK-curve public key): 0x-hex
            without leading zeros,
            non-zero and below 2^251 (the pattern says all three).
             Example: 0x77a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | NonceEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            stark_key=stark_key,
        )
    ).parsed
