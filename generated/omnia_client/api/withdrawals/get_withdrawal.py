from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.withdrawal import Withdrawal
from ...types import Response


def _get_kwargs(
    instruction_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/withdrawals/{instruction_id}".format(
            instruction_id=quote(str(instruction_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Withdrawal | None:
    if response.status_code == 200:
        response_200 = Withdrawal.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

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
    instruction_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | Withdrawal]:
    """Get a withdrawal's status

     Returns the withdrawal recorded under the client's `instructionId`. `status` is
    `COMPLETED` once the withdrawal succeeded; a non-empty `rejectionReason` means it
    failed. Other statuses exist (not all are documented): treat unknown ones as still in
    progress and ask again later. A 404 means Omnia has no withdrawal with this id, which
    after a lost response means the request never arrived and can be sent again.

    Args:
        instruction_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Withdrawal]
    """

    kwargs = _get_kwargs(
        instruction_id=instruction_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    instruction_id: str,
    *,
    client: AuthenticatedClient,
) -> Error | Withdrawal | None:
    """Get a withdrawal's status

     Returns the withdrawal recorded under the client's `instructionId`. `status` is
    `COMPLETED` once the withdrawal succeeded; a non-empty `rejectionReason` means it
    failed. Other statuses exist (not all are documented): treat unknown ones as still in
    progress and ask again later. A 404 means Omnia has no withdrawal with this id, which
    after a lost response means the request never arrived and can be sent again.

    Args:
        instruction_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Withdrawal
    """

    return sync_detailed(
        instruction_id=instruction_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    instruction_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | Withdrawal]:
    """Get a withdrawal's status

     Returns the withdrawal recorded under the client's `instructionId`. `status` is
    `COMPLETED` once the withdrawal succeeded; a non-empty `rejectionReason` means it
    failed. Other statuses exist (not all are documented): treat unknown ones as still in
    progress and ask again later. A 404 means Omnia has no withdrawal with this id, which
    after a lost response means the request never arrived and can be sent again.

    Args:
        instruction_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Withdrawal]
    """

    kwargs = _get_kwargs(
        instruction_id=instruction_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    instruction_id: str,
    *,
    client: AuthenticatedClient,
) -> Error | Withdrawal | None:
    """Get a withdrawal's status

     Returns the withdrawal recorded under the client's `instructionId`. `status` is
    `COMPLETED` once the withdrawal succeeded; a non-empty `rejectionReason` means it
    failed. Other statuses exist (not all are documented): treat unknown ones as still in
    progress and ask again later. A 404 means Omnia has no withdrawal with this id, which
    after a lost response means the request never arrived and can be sent again.

    Args:
        instruction_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Withdrawal
    """

    return (
        await asyncio_detailed(
            instruction_id=instruction_id,
            client=client,
        )
    ).parsed
