"""Where Reddio's StarkEx contract lives on each network.

Reddio publishes the addresses at ``GET /v1/starkex/contracts`` (``{mainnet, testnet,
sepolia}``, where ``testnet`` is the deprecated Goerli deployment). :func:`starkex_contract_for`
prefers what that endpoint answered, and falls back to the addresses known when this package
was written, saying so (a warning in the log and ``fallback=True``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from ..errors import InvalidInput, MalformedResponse
from ..reddio.inputs import eth_address

log = logging.getLogger("withdrawal_clients.layer1")

#: StarkEx contract addresses of Reddio's deployments (as Reddio's SDKs and API list them).
KNOWN_STARKEX_CONTRACTS: Mapping[str, str] = MappingProxyType(
    {
        "mainnet": "0xB62BcD40A24985f560b5a9745d478791d8F1945C",
        "sepolia": "0x682173dd52A16EC51Cb65Bbd6DA1D3baCf831b45",
        "goerli": "0x8Eb82154f314EC687957CE1e9c1A5Dc3A3234DF9",  # deprecated testnet
    }
)
# The API's name for each network, where it differs from ours.
_API_NAMES = {"goerli": "testnet"}
_OUR_NAMES = {"testnet": "goerli"}


@attrs.frozen
class StarkexContract:
    """The StarkEx contract of a network; ``fallback`` when the address is the known one
    rather than one Reddio's API gave."""

    network: str
    address: str
    fallback: bool


def starkex_contract_for(network: str, fetched: Mapping[str, str] | None = None) -> StarkexContract:
    """The contract address of ``network`` (mainnet, sepolia, goerli alias testnet).

    ``fetched`` is the ``data`` of ``GET /v1/starkex/contracts``, or None when it could not be
    had; an address it holds that is not an address is :class:`MalformedResponse`.
    """
    name = _OUR_NAMES.get(network, network) if isinstance(network, str) else None
    if name not in KNOWN_STARKEX_CONTRACTS:
        names = ", ".join([*KNOWN_STARKEX_CONTRACTS, *_OUR_NAMES])
        raise InvalidInput("network", f"must be one of {names}")
    api_name = _API_NAMES.get(name, name)
    given = None if fetched is None else fetched.get(api_name) or fetched.get(name)
    if given is not None:
        try:
            return StarkexContract(name, eth_address(given, "address"), False)
        except InvalidInput:
            raise MalformedResponse(
                f"GET /v1/starkex/contracts: {api_name} is not an Ethereum address"
            ) from None
    known = KNOWN_STARKEX_CONTRACTS[name]
    log.warning(
        "StarkEx contract for %s: Reddio's API gave none; using the known address %s",
        name,
        known,
    )
    return StarkexContract(name, known.lower(), True)
