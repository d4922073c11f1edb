"""Boolean options must be bools: a string such as "false" is truthy and would flip the meaning."""

from __future__ import annotations

import pytest
from hardening_support import EXPLICIT, PRIVATE_KEY
from pytest_httpx import HTTPXMock
from withdrawal_clients import InvalidInput
from withdrawal_clients.reddio import ReddioClient


@pytest.mark.parametrize("flag", ["false", "true", 1, 0, None, "", [True]])
@pytest.mark.parametrize("method", ["withdraw_to", "withdraw"])
def test_quantized_must_be_a_bool(httpx_mock: HTTPXMock, method: str, flag: object) -> None:
    with ReddioClient(stark_private_key=PRIVATE_KEY) as reddio:
        kwargs = EXPLICIT if method == "withdraw_to" else {"contract_address": "ETH", "amount": 1}
        with pytest.raises(InvalidInput) as raised:
            getattr(reddio, method)(**{**kwargs, "quantized": flag})
    assert raised.value.field == "quantized"
    assert httpx_mock.get_requests() == []
