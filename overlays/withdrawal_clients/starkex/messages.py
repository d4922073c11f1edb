"""StarkEx message hashes: what a user signs for a transfer or an order.

Each message packs its small fields into one or two integers and hashes them with the asset
ids through Pedersen hashes, as StarkWare's reference code does. A Reddio withdrawalto is a
transfer (instruction type 1) whose receiver is an Ethereum address or a STARK key.

Vault ids are 31-bit; the "with fee" messages (StarkEx v4+) also take vault ids in the
second range [2^63, 2^63 + 2^31). Asset ids stay below 2^251: plain ones below 2^250, and
mintable ones set bit 250.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import InvalidInput
from ._checks import in_range, integer
from .curve import P
from .pedersen import pedersen_hash

VAULT_BOUND = 2**31
SECOND_VAULT_RANGE = 2**63  # "with fee" messages also take [2^63, 2^63 + 2^31)
AMOUNT_BOUND = 2**63
NONCE_BOUND = 2**31
EXPIRATION_BOUND = 2**22
ASSET_ID_BOUND = 2**251
RECEIVER_BOUND = 2**251

_LIMIT_ORDER, _TRANSFER, _CONDITIONAL_TRANSFER = 0, 1, 2
_LIMIT_ORDER_WITH_FEE, _TRANSFER_WITH_FEE, _CONDITIONAL_TRANSFER_WITH_FEE = 3, 4, 5


def _vault(value: object, field: str) -> int:
    return in_range(value, field, 0, VAULT_BOUND, "in [0, 2^31)")


def _any_vault(value: object, field: str) -> int:
    number = integer(value, field)
    if 0 <= number - SECOND_VAULT_RANGE < VAULT_BOUND:
        return number
    if 0 <= number < VAULT_BOUND:
        return number
    raise InvalidInput(field, "must be in [0, 2^31) or [2^63, 2^63 + 2^31)")


def _amount(value: object, field: str) -> int:
    return in_range(value, field, 0, AMOUNT_BOUND, "in [0, 2^63)")


def _nonce(value: object) -> int:
    return in_range(value, "nonce", 0, NONCE_BOUND, "in [0, 2^31)")


def _expiration(value: object) -> int:
    return in_range(value, "expiration_timestamp", 0, EXPIRATION_BOUND, "in [0, 2^22) hours")


def _asset(value: object, field: str) -> int:
    return in_range(value, field, 0, ASSET_ID_BOUND, "in [0, 2^251)")


def _receiver(value: object) -> int:
    return in_range(value, "receiver", 0, RECEIVER_BOUND, "in [0, 2^251)")


def _condition(value: object) -> int:
    return in_range(value, "condition", 0, P, "in [0, p), p the STARK field prime")


def _pack(first: int, *fields: tuple[int, int]) -> int:
    """``first`` followed by (value, bit width) fields, the first one highest."""
    packed = first
    for value, width in fields:
        packed = packed << width | value
    return packed


def _hash_chain(*values: int) -> int:
    """H(...H(H(v0, v1), v2)..., vn): how StarkEx folds a message into one hash."""
    result = values[0]
    for value in values[1:]:
        result = pedersen_hash(result, value)
    return result


def _packed_without_fee(
    instruction: int, vault0: int, vault1: int, amount0: int, amount1: int, nonce: int, expiry: int
) -> int:
    """The packed word of the messages without fee (instruction types 0, 1, 2)."""
    return _pack(
        instruction,
        (vault0, 31),
        (vault1, 31),
        (amount0, 63),
        (amount1, 63),
        (nonce, 31),
        (expiry, 22),
    )


def get_transfer_msg_hash(
    *,
    amount: int,
    nonce: int,
    sender_vault_id: int,
    asset_id: int,
    receiver_vault_id: int,
    receiver: int,
    expiration_timestamp: int,
) -> int:
    """The hash a sender signs for a transfer (Reddio's withdrawalto): instruction type 1.

    ``receiver`` is the receiver's STARK key or Ethereum address, as an int.
    ``expiration_timestamp`` counts hours since the Unix epoch (it must fit 22 bits).
    """
    amount_, nonce_, sender, asset, receiver_vault, receiver_, expiry = _transfer_fields(
        amount,
        nonce,
        sender_vault_id,
        asset_id,
        receiver_vault_id,
        receiver,
        expiration_timestamp,
        _vault,
    )
    packed = _packed_without_fee(_TRANSFER, sender, receiver_vault, amount_, 0, nonce_, expiry)
    return _hash_chain(asset, receiver_, packed)


def get_conditional_transfer_msg_hash(
    *,
    amount: int,
    nonce: int,
    sender_vault_id: int,
    asset_id: int,
    receiver_vault_id: int,
    receiver: int,
    expiration_timestamp: int,
    condition: int,
) -> int:
    """A transfer that only happens if ``condition`` (a field element) holds: type 2."""
    amount_, nonce_, sender, asset, receiver_vault, receiver_, expiry = _transfer_fields(
        amount,
        nonce,
        sender_vault_id,
        asset_id,
        receiver_vault_id,
        receiver,
        expiration_timestamp,
        _vault,
    )
    condition_ = _condition(condition)
    packed = _packed_without_fee(
        _CONDITIONAL_TRANSFER, sender, receiver_vault, amount_, 0, nonce_, expiry
    )
    return _hash_chain(asset, receiver_, condition_, packed)


def get_transfer_msg_hash_with_fee(
    *,
    amount: int,
    nonce: int,
    sender_vault_id: int,
    asset_id: int,
    receiver_vault_id: int,
    receiver: int,
    expiration_timestamp: int,
    fee_asset_id: int,
    fee_vault_id: int,
    fee_limit: int,
    condition: int | None = None,
) -> int:
    """A transfer paying a fee of at most ``fee_limit`` (types 4, or 5 with a condition)."""
    amount_, nonce_, sender, asset, receiver_vault, receiver_, expiry = _transfer_fields(
        amount,
        nonce,
        sender_vault_id,
        asset_id,
        receiver_vault_id,
        receiver,
        expiration_timestamp,
        _any_vault,
    )
    fee_asset = _asset(fee_asset_id, "fee_asset_id")
    fee_vault = _any_vault(fee_vault_id, "fee_vault_id")
    limit = _amount(fee_limit, "fee_limit")
    conditions = () if condition is None else (_condition(condition),)
    instruction = _CONDITIONAL_TRANSFER_WITH_FEE if conditions else _TRANSFER_WITH_FEE
    packed1 = _pack(sender, (receiver_vault, 64), (fee_vault, 64), (nonce_, 32))
    packed2 = _pack(instruction, (amount_, 64), (limit, 64), (expiry, 32), (0, 81))
    return _hash_chain(asset, fee_asset, receiver_, *conditions, packed1, packed2)


def _transfer_fields(
    amount: object,
    nonce: object,
    sender_vault_id: object,
    asset_id: object,
    receiver_vault_id: object,
    receiver: object,
    expiration_timestamp: object,
    vault: Callable[[object, str], int],
) -> tuple[int, int, int, int, int, int, int]:
    return (
        _amount(amount, "amount"),
        _nonce(nonce),
        vault(sender_vault_id, "sender_vault_id"),
        _asset(asset_id, "asset_id"),
        vault(receiver_vault_id, "receiver_vault_id"),
        _receiver(receiver),
        _expiration(expiration_timestamp),
    )


def _order_fields(
    vault_id_sell: object,
    vault_id_buy: object,
    amount_sell: object,
    amount_buy: object,
    asset_id_sell: object,
    asset_id_buy: object,
    nonce: object,
    expiration_timestamp: object,
    vault: Callable[[object, str], int],
) -> tuple[int, int, int, int, int, int, int, int]:
    return (
        vault(vault_id_sell, "vault_id_sell"),
        vault(vault_id_buy, "vault_id_buy"),
        _amount(amount_sell, "amount_sell"),
        _amount(amount_buy, "amount_buy"),
        _asset(asset_id_sell, "asset_id_sell"),
        _asset(asset_id_buy, "asset_id_buy"),
        _nonce(nonce),
        _expiration(expiration_timestamp),
    )


def get_limit_order_msg_hash(
    *,
    vault_id_sell: int,
    vault_id_buy: int,
    amount_sell: int,
    amount_buy: int,
    asset_id_sell: int,
    asset_id_buy: int,
    nonce: int,
    expiration_timestamp: int,
) -> int:
    """The hash a user signs for a limit order (sell amount_sell, buy amount_buy): type 0."""
    sell_vault, buy_vault, sell, buy, sell_asset, buy_asset, nonce_, expiry = _order_fields(
        vault_id_sell,
        vault_id_buy,
        amount_sell,
        amount_buy,
        asset_id_sell,
        asset_id_buy,
        nonce,
        expiration_timestamp,
        _vault,
    )
    packed = _packed_without_fee(_LIMIT_ORDER, sell_vault, buy_vault, sell, buy, nonce_, expiry)
    return _hash_chain(sell_asset, buy_asset, packed)


def get_limit_order_msg_hash_with_fee(
    *,
    vault_id_sell: int,
    vault_id_buy: int,
    amount_sell: int,
    amount_buy: int,
    asset_id_sell: int,
    asset_id_buy: int,
    nonce: int,
    expiration_timestamp: int,
    fee_asset_id: int,
    fee_vault_id: int,
    fee_limit: int,
) -> int:
    """A limit order paying a fee of at most ``fee_limit``: type 3."""
    sell_vault, buy_vault, sell, buy, sell_asset, buy_asset, nonce_, expiry = _order_fields(
        vault_id_sell,
        vault_id_buy,
        amount_sell,
        amount_buy,
        asset_id_sell,
        asset_id_buy,
        nonce,
        expiration_timestamp,
        _any_vault,
    )
    fee_asset = _asset(fee_asset_id, "fee_asset_id")
    fee_vault = _any_vault(fee_vault_id, "fee_vault_id")
    limit = _amount(fee_limit, "fee_limit")
    packed1 = _pack(sell, (buy, 64), (limit, 64), (nonce_, 32))
    packed2 = _pack(
        _LIMIT_ORDER_WITH_FEE,
        (fee_vault, 64),
        (sell_vault, 64),
        (buy_vault, 64),
        (expiry, 32),
        (0, 17),
    )
    return _hash_chain(sell_asset, buy_asset, fee_asset, packed1, packed2)
