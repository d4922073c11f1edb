from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope import Envelope
from ...models.starkex_contracts_envelope import StarkexContractsEnvelope
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/starkex/contracts",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Envelope | StarkexContractsEnvelope | None:
    if response.status_code == 200:
        response_200 = StarkexContractsEnvelope.from_dict(response.json())

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
) -> Response[Envelope | StarkexContractsEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Envelope | StarkexContractsEnvelope]:
    """Address of the StarkEx contract on layer 1

     The address of Reddio's StarkEx contract on each layer-1 network. Withdrawn assets are
    claimed there (`withdraw(ownerKey, assetType)` for ETH and ERC20, `withdrawNft` for
    ERC721, `withdrawAndMint` for mintable kinds). Reddio's JS and Java SDKs ask for it
    before the layer-1 step. Read the network the API server belongs to.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | StarkexContractsEnvelope]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Envelope | StarkexContractsEnvelope | None:
    """Address of the StarkEx contract on layer 1

     The address of Reddio's StarkEx contract on each layer-1 network. Withdrawn assets are
    claimed there (`withdraw(ownerKey, assetType)` for ETH and ERC20, `withdrawNft` for
    ERC721, `withdrawAndMint` for mintable kinds). Reddio's JS and Java SDKs ask for it
    before the layer-1 step. Read the network the API server belongs to.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | StarkexContractsEnvelope
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Envelope | StarkexContractsEnvelope]:
    """Address of the StarkEx contract on layer 1

     The address of Reddio's StarkEx contract on each layer-1 network. Withdrawn assets are
    claimed there (`withdraw(ownerKey, assetType)` for ETH and ERC20, `withdrawNft` for
    ERC721, `withdrawAndMint` for mintable kinds). Reddio's JS and Java SDKs ask for it
    before the layer-1 step. Read the network the API server belongs to.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | StarkexContractsEnvelope]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Envelope | StarkexContractsEnvelope | None:
    """Address of the StarkEx contract on layer 1

     The address of Reddio's StarkEx contract on each layer-1 network. Withdrawn assets are
    claimed there (`withdraw(ownerKey, assetType)` for ETH and ERC20, `withdrawNft` for
    ERC721, `withdrawAndMint` for mintable kinds). Reddio's JS and Java SDKs ask for it
    before the layer-1 step. Read the network the API server belongs to.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | StarkexContractsEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
