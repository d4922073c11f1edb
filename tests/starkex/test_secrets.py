"""Private keys never show up in an error, a repr or a str."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from withdrawal_clients._core.secret import Secret
from withdrawal_clients.errors import InvalidInput
from withdrawal_clients.starkex import (
    get_private_key_from_eth_signature,
    private_to_stark_key,
    sign,
)
from withdrawal_clients.starkex.curve import N

# Out-of-range or ill-typed "keys" that a caller might pass by mistake.
SECRET_VALUES: list[object] = [
    N + 0x1234567890ABCDEF,
    -0x7CC2767A160D4EA112B436DC6F79024DB70B26B11ED7AA2CB6D7EEF19ACE703,
    "0x7cc2767a160d4ea112b436dc6f79024db70b26b11ed7aa2cb6d7eef19ace703",
    0x7CC2767A160D4EA112B436DC6F79024DB70B26B11ED7AA2CB6D7EEF19ACE703 * 1.0,
]


def renderings(value: object) -> list[str]:
    """The ways a key could leak: decimal, hex (any case, with or without 0x), str/repr."""
    texts = [str(value), repr(value)]
    if isinstance(value, int):
        texts += [str(abs(value)), hex(abs(value))[2:], f"{abs(value):X}"]
    if isinstance(value, str):
        texts += [value.removeprefix("0x"), value.removeprefix("0x").upper()]
    return texts


def leaks(error: BaseException, value: object) -> bool:
    message = f"{error} {error!r} {error.args}"
    return any(text in message or text.lower() in message.lower() for text in renderings(value))


@pytest.mark.parametrize("value", SECRET_VALUES)
@pytest.mark.parametrize(
    "call",
    [private_to_stark_key, lambda key: sign(1, key), lambda key: sign(1, Secret(key))],
)
def test_errors_do_not_echo_private_keys(value: object, call: Callable[[object], object]) -> None:
    with pytest.raises(InvalidInput) as info:
        call(value)
    assert info.value.field == "private_key"
    assert not leaks(info.value, value)


def test_secret_keys_are_accepted_and_hidden() -> None:
    key = 0x7CC2767A160D4EA112B436DC6F79024DB70B26B11ED7AA2CB6D7EEF19ACE703
    wrapped = Secret(key)
    assert sign(7, wrapped) == sign(7, key)
    assert private_to_stark_key(wrapped) == private_to_stark_key(key)
    for text in (str(wrapped), repr(wrapped), f"{wrapped}"):
        assert not any(leak in text.lower() for leak in renderings(key))


def test_bad_eth_signature_is_not_echoed() -> None:
    signature = "0x" + "ab" * 64 + "zz"  # almost a signature: still a secret seed
    with pytest.raises(InvalidInput) as info:
        get_private_key_from_eth_signature(signature)
    assert not leaks(info.value, signature)
    assert "ab" * 8 not in str(info.value)
