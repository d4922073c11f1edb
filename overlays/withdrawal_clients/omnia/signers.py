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
from .._core import rules
from .._core.secret import SafeRepr, Secret, conceal, unwrap
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


# The elementary Solidity types a member may have (what eth_signTypedData_v4 encodes).
_SOLIDITY_TYPE = re.compile(
    r"u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192"
    r"|200|208|216|224|232|240|248|256)?|address|bool|string|bytes([1-9]|[12][0-9]|3[0-2])?"
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _as_field(spec: object) -> Eip712Field:
    if isinstance(spec, Eip712Field):
        field = spec
    elif isinstance(spec, tuple | list) and len(spec) == 3:
        field = Eip712Field(*spec)
    else:
        raise errors.InvalidInput(
            "fields", "each is an Eip712Field or a (name, type, source) triple"
        )
    if not isinstance(field.name, str) or not _IDENTIFIER.fullmatch(field.name):
        raise errors.InvalidInput("fields", "every field needs a name (an identifier)")
    if not isinstance(field.type, str) or not _SOLIDITY_TYPE.fullmatch(field.type):
        raise errors.InvalidInput(
            "fields", "every field needs an elementary Solidity type (uint256, address, ...)"
        )
    if isinstance(field.source, str):
        if field.source not in WITHDRAWAL_FIELDS:
            raise errors.InvalidInput(
                "fields", f"source {field.source!r} is not one of {', '.join(WITHDRAWAL_FIELDS)}"
            )
    elif not callable(field.source):
        raise errors.InvalidInput("fields", "a source is a field name or a function")
    return field


def _as_fields(specs: object) -> tuple[Eip712Field, ...]:
    if isinstance(specs, str | bytes) or not isinstance(specs, Iterable):
        raise errors.InvalidInput("fields", "must be a list of fields")
    return tuple(_as_field(s) for s in specs)


def _as_domain(value: object) -> dict[str, Any]:
    """The EIP-712 domain, each value of its key's type (so signing cannot fail on it later)."""
    if not isinstance(value, Mapping):
        raise errors.InvalidInput("domain", "must be a mapping")
    domain = dict(value)
    unknown = set(domain) - set(_DOMAIN_TYPES)
    if unknown:
        raise errors.InvalidInput(
            "domain",
            f"unknown keys {sorted(map(str, unknown))}; allowed: {', '.join(_DOMAIN_TYPES)}",
        )
    for key in ("name", "version"):
        if key in domain and not isinstance(domain[key], str):
            raise errors.InvalidInput("domain", f"{key} must be a string")
    if "chainId" in domain:
        _fits(domain["chainId"], "uint256", "domain", "chainId")
    if "verifyingContract" in domain:
        rules.eth_address(domain["verifyingContract"], "domain")
    salt = domain.get("salt")
    if salt is not None and not (isinstance(salt, bytes) and len(salt) == 32):
        raise errors.InvalidInput("domain", "salt must be 32 bytes")
    return domain


def _fits(value: object, solidity: str, field: str, member: str) -> int:
    """``value`` as an int of the Solidity integer type ``solidity`` (uint8 ... int256)."""
    bits = int(solidity.removeprefix("u").removeprefix("int") or 256)
    low, high = (0, 2**bits) if solidity.startswith("u") else (-(2 ** (bits - 1)), 2 ** (bits - 1))
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value < high:
        raise errors.InvalidInput(field, f"{member} must be an int that fits {solidity}")
    return value


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
            value = int(value)
    if field.type.startswith(("uint", "int")):
        return _fits(value, field.type, "signer", f"struct member {field.name!r}")
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

    domain: Mapping[str, Any] = attrs.field(converter=_as_domain)
    primary_type: str
    fields: tuple[Eip712Field, ...] = attrs.field(converter=_as_fields)

    def __attrs_post_init__(self) -> None:
        primary = self.primary_type
        valid = isinstance(primary, str) and _IDENTIFIER.fullmatch(primary)
        if not valid or primary == "EIP712Domain":
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


def _key_bytes(private_key: object) -> Secret[bytes]:
    """32 key bytes from hex or raw bytes (run through :func:`unwrap`: it may fail freely)."""
    raw: bytes | None = None
    if isinstance(private_key, bytes):
        raw = private_key
    elif isinstance(private_key, str):
        text = private_key.removeprefix("0x")
        if re.fullmatch(r"[0-9a-fA-F]{64}", text):
            raw = bytes.fromhex(text)
    if raw is None or len(raw) != 32:
        raise errors.InvalidInput("private_key", _KEY_RULE)
    return Secret(raw)


_KEY_RULE = "must be 32 bytes, raw or as 64 hex digits"


def _check_layout(layout: object) -> Eip712Layout:
    if not isinstance(layout, Eip712Layout):
        raise errors.InvalidInput("layout", "must be an Eip712Layout")
    return layout


class Eip712Signer(SafeRepr):
    """Signs the typed data of an :class:`Eip712Layout` with a local secp256k1 key.

    The key is kept in a :class:`~withdrawal_clients._core.secret.Secret`: it never appears in
    a repr, a message or a traceback (with or without locals). ``address`` is the signer's
    public address.
    """

    def __init__(
        self, private_key: str | bytes | Secret[str] | Secret[bytes], layout: Eip712Layout
    ) -> None:
        secret = conceal(private_key)  # first: no frame below may hold the raw key
        del private_key
        eth_account = _eth_account()
        self.layout = _check_layout(layout)
        if secret is None:
            raise errors.InvalidInput("private_key", _KEY_RULE)
        self._key = unwrap(secret, _key_bytes, "private_key", _KEY_RULE)
        # eth-keys refuses 0 and keys at or above the curve order.
        self.address: str = unwrap(
            self._key,
            lambda key: eth_account.Account.from_key(key).address,
            "private_key",
            "is not a valid secp256k1 key",
        )

    def sign_withdrawal(self, withdrawal: WithdrawalToSign) -> str:
        eth_account = _eth_account()
        typed = self.layout.typed_data(withdrawal)
        try:
            signable = eth_account.messages.encode_typed_data(full_message=typed)
        except Exception:  # a value the layout's types cannot carry (the key is not involved)
            raise errors.InvalidInput(
                "signer", "the withdrawal does not fit the layout's struct types"
            ) from None
        signature: bytes = unwrap(
            self._key,
            lambda key: bytes(
                eth_account.Account.sign_message(signable, private_key=key).signature
            ),
            "signer",
            "could not sign with the key",
        )
        return "0x" + signature.hex()

    def _shown(self) -> dict[str, object]:
        return {"address": self.address, "primary_type": self.layout.primary_type}


class ExternalSigner(SafeRepr):
    """Adapts a signing callable kept elsewhere (a KMS, a hardware wallet, a signing service).

    The callable gets the :class:`WithdrawalToSign` and returns the 0x-hex signature, or an
    awaitable of it (then only :class:`~withdrawal_clients.omnia.AsyncOmniaClient` can use it).
    """

    def __init__(
        self, sign: Callable[[WithdrawalToSign], str | Awaitable[str]], *, name: str = ""
    ) -> None:
        if not callable(sign):
            raise errors.InvalidInput("sign", "must be a function returning a 0x-hex signature")
        if not isinstance(name, str):
            raise errors.InvalidInput("name", "must be a string")
        self._sign = sign
        self.name = name or _name_of(sign)

    @classmethod
    def typed_data(
        cls, layout: Eip712Layout, sign: Callable[[dict[str, Any]], str | Awaitable[str]]
    ) -> ExternalSigner:
        """A signer that hands ``sign`` the EIP-712 typed data of ``layout`` (what
        ``eth_signTypedData_v4`` takes) instead of the raw withdrawal."""
        checked = _check_layout(layout)
        if not callable(sign):
            raise errors.InvalidInput("sign", "must be a function returning a 0x-hex signature")
        return cls(lambda withdrawal: sign(checked.typed_data(withdrawal)), name=_name_of(sign))

    def sign_withdrawal(self, withdrawal: WithdrawalToSign) -> str | Awaitable[str]:
        return self._sign(withdrawal)

    def _shown(self) -> dict[str, object]:
        return {"name": self.name}


def _name_of(function: object) -> str:
    name = getattr(function, "__qualname__", None)
    return name if isinstance(name, str) else type(function).__name__
