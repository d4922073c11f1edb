"""The demo: one complete withdrawal on each API, against a sandbox served over real HTTP.

Every step is printed, including what the sandbox's server side concluded about each
signature, and the final statuses. The keys are public test keys, said so in the output.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from .. import amounts
from ._config import TEST_STARK_PRIVATE_KEY, SandboxConfig
from ._omnia import eip712_signer_of
from ._sandbox import Sandbox, ServedSandbox

Out = Callable[[str], None]
Sleep = Callable[[float], None]

ETH_AMOUNT = Decimal("0.25")
OMNIA_AMOUNT = Decimal("5.67")
OMNIA_TOKEN_ADDRESS = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
# A throwaway secp256k1 key derived from a public phrase: demo only, never real funds.
DEMO_ETH_KEY = "0x" + hashlib.sha256(b"withdrawal-clients demo").hexdigest()
# Short delays, so that the statuses can be seen moving.
DEMO_DELAYS: dict[str, Any] = {
    "reddio_accepted_after": 0.5,
    "reddio_on_l2_after": 1.0,
    "reddio_on_l1_after": 1.5,
    "omnia_completed_after": 1.0,
}
DEMO_DOMAIN: dict[str, Any] = {"name": "withdrawal-clients demo", "version": "1", "chainId": 1}


def _layout() -> Any:
    """The EIP-712 layout the demo signs with (an example: Omnia publishes none)."""
    from ..omnia.signers import Eip712Layout

    return Eip712Layout(
        domain=DEMO_DOMAIN,
        primary_type="Withdrawal",
        fields=[
            ("instructionId", "string", "instruction_id"),
            ("orderSource", "string", "order_source"),
            ("token", "address", "token_address"),
            ("amount", "string", "amount"),
            ("deadline", "uint256", "deadline_ms"),
        ],
    )


def _eip712_signer() -> Any | None:
    try:
        from ..omnia.signers import Eip712Signer

        return Eip712Signer(DEMO_ETH_KEY, _layout())
    except ImportError:  # no eth-account: the [eth] extra is not installed
        return None


def run(out: Out, sleep: Sleep) -> int:
    """Run the demo, printing with ``out``; clients pause with ``sleep``. 0 when both succeed."""
    signer = _eip712_signer()
    checked: list[tuple[str | None, bool]] = []  # what the sandbox concluded, per request

    def check(body: Any) -> bool:
        recovered = eip712_signer_of(body, _layout())
        checked.append((recovered, signer is not None and recovered == signer.address))
        return checked[-1][1]

    config = SandboxConfig(**DEMO_DELAYS, omnia_signature_check=check if signer else None)
    with Sandbox(config).serve() as served:
        out(f"Sandbox serving on {served.base_url}")
        out(f"  Reddio base URL  {served.reddio_url}")
        out(f"  Omnia base URL   {served.omnia_url}")
        receiver = signer.address if signer else "0x76f2fc7ed90039d986e3eb4db294f05e160c8f03"
        reddio_ok = _reddio(out, sleep, served, receiver)
        omnia_ok = _omnia(out, sleep, served, signer, checked)
    ok = reddio_ok and omnia_ok
    out("")
    out("Both withdrawals completed." if ok else "A withdrawal did not complete.")
    return 0 if ok else 1


def _reddio(out: Out, sleep: Sleep, served: ServedSandbox, receiver: str) -> bool:
    from ..reddio import ReddioClient

    out("")
    out(f"Reddio: withdraw {ETH_AMOUNT} ETH from layer 2 to {receiver} (POST /v1/withdrawalto)")
    out("  signing key      StarkWare's published test key (public: demos only, never real funds)")
    with ReddioClient(
        served.reddio_url, stark_private_key=TEST_STARK_PRIVATE_KEY, sleep=sleep
    ) as client:
        out(f"  stark key        {client.stark_key}")
        info = client.contract_info("ETH", "ETH")
        out(f"  contract info    decimals {info.decimals}, quantum {info.quantum}")
        result = client.withdraw_to(
            contract_address="ETH", asset_type="ETH", amount=ETH_AMOUNT, receiver=receiver
        )
        body, signature = result.body, result.body["signature"]
        out(f"  quantized amount {body['amount']}")
        out(
            f"  nonce and vaults nonce {body['nonce']}, vault {body['vault_id']}"
            f" -> receiver vault {body['receiver_vault_id']}"
        )
        assert result.msg_hash is not None
        out(f"  message hash     {hex(result.msg_hash)} (StarkEx transfer)")
        out(f"  signature        r={signature['r']}")
        out(f"                   s={signature['s']}")
        out(f"  server check     signature verified; accepted as sequence_id {result.sequence_id}")
        out(f"  tamper check     {_post_tampered(served, body)}")
        seen: list[int] = []

        def settled(record: Any) -> bool:
            if not seen or seen[-1] != record.status:
                seen.append(int(record.status))
            return bool(record.is_final)

        record = client.wait_for_record(
            result.sequence_id, timeout=60, poll_interval=0.2, until=settled
        )
        out(f"  statuses seen    {' -> '.join(map(str, seen))}")
        out(f"  final status     {int(record.status)} {record.status.name}")
        ready = client.withdrawal_status(receiver)
        for asset in ready:
            out(f"  ready on L1      {asset.display_value} {asset.symbol} for {receiver}")
        return bool(record.is_accepted) and _claim(out, served, receiver, ready)


def _claim(out: Out, served: ServedSandbox, receiver: str, ready: list[Any]) -> bool:
    """Finish on layer 1: claim from the StarkEx contract, show the receiver's balance move."""
    from ._l1 import DEV_PRIVATE_KEYS, STARKEX_ADDRESS, available

    out("")
    out(f"Layer 1: claim from the StarkEx contract {STARKEX_ADDRESS}")
    try:
        from eth_account import Account
        from web3 import Web3

        from ..layer1 import ClaimTarget, L1Claimer, NothingToClaim
    except ImportError:
        out("  skipped          needs web3 (pip install 'withdrawal-clients[l1]')")
        return True
    if not available():
        out("  skipped          the sandbox's layer 1 needs eth-tester and py-evm ([sandbox])")
        return True
    web3 = Web3(Web3.HTTPProvider(served.l1_url))
    claimer = L1Claimer(web3, STARKEX_ADDRESS, poll_interval=0.05)
    sender = Account.from_key(DEV_PRIVATE_KEYS[1])
    out(f"  JSON-RPC         {served.l1_url} (py-evm, chain id {web3.eth.chain_id})")
    out(f"  sender           {sender.address} (a public development key: anyone may claim,")
    out("                   the contract pays the owner)")
    before = web3.eth.get_balance(web3.to_checksum_address(receiver))
    paid = 0
    for asset in ready:
        target = ClaimTarget.from_withdrawable(asset, owner=receiver)
        planned = claimer.plan(target)
        out(f"  call             {planned.call.function}, owner key {receiver}")
        out(f"  pending          {planned.pending} (getWithdrawalBalance, un-quantized)")
        result = claimer.claim(target, account=sender)
        paid += result.amount if target.kind.value == "ETH" else 0
        out(f"  transaction      {result.tx_hash}")
        out(f"  mined            block {result.block_number}, gas used {result.gas_used}")
        try:
            claimer.claim(target, account=sender)
        except NothingToClaim:
            out("  claim again      refused before sending: nothing pending any more")
    after = web3.eth.get_balance(web3.to_checksum_address(receiver))
    out(f"  receiver balance {_ether(before)} ETH -> {_ether(after)} ETH")
    return after - before == paid > 0


def _ether(wei: int) -> str:
    return amounts.format_decimal(Decimal(wei).scaleb(-18))


def _post_tampered(served: ServedSandbox, body: Any) -> str:
    """Post the signed body again with one bit of s flipped, and say what the server answered."""
    signature = dict(body["signature"])
    signature["s"] = hex(int(signature["s"], 16) ^ 1)
    tampered = {**body, "signature": signature}
    answer = httpx.post(f"{served.reddio_url}/v1/withdrawalto", json=tampered, timeout=30).json()
    return (
        f"one bit of s flipped -> {answer['status']}, error_code {answer['error_code']}"
        f" ({answer['error']})"
    )


def _omnia(
    out: Out,
    sleep: Sleep,
    served: ServedSandbox,
    signer: Any | None,
    checked: list[tuple[str | None, bool]],
) -> bool:
    from ..omnia import OmniaClient

    sandbox = served.sandbox
    out("")
    out(f"Omnia: withdraw {OMNIA_AMOUNT} tokens from the DTW contract (POST /v2/withdrawals)")
    out(f"  token            Bearer {sandbox.omnia_token} (accepted by this sandbox)")
    if signer is None:
        out("  signer           none (eth-account, extra [eth], is missing): a placeholder")
        signing: dict[str, Any] = {"signature": "0x" + "00" * 65}
    else:
        out(f"  signer           EIP-712 with an example layout, address {signer.address}")
        out("                   (Omnia does not publish its scheme; the sandbox checks this one)")
        signing = {"signer": signer, "chain_id": 1}
    with OmniaClient(served.omnia_url, token=sandbox.omnia_token, sleep=sleep) as client:
        withdrawal = client.request_withdrawal(
            order_source="ETHEREUM",
            token_address=OMNIA_TOKEN_ADDRESS,
            amount=OMNIA_AMOUNT,
            **signing,
        )
        out(f"  instruction id   {withdrawal.instruction_id}")
        if checked:
            recovered, valid = checked[-1]
            verdict = "valid" if valid else "INVALID"
            out(f"  server check     signature recovers to {recovered}: {verdict}")
        out(f"  status           {withdrawal.status}")
        final = client.wait_for_withdrawal(withdrawal.instruction_id, timeout=60, poll_interval=0.2)
        out(f"  final status     {final.status}, transaction {final.transaction_id}")
        return bool(final.is_success)
