"""StarkWare's official vectors, on both backends (pure Python and fast-stark-crypto)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from withdrawal_clients.starkex import (
    EC_ORDER,
    get_asset_id,
    get_asset_type,
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
from withdrawal_clients.starkex.curve import ALPHA, BETA, G, N, P
from withdrawal_clients.starkex.pedersen import constant_points

RESOURCES = "starkex-resources/"
UTILS = "starkware-crypto-utils/"
Loader = Callable[[str], Any]
SIGNATURE_DATA = [RESOURCES + "signature_test_data.json", UTILS + "signature_test_data.json"]


def h(text: str) -> int:
    return int(text, 16)


def test_curve_constants_match_the_parameter_file(vectors: Loader) -> None:
    params = vectors(RESOURCES + "pedersen_params.json")
    assert (
        params["FIELD_PRIME"],
        params["EC_ORDER"],
        params["ALPHA"],
        params["BETA"],
    ) == (P, N, ALPHA, BETA)
    assert EC_ORDER == N
    assert list(G) == params["CONSTANT_POINTS"][1]


def test_pedersen_constant_points_match_the_parameter_file(vectors: Loader) -> None:
    points = vectors(RESOURCES + "pedersen_params.json")["CONSTANT_POINTS"]
    expected = [points[0], *points[2:]]
    assert [list(point) for point in constant_points()] == expected


@pytest.mark.parametrize("file", SIGNATURE_DATA)
def test_pedersen_hash_vectors(vectors: Loader, backend: str, file: str) -> None:
    for case in vectors(file)["hash_test"].values():
        assert pedersen_hash(h(case["input_1"]), h(case["input_2"])) == h(case["output"])


@pytest.mark.parametrize(
    "file", [RESOURCES + "keys_precomputed.json", UTILS + "keys_precomputed.json"]
)
def test_public_keys_precomputed(vectors: Loader, backend: str, file: str) -> None:
    keys = vectors(file)
    assert len(keys) >= 29
    for private, public in keys.items():
        assert private_to_stark_key(h(private)) == h(public)


def test_rfc6979_signatures(vectors: Loader, backend: str) -> None:
    vector = vectors(RESOURCES + "rfc6979_signature_test_vector.json")
    private = h(vector["private_key"])
    public = private_to_stark_key(private)
    for message in vector["messages"]:
        msg_hash = h(message["hash"])
        expected = (int(message["r"]), int(message["s"]))
        assert sign(msg_hash, private) == expected
        assert sign(msg_hash, private, seed=0) == expected  # seed 0 adds no entropy, like None
        assert verify(msg_hash, *expected, public)
        assert not verify(msg_hash + 1, *expected, public)


def test_rfc6979_signatures_with_a_seed_are_valid_and_different(
    vectors: Loader, backend: str
) -> None:
    vector = vectors(RESOURCES + "rfc6979_signature_test_vector.json")
    private = h(vector["private_key"])
    public = private_to_stark_key(private)
    for message in vector["messages"]:
        msg_hash = h(message["hash"])
        r, s = sign(msg_hash, private, seed=1)
        assert verify(msg_hash, r, s, public)
        assert r != int(message["r"]) and s != int(message["s"])


def test_signatures_of_every_hash_length(vectors: Loader, backend: str) -> None:
    vector = vectors("extra_vectors.json")["sign_all_lengths"]
    private = h(vector["private_key"])
    public = private_to_stark_key(private)
    for message in vector["messages"]:
        signature = sign(h(message["hash"]), private)
        assert signature == (h(message["r"]), h(message["s"]))
        assert verify(h(message["hash"]), *signature, public)


def limit_order(order: dict[str, Any], fee: dict[str, Any] | None = None) -> int:
    fields = dict(
        vault_id_sell=int(order["vault_id_sell"]),
        vault_id_buy=int(order["vault_id_buy"]),
        amount_sell=int(order["amount_sell"]),
        amount_buy=int(order["amount_buy"]),
        asset_id_sell=h(order["token_sell"]),
        asset_id_buy=h(order["token_buy"]),
        nonce=order["nonce"],
        expiration_timestamp=order["expiration_timestamp"],
    )
    if fee is None:
        return get_limit_order_msg_hash(**fields)
    return get_limit_order_msg_hash_with_fee(
        **fields,
        fee_asset_id=h(fee["token_id"]),
        fee_vault_id=fee["source_vault_id"],
        fee_limit=int(fee["fee_limit"]),
    )


def transfer_fields(transfer: dict[str, Any]) -> dict[str, int]:
    return dict(
        amount=int(transfer["amount"]),
        nonce=transfer["nonce"],
        sender_vault_id=int(transfer["sender_vault_id"]),
        asset_id=h(transfer["token"]),
        receiver_vault_id=transfer["target_vault_id"],
        receiver=h(transfer["target_public_key"]),
        expiration_timestamp=transfer["expiration_timestamp"],
    )


def fee_fields(fee: dict[str, Any]) -> dict[str, int]:
    return dict(
        fee_asset_id=h(fee["token_id"]),
        fee_vault_id=fee["source_vault_id"],
        fee_limit=int(fee["fee_limit"]),
    )


@pytest.mark.parametrize("file", SIGNATURE_DATA)
def test_message_hashes_without_fee(vectors: Loader, backend: str, file: str) -> None:
    data = vectors(file)
    meta = data["meta_data"]
    settlement = data["settlement"]
    for party in ("party_a_order", "party_b_order"):
        assert limit_order(settlement[party]) == h(meta[party]["message_hash"])
    assert get_transfer_msg_hash(**transfer_fields(data["transfer_order"])) == h(
        meta["transfer_order"]["message_hash"]
    )
    conditional = data["conditional_transfer_order"]
    assert get_conditional_transfer_msg_hash(
        **transfer_fields(conditional), condition=h(conditional["condition"])
    ) == h(meta["conditional_transfer_order"]["message_hash"])


def test_message_hashes_with_fee(vectors: Loader, backend: str) -> None:
    data = vectors(UTILS + "signature_test_data.json")
    meta = data["meta_data"]
    fee = data["fee_info_user"]
    for party in ("party_a_order", "party_b_order"):
        expected = h(meta[party + "_with_fee"]["message_hash"])
        assert limit_order(data["settlement"][party], fee) == expected
    assert get_transfer_msg_hash_with_fee(
        **transfer_fields(data["transfer_order"]), **fee_fields(fee)
    ) == h(meta["transfer_order_with_fee"]["message_hash"])
    for name in ("conditional_transfer_order", "transfer_order_2nd_valid_range"):
        transfer = data[name]
        expected_name = (
            "conditional_transfer_order_with_fee" if name.startswith("conditional") else name
        )
        assert get_transfer_msg_hash_with_fee(
            **transfer_fields(transfer), **fee_fields(fee), condition=h(transfer["condition"])
        ) == h(meta[expected_name]["message_hash"])
    assert limit_order(data["order_with_vault_id_in_2nd_range"], fee) == h(
        meta["order_with_vault_id_in_2nd_range"]["message_hash"]
    )


@pytest.mark.parametrize("file", SIGNATURE_DATA)
def test_settlement_orders_are_signed_deterministically(
    vectors: Loader, backend: str, file: str
) -> None:
    data = vectors(file)
    for party in ("party_a_order", "party_b_order"):
        order = data["settlement"][party]
        meta = data["meta_data"][party]
        private = h(meta["private_key"])
        assert private_to_stark_key(private) == h(order["public_key"])
        signature = (h(order["signature"]["r"]), h(order["signature"]["s"]))
        msg_hash = h(meta["message_hash"])
        assert sign(msg_hash, private) == signature
        assert verify(msg_hash, *signature, h(order["public_key"]))
        other = data["settlement"]["party_b_order" if party == "party_a_order" else "party_a_order"]
        assert not verify(msg_hash, *signature, h(other["public_key"]))


def test_transfer_order_signature(vectors: Loader, backend: str) -> None:
    """The file's transfer_order r, s verify under no key (a known trap); its meta private key
    signs the message hash to the signature below instead."""
    data = vectors(RESOURCES + "signature_test_data.json")
    transfer = data["transfer_order"]
    meta = data["meta_data"]["transfer_order"]
    private = h(meta["private_key"])
    public = private_to_stark_key(private)
    assert public == h(transfer["public_key"])
    msg_hash = get_transfer_msg_hash(**transfer_fields(transfer))
    assert msg_hash == 0x6366B00C218FB4C8A8B142CA482145E8513C78E00FAA0DE76298BA14FC37AE7
    expected = (
        0x4C21B3DF630EAB38D75B5538E8F635167F4F7107A885D7ADF542A7525240323,
        0x5EACFAA59ED1B63D75241A1DBD9256D2EFBE97F9451F2CF2A2AF0BAD5B5AB69,
    )
    assert sign(msg_hash, private) == expected
    assert verify(msg_hash, *expected, public)


def test_settlement_example(vectors: Loader, backend: str) -> None:
    """settlement_example.json repeats the settlement of signature_test_data.json with other
    signatures, stored as (r, w). The orders' hashes recompute, and the deterministic
    signatures of signature_test_data.json verify for them under the right keys only.

    The stored (r, w) pairs, though, verify under neither key, whether s is read as w⁻¹ or as
    w (recovering the signing key from them matches no key and no message of the files): a
    second trap like transfer_order's, so they are checked to fail, not to pass.
    """
    example = vectors(RESOURCES + "settlement_example.json")
    data = vectors(RESOURCES + "signature_test_data.json")
    parties = ("party_a_order", "party_b_order")
    keys = [h(example[party]["public_key"]) for party in parties]
    for party, key, other_key in zip(parties, keys, keys[::-1], strict=True):
        order = example[party]
        signed = data["settlement"][party]
        assert {k: v for k, v in order.items() if k != "signature"} == {
            k: v for k, v in signed.items() if k != "signature"
        }
        msg_hash = limit_order(order)
        assert msg_hash == h(data["meta_data"][party]["message_hash"])
        r, s = h(signed["signature"]["r"]), h(signed["signature"]["s"])
        assert verify(msg_hash, r, s, key)
        assert not verify(msg_hash, r, s, other_key)
        stored_r, stored_w = h(order["signature"]["r"]), h(order["signature"]["w"])
        for stored_s in (pow(stored_w, -1, EC_ORDER), stored_w):
            assert not verify(msg_hash, stored_r, stored_s, key)


ASSET_FILES = [RESOURCES + "assets_precomputed.json", UTILS + "assets_precomputed.json"]


def asset_arguments(entry: dict[str, Any], with_token: bool) -> dict[str, Any]:
    data = entry["data"]
    arguments: dict[str, Any] = {}
    if "tokenAddress" in data:
        arguments["contract_address"] = data["tokenAddress"]
    if "quantum" in data:
        arguments["quantum"] = int(data["quantum"])
    if with_token and "tokenId" in data:
        arguments["token_id"] = int(data["tokenId"])
    if with_token and "blob" in data:
        arguments["minting_blob"] = data["blob"]
    return arguments


@pytest.mark.parametrize("file", ASSET_FILES)
def test_assets_precomputed(vectors: Loader, file: str) -> None:
    data = vectors(file)
    for expected, entry in data["assetId"].items():
        assert get_asset_id(entry["type"], **asset_arguments(entry, True)) == h(expected)
    for expected, entry in data["assetType"].items():
        assert get_asset_type(entry["type"], **asset_arguments(entry, False)) == h(expected)
    kinds = {entry["type"] for entry in data["assetId"].values()}
    assert {"ETH", "ERC20", "ERC721"} <= kinds


def test_reddio_eth_asset_id() -> None:
    expected = 0x352F9FFD821A525051DE2D71126113505A7B0A73D98DBC0AC0FF343CFBDEF5E
    assert get_asset_id("ETH", quantum=10**12) == expected
