"""Reddio inputs: checking what a caller gives, and building a signed withdrawalto body.

Everything here is pure (no I/O). Every check raises :class:`InvalidInput` naming the field
and the rule, and never quotes the value (some values are private keys).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from .. import amounts, starkex
from .._core import rules
from .._core.rules import decimal_int
from .._core.secret import SafeRepr, Secret, conceal, unwrap
from ..errors import InvalidInput, MissingExtra
from ..starkex import AssetKind

__all__ = [
    "DEFAULT_EXPIRATION",
    "FUNGIBLE_KINDS",
    "SignedWithdrawalTo",
    "StarkKeys",
    "build_withdrawal_to",
    "signed_from_body",
]

U31 = 2**31  # vault ids and nonces are packed into 31 bits of the signed message
U251 = 2**251  # asset ids, stark keys and signed integers are field elements below 2^251
MAX_QUANTIZED = 2**63 - 1  # the amount is packed into 63 bits
U256 = 2**256  # an ERC721 token id is a uint256
U160 = 2**160  # an Ethereum address is 160 bits
MIN_STARK_KEY = 2**200  # a curve point's x below this has a chance of 2^-51: a typo instead
ADDRESS_DIGITS = 40
DEFAULT_EXPIRATION = 2**22 - 1  # hours since the epoch; every official SDK's default
# Reddio's asset kinds; fungible ones move amounts, the others move one token.
FUNGIBLE_KINDS = frozenset({AssetKind.ETH, AssetKind.ERC20})
ASSET_KINDS = FUNGIBLE_KINDS | {AssetKind.ERC721, AssetKind.MINTABLE_ERC721}
# How Reddio's API spells a kind where it differs from StarkEx's name.
_API_NAMES = {AssetKind.MINTABLE_ERC721: "ERC721M"}

_HEX = re.compile(r"0x[0-9a-fA-F]+")


def hex_int(value: object, field: str, *, bound: int = U251, bound_text: str = "2^251") -> int:
    """A non-negative int given as an int or a 0x-hex string, below ``bound``."""
    if isinstance(value, str) and _HEX.fullmatch(value):
        number = int(value, 16)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise InvalidInput(field, "must be a 0x-prefixed hex string or an int")
    if not 0 <= number < bound:
        raise InvalidInput(field, f"must be non-negative and below {bound_text}")
    return number


def eth_address(value: object, field: str) -> str:
    """An Ethereum address (see :func:`rules.eth_address`), in the lower case Reddio posts."""
    return rules.eth_address(value, field).lower()


def contract(value: object, field: str = "contract_address") -> str:
    """A token contract address, or ``"ETH"`` for ether."""
    if isinstance(value, str) and value.upper() == "ETH":
        return "ETH"
    if not isinstance(value, str) or not value.startswith("0x"):
        raise InvalidInput(field, 'must be "ETH" or an Ethereum address (0x + 40 hex digits)')
    address = eth_address(value, field)
    if int(address, 16) == 0:
        raise InvalidInput(field, 'must not be the zero address (ether is "ETH")')
    return address


def receiver_hex(value: object, field: str = "receiver") -> str:
    """The receiver as the 0x-hex string that is posted: an Ethereum address (0x + 40 hex
    digits, its EIP-55 checksum right when in mixed case, not the zero address) or a stark key
    (any real one is above 2^200). An int is formatted, an address with all 40 digits."""
    number = hex_int(value, field)
    if number == 0:
        raise InvalidInput(field, "must not be zero (funds sent there are lost)")
    if isinstance(value, str) and len(value) == len("0x") + ADDRESS_DIGITS:
        return eth_address(value, field)
    if number < U160 and not isinstance(value, str):
        return f"0x{number:0{ADDRESS_DIGITS}x}"
    if number < MIN_STARK_KEY:  # no real stark key is this small: an address with a typo?
        raise InvalidInput(
            field,
            "must be an Ethereum address (0x + 40 hex digits) or a stark key (0x + 51 to 63 hex "
            "digits); a digit may be missing or extra",
        )
    return value.lower() if isinstance(value, str) else hex(number)


def stark_key_hex(value: object, field: str = "stark_key") -> str:
    """A stark key as 0x-hex (ints are accepted and formatted)."""
    return hex(hex_int(value, field))


def u31(value: object, field: str) -> int:
    """A vault id or nonce: an int (or decimal string) in [0, 2^31)."""
    type_rule, range_rule = "must be an int (or a decimal string)", "must be in [0, 2^31)"
    if isinstance(value, str):
        return decimal_int(value, field, below=U31, type_rule=type_rule, range_rule=range_rule)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, type_rule)
    if not 0 <= value < U31:
        raise InvalidInput(field, range_rule)
    return value


def expiration_hours(
    value: object, field: str = "expiration_timestamp", *, now: float | None = None
) -> int:
    """Hours since the Unix epoch, below 2^22; a seconds value is refused with a hint.

    With ``now`` (Unix seconds) the hour must also be later than the current one: an expired
    transfer can only be refused. Offline signing passes no ``now`` (test vectors are old).
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, "must be an int: hours since the Unix epoch")
    if value < 0:
        raise InvalidInput(field, "must be non-negative hours since the Unix epoch")
    if value > DEFAULT_EXPIRATION:
        raise InvalidInput(
            field,
            f"must be in HOURS since the Unix epoch, at most {DEFAULT_EXPIRATION} (2^22-1); "
            "the value looks like seconds or milliseconds (divide seconds by 3600)",
        )
    if now is not None and value <= now // 3600:
        raise InvalidInput(
            field,
            f"is in the past: hours since the Unix epoch must be after the current hour "
            f"({int(now // 3600)})",
        )
    return value


def asset_kind(value: object, field: str = "asset_type") -> AssetKind:
    """One of the asset kinds Reddio handles: ETH, ERC20, ERC721, ERC721M (MINTABLE_ERC721)."""
    rule = "must be one of ETH, ERC20, ERC721, ERC721M"
    try:
        kind = starkex.parse_asset_kind(value, field)
    except InvalidInput:
        raise InvalidInput(field, rule) from None
    if kind not in ASSET_KINDS:
        raise InvalidInput(field, rule)
    return kind


def api_name(kind: AssetKind) -> str:
    """The kind as Reddio's API spells it (``type`` parameters)."""
    return _API_NAMES.get(kind, kind.value)


def token_id_for(value: object, kind: AssetKind, field: str = "token_id") -> str:
    """The token id as posted: ``""`` for fungible kinds, a decimal string for NFTs."""
    if kind in FUNGIBLE_KINDS:
        if value not in (None, ""):
            raise InvalidInput(field, f"must be empty for {api_name(kind)}")
        return ""
    type_rule = f"is required for {api_name(kind)}: a non-negative int or decimal string"
    range_rule = "must be below 2^256 (a uint256)"
    if isinstance(value, str):
        number = decimal_int(value, field, below=U256, type_rule=type_rule, range_rule=range_rule)
        return str(number)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(field, type_rule)
    if value >= U256:
        raise InvalidInput(field, range_rule)
    return str(value)


_KEY_RULE = "must be a 0x-prefixed hex string or an int, in (0, the curve order)"


def _private_key(raw: object, field: str) -> Secret[int]:
    """A stark private key's number (run through :func:`unwrap`: it may fail freely)."""
    number = hex_int(raw, field, bound=starkex.EC_ORDER, bound_text="the curve order")
    if number == 0:
        raise InvalidInput(field, "must not be 0")
    return Secret(number)


@attrs.frozen(repr=False)
class StarkKeys(SafeRepr):
    """A stark private key (kept in a Secret) and its stark key, derived once.

    Pass one to :func:`build_withdrawal_to` instead of the bare private key to skip the
    derivation when signing many withdrawals.
    """

    private: Secret[int]
    stark_key: str

    @classmethod
    def of(cls, value: object, field: str = "stark_private_key") -> StarkKeys:
        """From an int, a 0x-hex string, a Secret, or StarkKeys (returned as is)."""
        secret = conceal(value)  # first: no frame below may hold the raw key
        del value
        if secret is None:
            raise InvalidInput(field, "is required for a signed call")
        if isinstance(secret.reveal(), StarkKeys):
            keys: StarkKeys = secret.reveal()
            return keys
        private = unwrap(secret, lambda raw: _private_key(raw, field), field, _KEY_RULE)
        return cls(private, hex(starkex.private_to_stark_key(private)))

    @classmethod
    def from_eth_signature(cls, signature: str | Secret[str]) -> StarkKeys:
        """Reddio's keys from a wallet's 65-byte signature (hex) of Reddio's EIP-712 payload
        (``starkex.layer2_key_typed_data(chain_id)``), e.g. from ``eth_signTypedData_v4``.
        The signature is as secret as the key it gives."""
        secret = conceal(signature)
        del signature
        rule = "must be 65 bytes as 130 hex digits, 0x optional"
        if secret is None:
            raise InvalidInput("eth_signature", rule)
        derive = starkex.get_private_key_from_eth_signature
        return cls.of(unwrap(secret, lambda raw: Secret(derive(raw)), "eth_signature", rule))

    @classmethod
    def from_eth_key(
        cls, eth_private_key: str | bytes | Secret[str], *, chain_id: int
    ) -> StarkKeys:
        """Reddio's keys for an Ethereum account whose key is at hand (needs the ``[eth]``
        extra): sign Reddio's EIP-712 payload for ``chain_id`` (1 mainnet, 11155111 Sepolia)
        and derive from the signature, as Reddio's wallets do."""
        secret = conceal(eth_private_key)  # first: no frame below may hold the raw key
        del eth_private_key
        try:
            from eth_account import Account
            from eth_account.messages import encode_typed_data
        except ImportError:
            raise MissingExtra("deriving keys from an Ethereum key", "eth") from None
        message = encode_typed_data(full_message=starkex.layer2_key_typed_data(chain_id))
        rule = "must be a valid secp256k1 private key"
        if secret is None:
            raise InvalidInput("eth_private_key", rule)
        # eth-account's own messages may quote the key: unwrap keeps them out.
        signature = unwrap(
            secret,
            lambda key: Secret(
                "0x" + bytes(Account.sign_message(message, private_key=key).signature).hex()
            ),
            "eth_private_key",
            rule,
        )
        return cls.from_eth_signature(signature)

    def _shown(self) -> dict[str, object]:
        return {"stark_key": self.stark_key}


@attrs.frozen
class GivenAmount:
    """An amount as the caller gave it (whole tokens, or quanta when ``quantized``), checked
    but not yet turned into the integer that is signed."""

    value: Decimal | int
    quantized: bool

    def quantize(self, *, decimals: int, quantum: int, kind: AssetKind) -> int:
        """The integer that is signed; must come out exact, positive and below 2^63."""
        if self.quantized:
            result = int(self.value)
        else:
            result = amounts.quantize(self.value, decimals, quantum)
        return quantized_amount(result, kind)


def given_amount(value: object, *, quantized: bool, field: str = "amount") -> GivenAmount:
    """Check an amount before anything is looked up or sent.

    A float is refused (it is rarely the number the caller meant). An int is a number of whole
    tokens unless ``quantized`` says it is already in quantized units.
    """
    if not isinstance(quantized, bool):  # "false" and 0 would read as a choice they are not
        raise InvalidInput("quantized", "must be True or False")
    if isinstance(value, float):
        raise InvalidInput(field, "must be a Decimal, a decimal string or an int, never a float")
    if isinstance(value, bool):
        raise InvalidInput(field, "must be a Decimal, a decimal string or an int")
    if quantized:
        if not isinstance(value, int):
            raise InvalidInput(field, "must be an int when quantized=True")
        if value <= 0:
            raise InvalidInput(field, "must be positive")
        if value > MAX_QUANTIZED:
            raise InvalidInput(field, "is too large: a quantized amount must be below 2^63")
        return GivenAmount(value, True)
    number = amounts.to_decimal(value, field)
    if not number.is_finite() or number <= 0:
        raise InvalidInput(field, "must be a positive, finite number")
    return GivenAmount(number, False)


def quantized_amount(value: object, kind: AssetKind, field: str = "amount") -> int:
    """A quantized amount as signed: in [1, 2^63), and exactly 1 for a non-fungible token."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidInput(field, "must be a positive int (quantized units)")
    if value > MAX_QUANTIZED:
        raise InvalidInput(field, "is too large: the quantized amount must be below 2^63")
    if kind not in FUNGIBLE_KINDS and value != 1:
        raise InvalidInput(field, f"must be exactly 1 for {api_name(kind)}")
    return value


@attrs.frozen
class SignedWithdrawalTo:
    """A signed ``POST /v1/withdrawalto`` body, ready to send now or later.

    ``body`` is exactly what is posted (read-only); ``msg_hash``, ``r`` and ``s`` are the
    signed StarkEx transfer hash and its signature. Re-posting the same body is safe: Reddio
    refuses a second copy as a duplicate (error_code 13).
    """

    body: Mapping[str, Any]
    msg_hash: int
    r: int
    s: int

    @property
    def signature(self) -> tuple[str, str]:
        """(r, s) as the 0x-hex strings that were posted."""
        return hex(self.r), hex(self.s)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready copy of the body."""
        return {**self.body, "signature": dict(self.body["signature"])}


def signed_from_body(body: object, field: str = "body") -> SignedWithdrawalTo:
    """A signed withdrawalto from a body as it was posted (e.g. one an OutcomeUnknown carried
    and was saved): every field checked, the message hash recomputed and the signature
    verified against the body's stark key, so only a body that was really signed is resent."""
    if not isinstance(body, Mapping) or not isinstance(body.get("signature"), Mapping):
        raise InvalidInput(field, "must be a withdrawalto body with a signature {r, s}")
    try:
        kind = AssetKind.ERC721 if body.get("token_id") not in (None, "") else AssetKind.ERC20
        token = token_id_for(body.get("token_id"), kind)
        amount = quantized_amount(
            decimal_int(
                str(body.get("amount")),
                "amount",
                below=MAX_QUANTIZED + 1,
                type_rule="must be a decimal string",
                range_rule="must be below 2^63",
            ),
            kind,
        )
        address = contract(body.get("contract_address"))
        asset = hex_int(body.get("asset_id"), "asset_id")
        stark_key = hex_int(body.get("stark_key"), "stark_key")
        nonce = u31(body.get("nonce"), "nonce")
        vault = u31(body.get("vault_id"), "vault_id")
        to = receiver_hex(body.get("receiver"))
        receiver_vault = u31(body.get("receiver_vault_id"), "receiver_vault_id")
        expiry = expiration_hours(body.get("expiration_timestamp"))
        r = hex_int(body["signature"].get("r"), "signature.r")
        s = hex_int(body["signature"].get("s"), "signature.s")
    except InvalidInput as exc:
        raise InvalidInput(f"{field}.{exc.field}", exc.rule) from None
    msg_hash = starkex.get_transfer_msg_hash(
        amount=amount,
        nonce=nonce,
        sender_vault_id=vault,
        asset_id=asset,
        receiver_vault_id=receiver_vault,
        receiver=int(to, 16),
        expiration_timestamp=expiry,
    )
    if not 0 < r < U251 or not 0 < s < starkex.EC_ORDER:
        raise InvalidInput(f"{field}.signature", "is out of range")
    if not starkex.verify(msg_hash, r, s, stark_key):
        raise InvalidInput(f"{field}.signature", "does not sign this body with its stark key")
    posted = {
        "contract_address": address,
        "asset_id": hex(asset),
        "stark_key": hex(stark_key),
        "amount": str(amount),
        "token_id": token,
        "nonce": nonce,
        "vault_id": str(vault),
        "receiver": to,
        "receiver_vault_id": str(receiver_vault),
        "expiration_timestamp": expiry,
        "signature": MappingProxyType({"r": hex(r), "s": hex(s)}),
    }
    return SignedWithdrawalTo(MappingProxyType(posted), msg_hash, r, s)


def build_withdrawal_to(
    *,
    stark_private_key: int | str | Secret[int] | StarkKeys,
    contract_address: str,
    asset_id: int | str,
    amount: int,
    nonce: int,
    vault_id: int | str,
    receiver: str | int,
    receiver_vault_id: int | str,
    token_id: str | int | None = "",
    expiration_timestamp: int = DEFAULT_EXPIRATION,
) -> SignedWithdrawalTo:
    """Check, hash and sign a withdrawalto from explicit values, without any I/O.

    ``amount`` is in quantized units (the integer that is signed); ``token_id`` is empty for
    ETH and ERC20 and names the token for NFTs (whose amount must then be 1). Suited to offline
    or cold signing: the result's ``body`` can be posted later by any client.
    """
    key = conceal(stark_private_key)  # first: no frame below may hold the raw key
    del stark_private_key
    keys = StarkKeys.of(key)
    kind = AssetKind.ERC721 if token_id not in (None, "") else AssetKind.ERC20
    token = token_id_for(token_id, kind)
    checked_amount = quantized_amount(amount, kind)
    to = receiver_hex(receiver)
    asset = hex_int(asset_id, "asset_id")
    nonce = u31(nonce, "nonce")
    sender_vault, receiver_vault = (
        u31(vault_id, "vault_id"),
        u31(receiver_vault_id, "receiver_vault_id"),
    )
    expiry = expiration_hours(expiration_timestamp)
    body_contract = contract(contract_address)
    msg_hash = starkex.get_transfer_msg_hash(
        amount=checked_amount,
        nonce=nonce,
        sender_vault_id=sender_vault,
        asset_id=asset,
        receiver_vault_id=receiver_vault,
        receiver=int(to, 16),
        expiration_timestamp=expiry,
    )
    r, s = starkex.sign(msg_hash, keys.private)
    body = {
        "contract_address": body_contract,
        "asset_id": hex(asset),
        "stark_key": keys.stark_key,
        "amount": str(checked_amount),
        "token_id": token,
        "nonce": nonce,
        "vault_id": str(sender_vault),
        "receiver": to,
        "receiver_vault_id": str(receiver_vault),
        "expiration_timestamp": expiry,
        "signature": MappingProxyType({"r": hex(r), "s": hex(s)}),
    }
    return SignedWithdrawalTo(MappingProxyType(body), msg_hash, r, s)
