from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.envelope import Envelope
from ...models.sequence_id_envelope import SequenceIdEnvelope
from ...models.withdrawal_to_request import WithdrawalToRequest
from ...types import Response


def _get_kwargs(
    *,
    body: WithdrawalToRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/withdrawalto",
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
    body: WithdrawalToRequest,
) -> Response[Envelope | SequenceIdEnvelope]:
    """Withdraw to a receiver (signed StarkEx transfer)

     Moves `amount` from the sender's vault to the receiver's vault, signed with the sender's
    stark private key. The signature covers a StarkEx spot transfer (instruction type 1):
    `w = 1; w = w<<31 | vault_id; w = w<<31 | receiver_vault_id; w = w<<63 | amount;
    w = w<<63 | 0; w = w<<31 | nonce; w = w<<22 | expiration_timestamp`, then
    `msg_hash = pedersen(pedersen(asset_id, int(receiver)), w)` and `(r, s)` is the STARK
    ECDSA signature of `msg_hash` (StarkWare's deterministic signing, as in its
    `starkex-resources` and Reddio's SDKs). Every field is checked against its rules before
    the signature is.

    When `receiver` is an Ethereum address the record is a withdrawal (`record_type` 4):
    once it reaches status 6 (AcceptedOnL1) the assets wait in the StarkEx contract (see
    `GET /v1/starkex/contracts`) until claimed there.

    The nonce and signature make the request identifiable: if an answer is lost, look the
    signature up with `GET /v1/record/by/signature` before sending the very same body
    again; a second copy is refused with `error_code` 13 (DuplicateTransactionError).

    Args:
        body (WithdrawalToRequest): A signed StarkEx transfer from the sender's vault to the
            receiver's vault.

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
    body: WithdrawalToRequest,
) -> Envelope | SequenceIdEnvelope | None:
    """Withdraw to a receiver (signed StarkEx transfer)

     Moves `amount` from the sender's vault to the receiver's vault, signed with the sender's
    stark private key. The signature covers a StarkEx spot transfer (instruction type 1):
    `w = 1; w = w<<31 | vault_id; w = w<<31 | receiver_vault_id; w = w<<63 | amount;
    w = w<<63 | 0; w = w<<31 | nonce; w = w<<22 | expiration_timestamp`, then
    `msg_hash = pedersen(pedersen(asset_id, int(receiver)), w)` and `(r, s)` is the STARK
    ECDSA signature of `msg_hash` (StarkWare's deterministic signing, as in its
    `starkex-resources` and Reddio's SDKs). Every field is checked against its rules before
    the signature is.

    When `receiver` is an Ethereum address the record is a withdrawal (`record_type` 4):
    once it reaches status 6 (AcceptedOnL1) the assets wait in the StarkEx contract (see
    `GET /v1/starkex/contracts`) until claimed there.

    The nonce and signature make the request identifiable: if an answer is lost, look the
    signature up with `GET /v1/record/by/signature` before sending the very same body
    again; a second copy is refused with `error_code` 13 (DuplicateTransactionError).

    Args:
        body (WithdrawalToRequest): A signed StarkEx transfer from the sender's vault to the
            receiver's vault.

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
    body: WithdrawalToRequest,
) -> Response[Envelope | SequenceIdEnvelope]:
    """Withdraw to a receiver (signed StarkEx transfer)

     Moves `amount` from the sender's vault to the receiver's vault, signed with the sender's
    stark private key. The signature covers a StarkEx spot transfer (instruction type 1):
    `w = 1; w = w<<31 | vault_id; w = w<<31 | receiver_vault_id; w = w<<63 | amount;
    w = w<<63 | 0; w = w<<31 | nonce; w = w<<22 | expiration_timestamp`, then
    `msg_hash = pedersen(pedersen(asset_id, int(receiver)), w)` and `(r, s)` is the STARK
    ECDSA signature of `msg_hash` (StarkWare's deterministic signing, as in its
    `starkex-resources` and Reddio's SDKs). Every field is checked against its rules before
    the signature is.

    When `receiver` is an Ethereum address the record is a withdrawal (`record_type` 4):
    once it reaches status 6 (AcceptedOnL1) the assets wait in the StarkEx contract (see
    `GET /v1/starkex/contracts`) until claimed there.

    The nonce and signature make the request identifiable: if an answer is lost, look the
    signature up with `GET /v1/record/by/signature` before sending the very same body
    again; a second copy is refused with `error_code` 13 (DuplicateTransactionError).

    Args:
        body (WithdrawalToRequest): A signed StarkEx transfer from the sender's vault to the
            receiver's vault.

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
    body: WithdrawalToRequest,
) -> Envelope | SequenceIdEnvelope | None:
    """Withdraw to a receiver (signed StarkEx transfer)

     Moves `amount` from the sender's vault to the receiver's vault, signed with the sender's
    stark private key. The signature covers a StarkEx spot transfer (instruction type 1):
    `w = 1; w = w<<31 | vault_id; w = w<<31 | receiver_vault_id; w = w<<63 | amount;
    w = w<<63 | 0; w = w<<31 | nonce; w = w<<22 | expiration_timestamp`, then
    `msg_hash = pedersen(pedersen(asset_id, int(receiver)), w)` and `(r, s)` is the STARK
    ECDSA signature of `msg_hash` (StarkWare's deterministic signing, as in its
    `starkex-resources` and Reddio's SDKs). Every field is checked against its rules before
    the signature is.

    When `receiver` is an Ethereum address the record is a withdrawal (`record_type` 4):
    once it reaches status 6 (AcceptedOnL1) the assets wait in the StarkEx contract (see
    `GET /v1/starkex/contracts`) until claimed there.

    The nonce and signature make the request identifiable: if an answer is lost, look the
    signature up with `GET /v1/record/by/signature` before sending the very same body
    again; a second copy is refused with `error_code` 13 (DuplicateTransactionError).

    Args:
        body (WithdrawalToRequest): A signed StarkEx transfer from the sender's vault to the
            receiver's vault.

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
