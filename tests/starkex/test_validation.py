"""Every range and type rule, exactly at its boundaries: valid at max - 1, refused at max."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from withdrawal_clients._core.secret import Secret
from withdrawal_clients.errors import InvalidInput
from withdrawal_clients.starkex import (
    get_conditional_transfer_msg_hash,
    get_limit_order_msg_hash,
    get_limit_order_msg_hash_with_fee,
    get_transfer_msg_hash,
    get_transfer_msg_hash_with_fee,
    pedersen_hash,
    private_to_stark_key,
    sign,
    verify,
)
from withdrawal_clients.starkex.curve import N, P

BOUND = 2**251
KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
STARK_KEY = 0x77A3B314DB07C45076D11F62B6F9E748A39790441823307743CF00D6597EA43
NOT_INTS = [True, False, 1.0, "1", b"1", None]


def refused(field: str, call: Callable[[], Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        call()
    assert info.value.field == field
    assert isinstance(info.value, ValueError)
    return info.value


class TestPrivateKey:
    @pytest.mark.parametrize("value", [1, 2, N - 1, Secret(N - 1)])
    def test_valid(self, backend: str, value: Any) -> None:
        assert 0 < private_to_stark_key(value) < P
        r, s = sign(1, value)
        assert verify(1, r, s, private_to_stark_key(value))

    @pytest.mark.parametrize("value", [0, -1, N, N + 1, 2**256, Secret(0), Secret(N)])
    def test_out_of_range(self, backend: str, value: Any) -> None:
        error = refused("private_key", lambda: private_to_stark_key(value))
        assert "(0, n)" in error.rule
        refused("private_key", lambda: sign(1, value))

    @pytest.mark.parametrize("value", [*NOT_INTS, Secret("1"), Secret(True)])
    def test_not_an_int(self, value: Any) -> None:
        refused("private_key", lambda: private_to_stark_key(value))
        refused("private_key", lambda: sign(1, value))


class TestSign:
    @pytest.mark.parametrize("msg_hash", [1, BOUND - 1])
    def test_message_hash_bounds(self, msg_hash: int) -> None:
        r, s = sign(msg_hash, KEY)
        assert verify(msg_hash, r, s, STARK_KEY)

    @pytest.mark.parametrize("msg_hash", [0, -1, BOUND, P, *NOT_INTS])
    def test_message_hash_refused(self, msg_hash: object) -> None:
        refused("msg_hash", lambda: sign(msg_hash, KEY))  # type: ignore[arg-type]

    @pytest.mark.parametrize("seed", [-1, True, 1.0, "1"])
    def test_seed_refused(self, seed: object) -> None:
        refused("seed", lambda: sign(1, KEY, seed))  # type: ignore[arg-type]

    def test_checks_come_before_any_work(self) -> None:
        """A bad message is reported even with a bad key: nothing is computed first."""
        refused("msg_hash", lambda: sign(0, 0))


class TestVerify:
    signature = sign(5, KEY)

    def test_message_hash_bounds(self, backend: str) -> None:
        r, s = self.signature
        assert verify(5, r, s, STARK_KEY)
        assert verify(0, r, s, STARK_KEY) is False
        assert verify(BOUND - 1, r, s, STARK_KEY) is False
        refused("msg_hash", lambda: verify(BOUND, r, s, STARK_KEY))
        refused("msg_hash", lambda: verify(-1, r, s, STARK_KEY))

    def test_r_bounds(self, backend: str) -> None:
        _, s = self.signature
        assert verify(5, 1, s, STARK_KEY) is False
        assert verify(5, BOUND - 1, s, STARK_KEY) is False
        refused("r", lambda: verify(5, 0, s, STARK_KEY))
        refused("r", lambda: verify(5, BOUND, s, STARK_KEY))

    def test_s_bounds(self, backend: str) -> None:
        r, _ = self.signature
        largest_w = pow(BOUND - 1, -1, N)  # s whose inverse is 2^251 - 1
        for s in (1, largest_w, N - 2**200):
            assert verify(5, r, s, STARK_KEY) is False
        refused("s", lambda: verify(5, r, 0, STARK_KEY))
        refused("s", lambda: verify(5, r, N, STARK_KEY))
        error = refused("s", lambda: verify(5, r, pow(BOUND, -1, N), STARK_KEY))
        assert "inverse" in error.rule
        refused("s", lambda: verify(5, r, N - 1, STARK_KEY))  # inverse n - 1

    def test_stark_key_bounds(self, backend: str) -> None:
        r, s = self.signature
        for key in (0, 1, P - 1):
            assert verify(5, r, s, key) is False
        refused("stark_key", lambda: verify(5, r, s, P))
        refused("stark_key", lambda: verify(5, r, s, -1))

    @pytest.mark.parametrize("value", NOT_INTS)
    def test_not_ints(self, value: object) -> None:
        r, s = self.signature
        refused("msg_hash", lambda: verify(value, r, s, STARK_KEY))  # type: ignore[arg-type]
        refused("r", lambda: verify(5, value, s, STARK_KEY))  # type: ignore[arg-type]
        refused("s", lambda: verify(5, r, value, STARK_KEY))  # type: ignore[arg-type]
        refused("stark_key", lambda: verify(5, r, s, value))  # type: ignore[arg-type]


class TestPedersen:
    def test_bounds(self, backend: str) -> None:
        assert pedersen_hash(0, 0) != pedersen_hash(P - 1, P - 1)
        refused("x", lambda: pedersen_hash(P, 0))
        refused("y", lambda: pedersen_hash(0, P))
        refused("x", lambda: pedersen_hash(-1, 0))
        refused("y", lambda: pedersen_hash(0, -1))

    @pytest.mark.parametrize("value", NOT_INTS)
    def test_not_ints(self, value: object) -> None:
        refused("x", lambda: pedersen_hash(value, 0))  # type: ignore[arg-type]
        refused("y", lambda: pedersen_hash(0, value))  # type: ignore[arg-type]


TRANSFER = dict(
    amount=1,
    nonce=0,
    sender_vault_id=0,
    asset_id=0,
    receiver_vault_id=0,
    receiver=0,
    expiration_timestamp=0,
)
# field: (largest valid value, smallest invalid value above)
TRANSFER_BOUNDS = {
    "amount": 2**63,
    "nonce": 2**31,
    "sender_vault_id": 2**31,
    "receiver_vault_id": 2**31,
    "expiration_timestamp": 2**22,
    "asset_id": 2**251,
    "receiver": 2**251,
}


def with_field(base: dict[str, int], field: str, value: object) -> dict[str, Any]:
    return {**base, field: value}


TRANSFER_HASHES: list[Callable[..., int]] = [
    get_transfer_msg_hash,
    lambda **fields: get_conditional_transfer_msg_hash(**fields, condition=P - 1),
    lambda **fields: get_transfer_msg_hash_with_fee(
        **fields, fee_asset_id=0, fee_vault_id=0, fee_limit=0
    ),
]


@pytest.mark.parametrize("message", TRANSFER_HASHES)
@pytest.mark.parametrize(("field", "bound"), TRANSFER_BOUNDS.items())
def test_transfer_fields(message: Callable[..., int], field: str, bound: int) -> None:
    edge = message(**with_field(TRANSFER, field, bound - 1))
    assert edge != message(**TRANSFER) and 0 <= edge < BOUND
    message(**with_field(TRANSFER, field, 0))
    refused(field, lambda: message(**with_field(TRANSFER, field, -1)))
    if field in ("sender_vault_id", "receiver_vault_id") and message is TRANSFER_HASHES[2]:
        return  # the fee version takes a second range, tested below
    refused(field, lambda: message(**with_field(TRANSFER, field, bound)))
    for value in NOT_INTS:
        fields = with_field(TRANSFER, field, value)
        refused(field, lambda fields=fields: message(**fields))  # type: ignore[misc]


def test_condition_bounds() -> None:
    get_conditional_transfer_msg_hash(**TRANSFER, condition=P - 1)
    refused("condition", lambda: get_conditional_transfer_msg_hash(**TRANSFER, condition=P))
    refused("condition", lambda: get_conditional_transfer_msg_hash(**TRANSFER, condition=-1))
    refused(
        "condition",
        lambda: get_transfer_msg_hash_with_fee(
            **TRANSFER, fee_asset_id=0, fee_vault_id=0, fee_limit=0, condition=P
        ),
    )


def test_a_mintable_asset_id_can_be_transferred() -> None:
    """Mintable asset ids set bit 250, so asset ids must be allowed up to 2^251."""
    mintable = 0x400CB8583E0F661F6262DD4559D77A57C1042A8BF403F404FBECBDD2C3E7869
    assert mintable >= 2**250
    assert get_transfer_msg_hash(**with_field(TRANSFER, "asset_id", mintable)) > 0


SECOND_RANGE = 2**63
FEE = dict(fee_asset_id=0, fee_vault_id=0, fee_limit=0)


@pytest.mark.parametrize("field", ["sender_vault_id", "receiver_vault_id", "fee_vault_id"])
def test_fee_messages_take_two_vault_ranges(field: str) -> None:
    def message(value: object) -> int:
        return get_transfer_msg_hash_with_fee(**with_field({**TRANSFER, **FEE}, field, value))

    for valid in (0, 2**31 - 1, SECOND_RANGE, SECOND_RANGE + 2**31 - 1):
        message(valid)
    for invalid in (-1, 2**31, SECOND_RANGE - 1, SECOND_RANGE + 2**31, True, 1.0):
        refused(field, lambda invalid=invalid: message(invalid))  # type: ignore[misc]


def test_fee_bounds() -> None:
    base = {**TRANSFER, **FEE}
    get_transfer_msg_hash_with_fee(**with_field(base, "fee_limit", 2**63 - 1))
    refused(
        "fee_limit", lambda: get_transfer_msg_hash_with_fee(**with_field(base, "fee_limit", 2**63))
    )
    get_transfer_msg_hash_with_fee(**with_field(base, "fee_asset_id", 2**251 - 1))
    refused(
        "fee_asset_id",
        lambda: get_transfer_msg_hash_with_fee(**with_field(base, "fee_asset_id", 2**251)),
    )


ORDER = dict(
    vault_id_sell=0,
    vault_id_buy=0,
    amount_sell=0,
    amount_buy=0,
    asset_id_sell=0,
    asset_id_buy=0,
    nonce=0,
    expiration_timestamp=0,
)
ORDER_BOUNDS = {
    "vault_id_sell": 2**31,
    "vault_id_buy": 2**31,
    "amount_sell": 2**63,
    "amount_buy": 2**63,
    "asset_id_sell": 2**251,
    "asset_id_buy": 2**251,
    "nonce": 2**31,
    "expiration_timestamp": 2**22,
}


@pytest.mark.parametrize(("field", "bound"), ORDER_BOUNDS.items())
def test_limit_order_fields(field: str, bound: int) -> None:
    get_limit_order_msg_hash(**with_field(ORDER, field, bound - 1))
    refused(field, lambda: get_limit_order_msg_hash(**with_field(ORDER, field, bound)))
    refused(field, lambda: get_limit_order_msg_hash(**with_field(ORDER, field, -1)))
    refused(field, lambda: get_limit_order_msg_hash(**with_field(ORDER, field, True)))
    with_fee = {**ORDER, **FEE}
    get_limit_order_msg_hash_with_fee(**with_field(with_fee, field, bound - 1))
    refused(field, lambda: get_limit_order_msg_hash_with_fee(**with_field(with_fee, field, -1)))
