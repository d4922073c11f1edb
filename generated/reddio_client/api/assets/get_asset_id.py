from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.asset_id_envelope import AssetIdEnvelope
from ...models.envelope import Envelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    type_: str,
    contract_address: str,
    token_id: str | Unset = UNSET,
    quantum: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["type"] = type_

    params["contract_address"] = contract_address

    params["token_id"] = token_id

    params["quantum"] = quantum

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/assetid",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AssetIdEnvelope | Envelope | None:
    if response.status_code == 200:
        response_200 = AssetIdEnvelope.from_dict(response.json())

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
) -> Response[AssetIdEnvelope | Envelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    type_: str,
    contract_address: str,
    token_id: str | Unset = UNSET,
    quantum: str | Unset = UNSET,
) -> Response[AssetIdEnvelope | Envelope]:
    """StarkEx asset id of a token

     The asset id Reddio computes for a token. The same value can be computed locally from
    the StarkEx rules (keccak256 of the asset-kind selector, the contract address and the
    quantum); clients may use this endpoint as a cross-check.

    Args:
        type_ (str):
        contract_address (str): A token contract (an Ethereum address), or `ETH` (or `eth`) for
            ether. Example: 0x57f3560b6793dcc2cb274c39e8b8eba1dd18a086.
        token_id (str | Unset):
        quantum (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssetIdEnvelope | Envelope]
    """

    kwargs = _get_kwargs(
        type_=type_,
        contract_address=contract_address,
        token_id=token_id,
        quantum=quantum,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    type_: str,
    contract_address: str,
    token_id: str | Unset = UNSET,
    quantum: str | Unset = UNSET,
) -> AssetIdEnvelope | Envelope | None:
    """StarkEx asset id of a token

     The asset id Reddio computes for a token. The same value can be computed locally from
    the StarkEx rules (keccak256 of the asset-kind selector, the contract address and the
    quantum); clients may use this endpoint as a cross-check.

    Args:
        type_ (str):
        contract_address (str): A token contract (an Ethereum address), or `ETH` (or `eth`) for
            ether. Example: 0x57f3560b6793dcc2cb274c39e8b8eba1dd18a086.
        token_id (str | Unset):
        quantum (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssetIdEnvelope | Envelope
    """

    return sync_detailed(
        client=client,
        type_=type_,
        contract_address=contract_address,
        token_id=token_id,
        quantum=quantum,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    type_: str,
    contract_address: str,
    token_id: str | Unset = UNSET,
    quantum: str | Unset = UNSET,
) -> Response[AssetIdEnvelope | Envelope]:
    """StarkEx asset id of a token

     The asset id Reddio computes for a token. The same value can be computed locally from
    the StarkEx rules (keccak256 of the asset-kind selector, the contract address and the
    quantum); clients may use this endpoint as a cross-check.

    Args:
        type_ (str):
        contract_address (str): A token contract (an Ethereum address), or `ETH` (or `eth`) for
            ether. Example: 0x57f3560b6793dcc2cb274c39e8b8eba1dd18a086.
        token_id (str | Unset):
        quantum (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssetIdEnvelope | Envelope]
    """

    kwargs = _get_kwargs(
        type_=type_,
        contract_address=contract_address,
        token_id=token_id,
        quantum=quantum,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    type_: str,
    contract_address: str,
    token_id: str | Unset = UNSET,
    quantum: str | Unset = UNSET,
) -> AssetIdEnvelope | Envelope | None:
    """StarkEx asset id of a token

     The asset id Reddio computes for a token. The same value can be computed locally from
    the StarkEx rules (keccak256 of the asset-kind selector, the contract address and the
    quantum); clients may use this endpoint as a cross-check.

    Args:
        type_ (str):
        contract_address (str): A token contract (an Ethereum address), or `ETH` (or `eth`) for
            ether. Example: 0x57f3560b6793dcc2cb274c39e8b8eba1dd18a086.
        token_id (str | Unset):
        quantum (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssetIdEnvelope | Envelope
    """

    return (
        await asyncio_detailed(
            client=client,
            type_=type_,
            contract_address=contract_address,
            token_id=token_id,
            quantum=quantum,
        )
    ).parsed
