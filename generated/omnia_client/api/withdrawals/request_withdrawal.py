from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.withdrawal import Withdrawal
from ...models.withdrawal_request import WithdrawalRequest
from ...types import Response


def _get_kwargs(
    *,
    body: WithdrawalRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/withdrawals",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Withdrawal | None:
    if response.status_code == 200:
        response_200 = Withdrawal.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | Withdrawal]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WithdrawalRequest,
) -> Response[Error | Withdrawal]:
    """Request a withdrawal from the DTW contract

     Asks Omnia to withdraw `amount` of the token at `tokenAddress` from the DTW contract on
    the chain named by `orderSource`. The request must be signed (`signature`) and is valid
    until `deadline`. The answer is the recorded withdrawal; follow it with
    `GET /v2/withdrawals/{instructionId}` until its status is final.

    `instructionId` identifies the withdrawal: after a timeout or a 5xx answer, do not send
    a new request with a new id. Ask for the status first, and repeat the very same request
    only if the status endpoint answers 404.

    Args:
        body (WithdrawalRequest): A signed request to withdraw a token from the DTW contract.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Withdrawal]
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
    client: AuthenticatedClient,
    body: WithdrawalRequest,
) -> Error | Withdrawal | None:
    """Request a withdrawal from the DTW contract

     Asks Omnia to withdraw `amount` of the token at `tokenAddress` from the DTW contract on
    the chain named by `orderSource`. The request must be signed (`signature`) and is valid
    until `deadline`. The answer is the recorded withdrawal; follow it with
    `GET /v2/withdrawals/{instructionId}` until its status is final.

    `instructionId` identifies the withdrawal: after a timeout or a 5xx answer, do not send
    a new request with a new id. Ask for the status first, and repeat the very same request
    only if the status endpoint answers 404.

    Args:
        body (WithdrawalRequest): A signed request to withdraw a token from the DTW contract.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Withdrawal
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WithdrawalRequest,
) -> Response[Error | Withdrawal]:
    """Request a withdrawal from the DTW contract

     Asks Omnia to withdraw `amount` of the token at `tokenAddress` from the DTW contract on
    the chain named by `orderSource`. The request must be signed (`signature`) and is valid
    until `deadline`. The answer is the recorded withdrawal; follow it with
    `GET /v2/withdrawals/{instructionId}` until its status is final.

    `instructionId` identifies the withdrawal: after a timeout or a 5xx answer, do not send
    a new request with a new id. Ask for the status first, and repeat the very same request
    only if the status endpoint answers 404.

    Args:
        body (WithdrawalRequest): A signed request to withdraw a token from the DTW contract.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Withdrawal]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WithdrawalRequest,
) -> Error | Withdrawal | None:
    """Request a withdrawal from the DTW contract

     Asks Omnia to withdraw `amount` of the token at `tokenAddress` from the DTW contract on
    the chain named by `orderSource`. The request must be signed (`signature`) and is valid
    until `deadline`. The answer is the recorded withdrawal; follow it with
    `GET /v2/withdrawals/{instructionId}` until its status is final.

    `instructionId` identifies the withdrawal: after a timeout or a 5xx answer, do not send
    a new request with a new id. Ask for the status first, and repeat the very same request
    only if the status endpoint answers 404.

    Args:
        body (WithdrawalRequest): A signed request to withdraw a token from the DTW contract.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Withdrawal
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
