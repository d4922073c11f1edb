from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope import Envelope
from ...models.vault_ids_envelope import VaultIdsEnvelope
from ...types import UNSET, Response


def _get_kwargs(
    *,
    asset_id: str,
    stark_keys: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["asset_id"] = asset_id

    params["stark_keys"] = stark_keys

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/vaults",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Envelope | VaultIdsEnvelope | None:
    if response.status_code == 200:
        response_200 = VaultIdsEnvelope.from_dict(response.json())

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
) -> Response[Envelope | VaultIdsEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    asset_id: str,
    stark_keys: str,
) -> Response[Envelope | VaultIdsEnvelope]:
    """Vault ids of stark keys for an asset

     The vault id that each stark key has (or is given) for `asset_id`, in the order of
    `stark_keys`. Reddio's SDKs also pass a receiver's Ethereum address here as a "stark key".

    Args:
        asset_id (str): A StarkEx asset id: 0x-hex without leading zeros, non-zero and below 2^251
            (mintable
            asset ids set bit 250; the others are below 2^250).
             Example: 0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e.
        stark_keys (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | VaultIdsEnvelope]
    """

    kwargs = _get_kwargs(
        asset_id=asset_id,
        stark_keys=stark_keys,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    asset_id: str,
    stark_keys: str,
) -> Envelope | VaultIdsEnvelope | None:
    """Vault ids of stark keys for an asset

     The vault id that each stark key has (or is given) for `asset_id`, in the order of
    `stark_keys`. Reddio's SDKs also pass a receiver's Ethereum address here as a "stark key".

    Args:
        asset_id (str): A StarkEx asset id: 0x-hex without leading zeros, non-zero and below 2^251
            (mintable
            asset ids set bit 250; the others are below 2^250).
             Example: 0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e.
        stark_keys (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | VaultIdsEnvelope
    """

    return sync_detailed(
        client=client,
        asset_id=asset_id,
        stark_keys=stark_keys,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    asset_id: str,
    stark_keys: str,
) -> Response[Envelope | VaultIdsEnvelope]:
    """Vault ids of stark keys for an asset

     The vault id that each stark key has (or is given) for `asset_id`, in the order of
    `stark_keys`. Reddio's SDKs also pass a receiver's Ethereum address here as a "stark key".

    Args:
        asset_id (str): A StarkEx asset id: 0x-hex without leading zeros, non-zero and below 2^251
            (mintable
            asset ids set bit 250; the others are below 2^250).
             Example: 0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e.
        stark_keys (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | VaultIdsEnvelope]
    """

    kwargs = _get_kwargs(
        asset_id=asset_id,
        stark_keys=stark_keys,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    asset_id: str,
    stark_keys: str,
) -> Envelope | VaultIdsEnvelope | None:
    """Vault ids of stark keys for an asset

     The vault id that each stark key has (or is given) for `asset_id`, in the order of
    `stark_keys`. Reddio's SDKs also pass a receiver's Ethereum address here as a "stark key".

    Args:
        asset_id (str): A StarkEx asset id: 0x-hex without leading zeros, non-zero and below 2^251
            (mintable
            asset ids set bit 250; the others are below 2^250).
             Example: 0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e.
        stark_keys (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | VaultIdsEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            asset_id=asset_id,
            stark_keys=stark_keys,
        )
    ).parsed
