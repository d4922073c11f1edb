from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope import Envelope
from ...models.withdrawal_status_envelope import WithdrawalStatusEnvelope
from ...types import UNSET, Response


def _get_kwargs(
    *,
    stage: str,
    ethaddress: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["stage"] = stage

    params["ethaddress"] = ethaddress

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/withdrawal/status",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Envelope | WithdrawalStatusEnvelope | None:
    if response.status_code == 200:
        response_200 = WithdrawalStatusEnvelope.from_dict(response.json())

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
) -> Response[Envelope | WithdrawalStatusEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    stage: str,
    ethaddress: str,
) -> Response[Envelope | WithdrawalStatusEnvelope]:
    """Assets ready to withdraw on layer 1

     The assets that have left layer 2 for an Ethereum address and wait in the withdrawal
    area of the StarkEx contract, ready to be claimed on layer 1.

    Args:
        stage (str):  Example: withdrawarea.
        ethaddress (str): An Ethereum address, 0x followed by 40 hex digits (any letter case).
            Example: 0x76f2fc7ed90039d986e3eb4db294f05e160c8f03.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | WithdrawalStatusEnvelope]
    """

    kwargs = _get_kwargs(
        stage=stage,
        ethaddress=ethaddress,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    stage: str,
    ethaddress: str,
) -> Envelope | WithdrawalStatusEnvelope | None:
    """Assets ready to withdraw on layer 1

     The assets that have left layer 2 for an Ethereum address and wait in the withdrawal
    area of the StarkEx contract, ready to be claimed on layer 1.

    Args:
        stage (str):  Example: withdrawarea.
        ethaddress (str): An Ethereum address, 0x followed by 40 hex digits (any letter case).
            Example: 0x76f2fc7ed90039d986e3eb4db294f05e160c8f03.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | WithdrawalStatusEnvelope
    """

    return sync_detailed(
        client=client,
        stage=stage,
        ethaddress=ethaddress,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    stage: str,
    ethaddress: str,
) -> Response[Envelope | WithdrawalStatusEnvelope]:
    """Assets ready to withdraw on layer 1

     The assets that have left layer 2 for an Ethereum address and wait in the withdrawal
    area of the StarkEx contract, ready to be claimed on layer 1.

    Args:
        stage (str):  Example: withdrawarea.
        ethaddress (str): An Ethereum address, 0x followed by 40 hex digits (any letter case).
            Example: 0x76f2fc7ed90039d986e3eb4db294f05e160c8f03.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | WithdrawalStatusEnvelope]
    """

    kwargs = _get_kwargs(
        stage=stage,
        ethaddress=ethaddress,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    stage: str,
    ethaddress: str,
) -> Envelope | WithdrawalStatusEnvelope | None:
    """Assets ready to withdraw on layer 1

     The assets that have left layer 2 for an Ethereum address and wait in the withdrawal
    area of the StarkEx contract, ready to be claimed on layer 1.

    Args:
        stage (str):  Example: withdrawarea.
        ethaddress (str): An Ethereum address, 0x followed by 40 hex digits (any letter case).
            Example: 0x76f2fc7ed90039d986e3eb4db294f05e160c8f03.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | WithdrawalStatusEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            stage=stage,
            ethaddress=ethaddress,
        )
    ).parsed
