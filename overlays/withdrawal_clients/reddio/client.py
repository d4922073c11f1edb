"""Reddio (StarkEx layer 2) withdrawals, sync and async: exact, signed and never doubled.

>>> with ReddioClient(network="testnet", stark_private_key=key) as reddio:   # doctest: +SKIP
...     result = reddio.withdraw_to(
...         contract_address="ETH", asset_type="ETH", amount="0.01", receiver="0xabc...")
...     record = reddio.wait_for_record(result.sequence_id)

Both clients carry out the same plans (:mod:`.plans`); each method is one line that runs its
plan, sync or async.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx

from .. import errors
from .._core.driver import AsyncClient, AsyncDriver, SyncClient, SyncDriver
from .._core.durable import Recovery
from .._core.secret import Secret, conceal
from .._core.transport import base_url_for
from .inputs import DEFAULT_EXPIRATION, SignedWithdrawalTo, StarkKeys
from .plans import NETWORKS, ReddioPlans
from .results import ContractInfo, Record, WithdrawableAsset, WithdrawalResult

if TYPE_CHECKING:
    from ..journal import Journal

Amount = Decimal | int | str
PrivateKey = int | str | Secret[int] | StarkKeys


def _journal(journal: object) -> Journal | None:
    from ..journal import Journal

    if journal is not None and not isinstance(journal, Journal):
        raise errors.InvalidInput("journal", "must be a Journal (Journal.open(path or URL))")
    return journal


def _default_url(network: object) -> str:
    if not isinstance(network, str) or network not in NETWORKS:
        raise errors.InvalidInput("network", f"must be one of {', '.join(NETWORKS)}")
    return NETWORKS[network]


class _Reddio:
    _plans: ReddioPlans
    _base_url: str

    @property
    def base_url(self) -> str:
        """The API's base URL requests are joined to."""
        return self._base_url

    @property
    def stark_key(self) -> str | None:
        """The stark key (0x-hex) derived from the private key, if one was given."""
        return self._plans.stark_key

    @property
    def journal(self) -> Journal | None:
        """The journal this client records its withdrawals in, if any."""
        return self._plans.journal

    def _shown(self) -> dict[str, object]:
        return {"base_url": self._base_url, "stark_key": self._plans.stark_key}


class ReddioClient(_Reddio, SyncClient):
    """Blocking Reddio client; a context manager that closes the HTTP client it opened.

    ``stark_private_key`` (int or 0x-hex) is needed for signed calls; it is kept in a
    :class:`Secret` and never shown. ``journal`` (``Journal.open(...)``) makes withdrawals
    durable (see ``withdraw_to``). ``cache_lookups=True`` fetches contract info and vault ids
    once per client (they cannot change during a payout run). ``base_url`` wins over
    ``network`` ("mainnet", "testnet", "sepolia"). ``transport`` or ``http_client`` bring
    the caller's own httpx transport or client; a caller's client is used as given (never
    changed) and its base URL is used when ``base_url`` is not given. ``timeout`` bounds each
    network wait (default 30 s, connect 5 s); ``call_timeout`` bounds each method call as a
    whole, retries, pauses and slow answers included (default: ``(max_retries + 1) x
    timeout`` plus the backoff pauses; a wait_for_record adds its own ``timeout``).
    ``default_headers`` go on every request; :meth:`with_options` gives a copy with another
    timeout or retry count. ``sleep`` and ``clock`` exist for tests and schedulers.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        network: str = "testnet",
        stark_private_key: PrivateKey | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 3,
        call_timeout: float | timedelta | None = None,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] | None = None,
        journal: Journal | None = None,
        cache_lookups: bool = False,
    ) -> None:
        """Check every argument, then open (or adopt) the HTTP client."""
        key = conceal(stark_private_key)  # first: no frame below may hold the raw key
        del stark_private_key
        self._plans = ReddioPlans(
            stark_private_key=key,
            max_retries=max_retries,
            clock=clock,
            journal=_journal(journal),
            cache_lookups=cache_lookups,
        )
        self._base_url = base_url_for(base_url, http_client, _default_url(network))
        self._driver = SyncDriver(
            base_url=self._base_url,
            policy=self._plans.policy,
            sleep=sleep,
            timeout=timeout,
            transport=transport,
            http_client=http_client,
            call_timeout=call_timeout,
            default_headers=default_headers,
        )

    def nonce(self, stark_key: str | None = None) -> int:
        """The nonce the next signed transaction of ``stark_key`` (default: ours) must carry."""
        return self._driver.run(self._plans.nonce(stark_key))

    def vault_ids(self, asset_id: int | str, stark_keys: Sequence[str]) -> list[int]:
        """The vault id of each stark key (or Ethereum address) for ``asset_id``, in order."""
        return self._driver.run(self._plans.vault_ids(asset_id, stark_keys))

    def contract_info(self, contract_address: str, asset_type: str) -> ContractInfo:
        """Reddio's view of a token contract; ``quantum`` and ``decimals`` as ints."""
        return self._driver.run(self._plans.contract_info(contract_address, asset_type))

    def starkex_contracts(self) -> dict[str, str]:
        """The StarkEx contract's address on layer 1 per network ("mainnet", "testnet",
        "sepolia") as Reddio lists it (``GET /v1/starkex/contracts``); a network it does not
        list is absent. ``withdrawal_clients.layer1.starkex_contract_for`` falls back to the
        known addresses when Reddio does not answer."""
        return self._driver.run(self._plans.starkex_contracts())

    def asset_id_for(
        self, contract_address: str, asset_type: str, token_id: str | int | None = None
    ) -> int:
        """The StarkEx asset id of a token, computed locally from its contract info (quantum);
        NFTs need the token id."""
        return self._driver.run(self._plans.asset_id_for(contract_address, asset_type, token_id))

    def get_record(self, sequence_id: int, *, stark_key: str | None = None) -> Record:
        """The record of ``sequence_id`` (sent by ``stark_key``, default ours); NotFound if none."""
        return self._driver.run(self._plans.get_record(sequence_id, stark_key=stark_key))

    def record_by_signature(self, r: int | str, s: int | str) -> Record | None:
        """The record a signature produced, or None when Reddio has none."""
        return self._driver.run(self._plans.record_by_signature(r, s))

    def withdrawal_status(self, eth_address: str) -> list[WithdrawableAsset]:
        """Assets that ``eth_address`` can claim on layer 1 (the withdrawal area)."""
        return self._driver.run(self._plans.withdrawal_status(eth_address))

    def wait_for_record(
        self,
        sequence_id: int,
        *,
        timeout: float = 600.0,
        poll_interval: float = 5.0,
        stark_key: str | None = None,
        until: Callable[[Record], bool] | None = None,
    ) -> Record:
        """Poll the record until ``until(record)`` (default: it is final); WaitTimeout after
        ``timeout`` seconds, carrying the last record seen. A record not yet visible is waited
        for. The returned record may be failed: check ``record.is_accepted``."""
        plan = self._plans.wait_for_record(
            sequence_id,
            timeout=timeout,
            poll_interval=poll_interval,
            stark_key=stark_key,
            until=until,
        )
        return self._driver.run(plan)

    def withdraw(
        self,
        *,
        contract_address: str,
        amount: Amount,
        token_id: str | int | None = "",
        stark_key: str | None = None,
        asset_type: str | None = None,
        quantized: bool = False,
    ) -> WithdrawalResult:
        """The unsigned ``POST /v1/withdrawal``. Never repeated once it may have reached Reddio:
        a lost answer raises OutcomeUnknown. ``asset_type`` defaults to ETH for
        ``contract_address="ETH"``, ERC721 when a token id is given, ERC20 otherwise."""
        plan = self._plans.withdraw(
            contract_address=contract_address,
            amount=amount,
            token_id=token_id,
            stark_key=stark_key,
            asset_type=asset_type,
            quantized=quantized,
        )
        return self._driver.run(plan)

    def withdraw_to(
        self,
        *,
        contract_address: str,
        asset_type: str,
        amount: Amount,
        receiver: str,
        token_id: str | int | None = None,
        expiration_timestamp: int = DEFAULT_EXPIRATION,
        nonce: int | None = None,
        vault_id: int | str | None = None,
        receiver_vault_id: int | str | None = None,
        asset_id: int | str | None = None,
        quantized: bool = False,
        idempotency_key: str | None = None,
    ) -> WithdrawalResult:
        """Sign and post ``POST /v1/withdrawalto`` exactly once.

        ``amount`` is a human amount (Decimal, decimal string, or int of whole tokens) unless
        ``quantized=True``. Missing values are looked up: contract info (quantum, decimals),
        the asset id (computed locally), both vault ids and the nonce. Explicit values skip
        those lookups. ``expiration_timestamp`` is in hours since the Unix epoch and must be
        later than the current hour. A lost answer is settled through the signature before
        anything is sent again; a duplicate answer resolves to the original record.

        With a journal, ``idempotency_key`` is required: the same key again, in any process,
        returns the same withdrawal's outcome (finishing it first if a crash left it in
        flight) and never makes a second one; the same key with other arguments raises
        IdempotencyConflict. Without one, several writers of one stark key must not run at
        once in different processes.
        """
        plan = self._plans.withdraw_to(
            contract_address=contract_address,
            asset_type=asset_type,
            amount=amount,
            receiver=receiver,
            token_id=token_id,
            expiration_timestamp=expiration_timestamp,
            nonce=nonce,
            vault_id=vault_id,
            receiver_vault_id=receiver_vault_id,
            asset_id=asset_id,
            quantized=quantized,
            idempotency_key=idempotency_key,
        )
        return self._driver.run(plan)

    def submit_withdrawal_to(
        self, signed: SignedWithdrawalTo, *, maybe_sent: bool = False
    ) -> WithdrawalResult:
        """Post a signed withdrawalto (e.g. from :func:`build_withdrawal_to`) exactly once.

        Not sent for sure (connection refused, 429): sent again after a pause. Maybe applied
        (timeout or reset after sending, 5xx, unreadable answer): the signature is looked up
        first, and only if Reddio has no record is the very same body sent again.
        ``maybe_sent=True`` (finishing one an OutcomeUnknown left): a refusal is also looked
        up before it is believed, since the earlier copy may be what it refuses.
        """
        return self._driver.run(self._plans.submit_withdrawal_to(signed, maybe_sent=maybe_sent))

    def recover(self) -> list[Recovery]:
        """Settle every withdrawal of this client's stark key that a crash left in flight in
        the journal: each recorded body is looked up by its signature and re-posted only
        where Reddio does not know it. Returns what became of each entry."""
        return self._driver.run(self._plans.recover())


class AsyncReddioClient(_Reddio, AsyncClient):
    """The asyncio twin of :class:`ReddioClient`: the same arguments and methods, awaited."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        network: str = "testnet",
        stark_private_key: PrivateKey | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 3,
        call_timeout: float | timedelta | None = None,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] | None = None,
        journal: Journal | None = None,
        cache_lookups: bool = False,
    ) -> None:
        """Check every argument, then open (or adopt) the HTTP client."""
        key = conceal(stark_private_key)  # first: no frame below may hold the raw key
        del stark_private_key
        self._plans = ReddioPlans(
            stark_private_key=key,
            max_retries=max_retries,
            clock=clock,
            journal=_journal(journal),
            cache_lookups=cache_lookups,
        )
        self._base_url = base_url_for(base_url, http_client, _default_url(network))
        self._driver = AsyncDriver(
            base_url=self._base_url,
            policy=self._plans.policy,
            sleep=sleep,
            timeout=timeout,
            transport=transport,
            http_client=http_client,
            call_timeout=call_timeout,
            default_headers=default_headers,
        )

    async def nonce(self, stark_key: str | None = None) -> int:
        """Awaitable :meth:`ReddioClient.nonce`."""
        return await self._driver.run(self._plans.nonce(stark_key))

    async def vault_ids(self, asset_id: int | str, stark_keys: Sequence[str]) -> list[int]:
        """Awaitable :meth:`ReddioClient.vault_ids`."""
        return await self._driver.run(self._plans.vault_ids(asset_id, stark_keys))

    async def contract_info(self, contract_address: str, asset_type: str) -> ContractInfo:
        """Awaitable :meth:`ReddioClient.contract_info`."""
        return await self._driver.run(self._plans.contract_info(contract_address, asset_type))

    async def starkex_contracts(self) -> dict[str, str]:
        """Awaitable :meth:`ReddioClient.starkex_contracts`."""
        return await self._driver.run(self._plans.starkex_contracts())

    async def asset_id_for(
        self, contract_address: str, asset_type: str, token_id: str | int | None = None
    ) -> int:
        """Awaitable :meth:`ReddioClient.asset_id_for`."""
        plan = self._plans.asset_id_for(contract_address, asset_type, token_id)
        return await self._driver.run(plan)

    async def get_record(self, sequence_id: int, *, stark_key: str | None = None) -> Record:
        """Awaitable :meth:`ReddioClient.get_record`."""
        return await self._driver.run(self._plans.get_record(sequence_id, stark_key=stark_key))

    async def record_by_signature(self, r: int | str, s: int | str) -> Record | None:
        """Awaitable :meth:`ReddioClient.record_by_signature`."""
        return await self._driver.run(self._plans.record_by_signature(r, s))

    async def withdrawal_status(self, eth_address: str) -> list[WithdrawableAsset]:
        """Awaitable :meth:`ReddioClient.withdrawal_status`."""
        return await self._driver.run(self._plans.withdrawal_status(eth_address))

    async def wait_for_record(
        self,
        sequence_id: int,
        *,
        timeout: float = 600.0,  # noqa: ASYNC109  # a polling budget, as in the sync twin
        poll_interval: float = 5.0,
        stark_key: str | None = None,
        until: Callable[[Record], bool] | None = None,
    ) -> Record:
        """Awaitable :meth:`ReddioClient.wait_for_record`."""
        plan = self._plans.wait_for_record(
            sequence_id,
            timeout=timeout,
            poll_interval=poll_interval,
            stark_key=stark_key,
            until=until,
        )
        return await self._driver.run(plan)

    async def withdraw(
        self,
        *,
        contract_address: str,
        amount: Amount,
        token_id: str | int | None = "",
        stark_key: str | None = None,
        asset_type: str | None = None,
        quantized: bool = False,
    ) -> WithdrawalResult:
        """Awaitable :meth:`ReddioClient.withdraw`."""
        plan = self._plans.withdraw(
            contract_address=contract_address,
            amount=amount,
            token_id=token_id,
            stark_key=stark_key,
            asset_type=asset_type,
            quantized=quantized,
        )
        return await self._driver.run(plan)

    async def withdraw_to(
        self,
        *,
        contract_address: str,
        asset_type: str,
        amount: Amount,
        receiver: str,
        token_id: str | int | None = None,
        expiration_timestamp: int = DEFAULT_EXPIRATION,
        nonce: int | None = None,
        vault_id: int | str | None = None,
        receiver_vault_id: int | str | None = None,
        asset_id: int | str | None = None,
        quantized: bool = False,
        idempotency_key: str | None = None,
    ) -> WithdrawalResult:
        """Awaitable :meth:`ReddioClient.withdraw_to`."""
        plan = self._plans.withdraw_to(
            contract_address=contract_address,
            asset_type=asset_type,
            amount=amount,
            receiver=receiver,
            token_id=token_id,
            expiration_timestamp=expiration_timestamp,
            nonce=nonce,
            vault_id=vault_id,
            receiver_vault_id=receiver_vault_id,
            asset_id=asset_id,
            quantized=quantized,
            idempotency_key=idempotency_key,
        )
        return await self._driver.run(plan)

    async def submit_withdrawal_to(
        self, signed: SignedWithdrawalTo, *, maybe_sent: bool = False
    ) -> WithdrawalResult:
        """Awaitable :meth:`ReddioClient.submit_withdrawal_to`."""
        plan = self._plans.submit_withdrawal_to(signed, maybe_sent=maybe_sent)
        return await self._driver.run(plan)

    async def recover(self) -> list[Recovery]:
        """Awaitable :meth:`ReddioClient.recover`."""
        return await self._driver.run(self._plans.recover())
