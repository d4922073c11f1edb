"""What a sandbox instance accepts and how fast its withdrawals move."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

#: StarkWare's published test private key (party A of its signature test data). Public
#: knowledge, so anyone can spend from it: for the sandbox and the demo only, never real funds.
TEST_STARK_PRIVATE_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC

#: The Bearer token a default sandbox accepts for Omnia.
DEFAULT_OMNIA_TOKEN = "sandbox-token"

#: Omnia's documented order sources; anything else is ORDER_SOURCE_NOT_FOUND.
DEFAULT_ORDER_SOURCES = frozenset({"OFFCHAIN", "ETHEREUM", "OPTIMISM", "POLYGON", "LINEA"})


_ADDRESS = attrs.validators.matches_re("0x[0-9a-fA-F]{40}")


@attrs.frozen
class StarkexContracts:
    """What ``GET /v1/starkex/contracts`` answers: the StarkEx contract's address per layer-1
    network. The defaults are the addresses Reddio published (mainnet, the deprecated Goerli
    testnet, Sepolia); a sandbox with its own layer-1 contract sets its address here."""

    mainnet: str = attrs.field(
        default="0xB62BcD40A24985f560b5a9745d478791d8F1945C", validator=_ADDRESS
    )
    testnet: str = attrs.field(
        default="0x8Eb82154f314EC687957CE1e9c1A5Dc3A3234DF9", validator=_ADDRESS
    )
    sepolia: str = attrs.field(
        default="0x682173dd52A16EC51Cb65Bbd6DA1D3baCf831b45", validator=_ADDRESS
    )

    def to_json(self) -> dict[str, str]:
        return attrs.asdict(self)


#: Receives the posted Omnia body (a dict) and says whether its signature is acceptable.
OmniaSignatureCheck = Callable[[Mapping[str, Any]], bool]


@attrs.frozen
class SandboxConfig:
    """Settings of one sandbox; every field has a default that suits a demo.

    Delays are measured on the sandbox's clock from the moment a withdrawal is accepted.
    Starting balances are human amounts credited to every stark key the first time it is seen.
    """

    reddio_accepted_after: float = 1.0  # record status 0 SubmittedToReddio -> 1 AcceptedByReddio
    reddio_on_l2_after: float = 2.0  # -> 3 AcceptedOnL2
    reddio_on_l1_after: float = 3.0  # -> 6 AcceptedOnL1 (final; the assets wait on layer 1)
    omnia_completed_after: float = 2.0  # PENDING -> COMPLETED with a transaction id
    starting_eth: Decimal = Decimal("10")
    starting_erc20: Decimal = Decimal("10000")
    starting_nft_token_ids: tuple[str, ...] = ("1", "2", "3")
    omnia_tokens: frozenset[str] = frozenset({DEFAULT_OMNIA_TOKEN})
    omnia_order_sources: frozenset[str] = DEFAULT_ORDER_SOURCES
    omnia_signature_check: OmniaSignatureCheck | None = None
    starkex_contracts: StarkexContracts = StarkexContracts()

    def __attrs_post_init__(self) -> None:
        reddio = (self.reddio_accepted_after, self.reddio_on_l2_after, self.reddio_on_l1_after)
        if min(*reddio, self.omnia_completed_after) < 0:
            raise ValueError("delays: must be >= 0")
        if sorted(reddio) != list(reddio):
            raise ValueError("reddio delays: accepted <= on_l2 <= on_l1")

    @classmethod
    def instant(cls, **changes: Any) -> SandboxConfig:
        """Withdrawals final as soon as they are accepted (handy in tests)."""
        delays: dict[str, Any] = {
            "reddio_accepted_after": 0.0,
            "reddio_on_l2_after": 0.0,
            "reddio_on_l1_after": 0.0,
            "omnia_completed_after": 0.0,
        }
        return cls(**{**delays, **changes})
