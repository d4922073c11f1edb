from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope import Envelope
from ...models.sequence_id_envelope import SequenceIdEnvelope
from ...models.withdrawal_request import WithdrawalRequest
from ...types import Response


def _get_kwargs(
    *,
    body: WithdrawalRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/withdrawal",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Envelope | SequenceIdEnvelope | None:
    if response.status_code == 200:
        response_200 = SequenceIdEnvelope.from_dict(response.json())

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
) -> Response[Envelope | SequenceIdEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WithdrawalRequest,
) -> Response[Envelope | SequenceIdEnvelope]:
    """Withdraw from layer 2 (unsigned)

     Asks Reddio to withdraw `amount` of a token from the stark key's layer-2 vault. The body
    carries no signature. The answer's `sequence_id` identifies the resulting record
    (see `GET /v1/record`). Not idempotent: a request whose answer was lost must not be sent
    again blindly; check the stark key's records first.

    Args:
        body (WithdrawalRequest): The unsigned withdrawal of the original API.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | SequenceIdEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: WithdrawalRequest,
) -> Envelope | SequenceIdEnvelope | None:
    """Withdraw from layer 2 (unsigned)

     Asks Reddio to withdraw `amount` of a token from the stark key's layer-2 vault. The body
    carries no signature. The answer's `sequence_id` identifies the resulting record
    (see `GET /v1/record`). Not idempotent: a request whose answer was lost must not be sent
    again blindly; check the stark key's records first.

    Args:
        body (WithdrawalRequest): The unsigned withdrawal of the original API.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | SequenceIdEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WithdrawalRequest,
) -> Response[Envelope | SequenceIdEnvelope]:
    """Withdraw from layer 2 (unsigned)

     Asks Reddio to withdraw `amount` of a token from the stark key's layer-2 vault. The body
    carries no signature. The answer's `sequence_id` identifies the resulting record
    (see `GET /v1/record`). Not idempotent: a request whose answer was lost must not be sent
    again blindly; check the stark key's records first.

    Args:
        body (WithdrawalRequest): The unsigned withdrawal of the original API.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Envelope | SequenceIdEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: WithdrawalRequest,
) -> Envelope | SequenceIdEnvelope | None:
    """Withdraw from layer 2 (unsigned)

     Asks Reddio to withdraw `amount` of a token from the stark key's layer-2 vault. The body
    carries no signature. The answer's `sequence_id` identifies the resulting record
    (see `GET /v1/record`). Not idempotent: a request whose answer was lost must not be sent
    again blindly; check the stark key's records first.

    Args:
        body (WithdrawalRequest): The unsigned withdrawal of the original API.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Envelope | SequenceIdEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
