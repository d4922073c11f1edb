"""Signing Omnia withdrawals, without claiming to know Omnia's scheme.

Omnia does not publish what its withdrawal ``signature`` covers. So nothing here is "Omnia's
signature": a :class:`WithdrawalSigner` receives every field that could be signed
(:class:`WithdrawalToSign`) and returns a 0x-hex signature. Two building blocks are provided:

- :class:`Eip712Signer` signs EIP-712 typed data with a local key (extra ``[eth]``); the caller
  configures the domain, the struct type and which withdrawal field fills each struct member
  (:class:`Eip712Layout`).
- :class:`ExternalSigner` adapts a callable that signs elsewhere (a KMS, a hardware wallet, a
  remote signing service), sync or async; :meth:`ExternalSigner.typed_data` hands it the same
  EIP-712 typed data a wallet's ``eth_signTypedData_v4`` takes.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import attrs

from .. import errors
from .._core.secret import Secret
from ..amounts import format_decimal

__all__ = [
    "Eip712Field",
    "Eip712Layout",
    "Eip712Signer",
    "ExternalSigner",
    "WithdrawalSigner",
    "WithdrawalToSign",
    "check_signature",
]

_HEX_SIGNATURE = re.compile(r"0x(?:[0-9a-fA-F]{2})+")


def check_signature(value: object, field: str = "signature") -> str:
    """A signature as sent: 0x followed by whole bytes of hex."""
    if not isinstance(value, str) or not _HEX_SIGNATURE.fullmatch(value):
        raise errors.InvalidInput(field, "must be a 0x-prefixed hex string of whole bytes")
    return value


@attrs.frozen(kw_only=True)
class WithdrawalToSign:
    """Everything a withdrawal signature could cover, validated, exactly as it will be sent.

    ``amount`` is in whole token units; ``amount_base_units`` is the same amount in the token's
    smallest unit, known only when the caller gave the token's decimals. ``chain_id`` is known
    only when the caller gave it.
    """

    instruction_id: str
    order_source: str
    token_address: str
    amount: Decimal
    amount_base_units: int | None
    deadline_ms: int
    chain_id: int | None


# Field names a layout may read, in declaration order.
WITHDRAWAL_FIELDS = tuple(a.name for a in attrs.fields(WithdrawalToSign))


@runtime_checkable
class WithdrawalSigner(Protocol):
    """Signs a withdrawal; returns 0x-hex, or an awaitable of it (only AsyncOmniaClient awaits)."""

    def sign_withdrawal(self, withdrawal: WithdrawalToSign) -> str | Awaitable[str]: ...


Source = str | Callable[[WithdrawalToSign], Any]


@attrs.frozen
class Eip712Field:
    """One member of the signed struct: its name, its Solidity type and where its value comes from.

    ``source`` is a :class:`WithdrawalToSign` field name (``"amount_base_units"``) or a function
    of the withdrawal (e.g. to hash the instruction id into a ``bytes32``).
    """

    name: str
    type: str
    source: Source


_DOMAIN_TYPES = {
    "name": "string",
    "version": "string",
    "chainId": "uint256",
    "verifyingContract": "address",
    "salt": "bytes32",
}


def _as_field(spec: Eip712Field | tuple[str, str, Source]) -> Eip712Field:
    field = spec if isinstance(spec, Eip712Field) else Eip712Field(*spec)
    if isinstance(field.source, str) and field.source not in WITHDRAWAL_FIELDS:
        raise errors.InvalidInput(
            "fields", f"source {field.source!r} is not one of {', '.join(WITHDRAWAL_FIELDS)}"
        )
    if not field.name or not field.type:
        raise errors.InvalidInput("fields", "every field needs a name and a Solidity type")
    return field


def _as_fields(specs: Iterable[Eip712Field | tuple[str, str, Source]]) -> tuple[Eip712Field, ...]:
    return tuple(_as_field(s) for s in specs)


def _eip712_value(field: Eip712Field, withdrawal: WithdrawalToSign) -> Any:
    """The struct member's value, converted exactly (never through float)."""
    source = field.source
    value = getattr(withdrawal, source) if isinstance(source, str) else source(withdrawal)
    if value is None:
        hint = " (pass token_decimals)" if source == "amount_base_units" else ""
        raise errors.InvalidInput("signer", f"struct member {field.name!r} has no value{hint}")
    if isinstance(value, Decimal):
        if field.type == "string":
            # The very text the request body carries ("1.50" is sent as "1.5").
            return format_decimal(value)
        if field.type.startswith(("uint", "int")):
            if value != value.to_integral_value():
                raise errors.InvalidInput(
                    "signer",
                    f"struct member {field.name!r} is an integer but the amount has decimals;"
                    " use amount_base_units",
                )
            return int(value)
    return value


@attrs.frozen
class Eip712Layout:
    """What is signed, as EIP-712 typed data: a domain and one struct filled from the withdrawal.

    Example (an assumption to adapt, not Omnia's published scheme)::

        Eip712Layout(
            domain={"name": "DTW", "version": "1", "chainId": 1, "verifyingContract": "0x..."},
            primary_type="Withdrawal",
            fields=[("instructionId", "string", "instruction_id"),
                    ("token", "address", "token_address"),
                    ("amount", "uint256", "amount_base_units"),
                    ("deadline", "uint256", "deadline_ms")],
        )
    """

    domain: Mapping[str, Any] = attrs.field(converter=dict)
    primary_type: str
    fields: tuple[Eip712Field, ...] = attrs.field(converter=_as_fields)

    def __attrs_post_init__(self) -> None:
        unknown = set(self.domain) - set(_DOMAIN_TYPES)
        if unknown:
            raise errors.InvalidInput(
                "domain", f"unknown keys {sorted(unknown)}; allowed: {', '.join(_DOMAIN_TYPES)}"
            )
        if not self.primary_type or self.primary_type == "EIP712Domain":
            raise errors.InvalidInput("primary_type", "must name the signed struct")
        if not self.fields:
            raise errors.InvalidInput("fields", "the struct needs at least one field")

    def typed_data(self, withdrawal: WithdrawalToSign) -> dict[str, Any]:
        """The full typed data (``eth_signTypedData_v4`` JSON shape) for this withdrawal."""
        domain_chain = self.domain.get("chainId")
        if withdrawal.chain_id is not None and domain_chain not in (None, withdrawal.chain_id):
            raise errors.InvalidInput(
                "chain_id", f"is {withdrawal.chain_id} but the signing domain is for {domain_chain}"
            )
        return {
            "types": {
                "EIP712Domain": [
                    {"name": key, "type": kind}
                    for key, kind in _DOMAIN_TYPES.items()
                    if key in self.domain
                ],
                self.primary_type: [{"name": f.name, "type": f.type} for f in self.fields],
            },
            "primaryType": self.primary_type,
            "domain": dict(self.domain),
            "message": {f.name: _eip712_value(f, withdrawal) for f in self.fields},
        }


def _eth_account() -> Any:
    try:
        import eth_account
    except ImportError:
        raise ImportError(
            "EIP-712 signing needs eth-account: pip install 'withdrawal-clients[eth]'"
        ) from None
    return eth_account


def _key_bytes(private_key: str | bytes) -> bytes:
    """32 key bytes from hex or raw bytes; the message never shows the key."""
    raw: bytes | None = None
    if isinstance(private_key, bytes):
        raw = private_key
    elif isinstance(private_key, str):
        text = private_key.removeprefix("0x")
        if re.fullmatch(r"[0-9a-fA-F]{64}", text):
            raw = bytes.fromhex(text)
    if raw is None or len(raw) != 32:
        raise errors.InvalidInput("private_key", "must be 32 bytes, raw or as 64 hex digits")
    return raw


class Eip712Signer:
    """Signs the typed data of an :class:`Eip712Layout` with a local secp256k1 key.

    The key is kept in a :class:`~withdrawal_clients._core.secret.Secret`: it never appears in a
    repr, a message or a traceback made here. ``address`` is the signer's public address.
    """

    def __init__(
        self, private_key: str | bytes | Secret[str] | Secret[bytes], layout: Eip712Layout
    ) -> None:
        eth_account = _eth_account()
        raw = private_key.reveal() if isinstance(private_key, Secret) else private_key
        key = _key_bytes(raw)
        try:
            self.address: str = eth_account.Account.from_key(key).address
        except Exception:  # eth-keys refuses 0 and keys >= the curve order
            raise errors.InvalidInput("private_key", "is not a valid secp256k1 key") from None
        self._key = Secret(key)
        self.layout = layout

    def sign_withdrawal(self, withdrawal: WithdrawalToSign) -> str:
        eth_account = _eth_account()
        signable = eth_account.messages.encode_typed_data(
            full_message=self.layout.typed_data(withdrawal)
        )
        signed = eth_account.Account.sign_message(signable, private_key=self._key.reveal())
        return "0x" + bytes(signed.signature).hex()

    def __repr__(self) -> str:
        return f"Eip712Signer(address={self.address!r}, primary_type={self.layout.primary_type!r})"


class ExternalSigner:
    """Adapts a signing callable kept elsewhere (a KMS, a hardware wallet, a signing service).

    The callable gets the :class:`WithdrawalToSign` and returns the 0x-hex signature, or an
    awaitable of it (then only :class:`~withdrawal_clients.omnia.AsyncOmniaClient` can use it).
    """

    def __init__(
        self, sign: Callable[[WithdrawalToSign], str | Awaitable[str]], *, name: str = ""
    ) -> None:
        self._sign = sign
        self.name = name or getattr(sign, "__qualname__", type(sign).__name__)

    @classmethod
    def typed_data(
        cls, layout: Eip712Layout, sign: Callable[[dict[str, Any]], str | Awaitable[str]]
    ) -> ExternalSigner:
        """A signer that hands ``sign`` the EIP-712 typed data of ``layout`` (what
        ``eth_signTypedData_v4`` takes) instead of the raw withdrawal."""
        name = getattr(sign, "__qualname__", type(sign).__name__)
        return cls(lambda withdrawal: sign(layout.typed_data(withdrawal)), name=name)

    def sign_withdrawal(self, withdrawal: WithdrawalToSign) -> str | Awaitable[str]:
        return self._sign(withdrawal)

    def __repr__(self) -> str:
        return f"ExternalSigner({self.name})"
