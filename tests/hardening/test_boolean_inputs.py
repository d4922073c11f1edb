"""Boolean options must be bools: a string such as "false" is truthy and would flip the meaning."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpx import HTTPXMock
from withdrawal_clients import InvalidInput
from withdrawal_clients.reddio import ReddioClient

PRIVATE_KEY = 0x7CC2767A160D4EA112B436DC6F79024DB70B26B11ED7AA2CB6D7EEF19ACE703
EXPLICIT: dict[str, Any] = {
    "contract_address": "ETH",
    "asset_type": "ETH",
    "amount": 10000,
    "receiver": "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03",
    "nonce": 5,
    "vault_id": 11,
    "receiver_vault_id": 22,
    "asset_id": "0x352f9ffd821a525051de2d71126113505a7b0a73d98dbc0ac0ff343cfbdef5e",
}


@pytest.mark.parametrize("flag", ["false", "true", 1, 0, None, "", [True]])
@pytest.mark.parametrize("method", ["withdraw_to", "withdraw"])
def test_quantized_must_be_a_bool(httpx_mock: HTTPXMock, method: str, flag: object) -> None:
    with ReddioClient(stark_private_key=PRIVATE_KEY) as reddio:
        kwargs = EXPLICIT if method == "withdraw_to" else {"contract_address": "ETH", "amount": 1}
        with pytest.raises(InvalidInput) as raised:
            getattr(reddio, method)(**{**kwargs, "quantized": flag})
    assert raised.value.field == "quantized"
    assert httpx_mock.get_requests() == []
