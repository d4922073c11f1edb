"""The sandbox's layer 1: a real EVM (py-evm through eth-tester) serving Ethereum JSON-RPC.

The chain starts with this project's contracts (``contracts/*.vy``, compiled into
``contracts/compiled.json``) placed in genesis: a StarkEx-style withdrawal contract at
:data:`STARKEX_ADDRESS`, and one token contract at the address of each token the sandbox's
layer 2 lists, so the addresses a withdrawal names on layer 2 are real contracts on layer 1.
Before every request, withdrawals whose records reached status 6 (AcceptedOnL1) are credited
to their owner's pending balance, as an accepted STARK proof would credit them; the contract
holds the funds (ether sent, tokens minted to it). Clients then claim with ``withdraw``,
``withdrawNft`` or ``withdrawAndMint``, signed by their own keys.

Served at ``/l1`` (POST, JSON-RPC 2.0); in-process, ``Web3(sandbox.l1.provider())``. Needs
eth-tester and py-evm (the ``[sandbox]`` extra); without them the rest of the sandbox works
and ``/l1`` answers that the layer 1 is not installed. The chain is built on first use.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import starkex
from ..starkex.assets import _SELECTORS, keccak256

if TYPE_CHECKING:
    from ._reddio import Asset, L1Credit

log = logging.getLogger("withdrawal_clients.sandbox.l1")

L1_PATH = "/l1"
#: Where the sandbox's StarkEx contract lives (what ``/v1/starkex/contracts`` should name).
STARKEX_ADDRESS = "0x5A0d5a0d5A0d5a0d5A0D5A0d5A0D5A0D5A0D0e45"
#: eth-tester's well-known development keys 1, 2, ... (public: never hold real funds with
#: them). Each starts with 1,000,000 ether; the first is the sandbox's operator.
DEV_PRIVATE_KEYS = tuple("0x" + i.to_bytes(32, "big").hex() for i in range(1, 6))
GWEI = 10**9
_ZERO_ADDRESS = "0x" + "00" * 20
_REVERT_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
# What each layer-2 kind is on layer 1: the contract placed for it and its StarkEx kind.
_TOKEN_CONTRACTS = {
    "ERC20": ("SandboxERC20", "ERC20"),
    "ERC721": ("SandboxERC721", "ERC721"),
    "ERC721M": ("SandboxERC721", "MINTABLE_ERC721"),
}


def available() -> bool:
    """Whether eth-tester and py-evm are installed."""
    try:
        import eth_tester  # noqa: F401
        from eth_tester.backends.pyevm.main import is_supported_pyevm_version_available
    except ImportError:
        return False
    return bool(is_supported_pyevm_version_available())


class RpcError(Exception):
    """A JSON-RPC error answer; ``data`` carries revert data (``Error(string)``)."""

    def __init__(self, code: int, message: str, data: str | None = None) -> None:
        self.code = code
        self.message = message
        self.data = data
        super().__init__(message)

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class SandboxL1:
    """One chain, credited from one Reddio ledger (``take_credits``: records newly at status 6).

    Every method is safe to call from several threads.
    """

    def __init__(
        self,
        assets: Sequence[Asset],
        take_credits: Callable[[], list[L1Credit]] = list,
    ) -> None:
        self._assets = tuple(assets)
        self._take_credits = take_credits
        self._lock = threading.RLock()
        self._tester: Any = None
        self.operator = ""

    # -- the chain --------------------------------------------------------------------------

    def _chain(self) -> Any:
        """The EthereumTester, built on first use (lock held), with every credit applied."""
        if self._tester is None:
            self._tester = self._build()
        for credit in self._take_credits():
            self._apply(credit)
        return self._tester

    def _build(self) -> Any:
        try:
            from eth_tester import EthereumTester, PyEVMBackend
        except ImportError as exc:
            raise ImportError(
                f"the sandbox's layer 1 needs eth-tester and py-evm ({exc.name} is missing): "
                "pip install 'withdrawal-clients[sandbox]'"
            ) from exc
        from . import _contracts

        code = _contracts.load()
        state = PyEVMBackend.generate_genesis_state(num_accounts=len(DEV_PRIVATE_KEYS))
        placed = {STARKEX_ADDRESS: "StarkExWithdrawals"}
        placed.update({a.contract_address: _TOKEN_CONTRACTS[a.kind][0] for a in self._tokens()})
        for address, name in placed.items():
            state[bytes.fromhex(address[2:])] = {
                "balance": 0,
                "nonce": 1,
                "code": code[name]["runtime"],
                "storage": {},
            }
        tester = EthereumTester(PyEVMBackend(genesis_state=state))
        self.operator = tester.get_accounts()[0]
        self._tester = tester
        self._send(STARKEX_ADDRESS, "initialize()", [], [])
        for asset in self._assets:
            self._register(asset)
        return tester

    def _tokens(self) -> list[Asset]:
        return [a for a in self._assets if a.kind in _TOKEN_CONTRACTS]

    def _register(self, asset: Asset) -> None:
        """Register the asset type on the StarkEx contract and initialize its token."""
        if asset.kind == "ETH":
            info, quantum = _selector("ETH"), asset.quantum
        else:
            contract, kind = _TOKEN_CONTRACTS[asset.kind]
            info = _selector(kind) + bytes.fromhex(asset.contract_address[2:]).rjust(32, b"\0")
            quantum = asset.quantum
            if contract == "SandboxERC20":
                signature, types = "initialize(string,string,uint8)", ["string", "string", "uint8"]
                args: list[Any] = [asset.name, asset.symbol, asset.decimals]
            else:
                signature = "initialize(string,string,address)"
                types, args = ["string", "string", "address"], [asset.name, asset.symbol]
                args.append(STARKEX_ADDRESS)
            self._send(asset.contract_address, signature, types, args)
        self._send(
            STARKEX_ADDRESS,
            "registerToken(uint256,bytes,uint256)",
            ["uint256", "bytes", "uint256"],
            [_asset_type(asset), info, quantum],
        )

    def _send(
        self, to: str, signature: str, types: list[str], args: list[Any], value: int = 0
    ) -> None:
        """An operator transaction; it must succeed (the sandbox set it up)."""
        tx_hash = self._tester.send_transaction(
            {
                "from": self.operator,
                "to": to,
                "gas": 1_000_000,
                "value": value,
                "data": "0x" + _calldata(signature, types, args).hex(),
            }
        )
        if self._tester.get_transaction_receipt(tx_hash)["status"] != 1:
            raise RuntimeError(f"sandbox layer 1: {signature} on {to} failed")

    def credit(self, credit: L1Credit) -> None:
        """Credit one pending withdrawal now (records at status 6 are credited by themselves)."""
        with self._lock:
            self._chain()
            self._apply(credit)

    def _apply(self, credit: L1Credit) -> None:
        """Hold the funds of one withdrawal for its owner, as an accepted proof would."""
        asset, amount = credit.asset, credit.amount
        value = amount * asset.quantum if asset.kind == "ETH" else 0
        if asset.kind in ("ERC20", "ERC721"):  # the contract holds what it will pay out
            minted = amount * asset.quantum if asset.kind == "ERC20" else int(credit.token_id)
            types = ["address", "uint256"]
            self._send(
                asset.contract_address, "mint(address,uint256)", types, [STARKEX_ADDRESS, minted]
            )
        self._send(
            STARKEX_ADDRESS,
            "acceptWithdrawal(uint256,uint256,uint256)",
            ["uint256"] * 3,
            [credit.owner_key, credit.asset_id, amount],
            value=value,
        )
        log.info("layer 1: credited %s %s to owner %#x", amount, asset.symbol, credit.owner_key)

    # -- Python API for tests and the demo --------------------------------------------------

    @property
    def chain_id(self) -> int:
        with self._lock:
            return int(self._chain().backend.chain.chain_id)

    def rpc(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call in-process; raises :class:`RpcError` on an error answer."""
        with self._lock:
            return self._dispatch(self._chain(), method, list(params))

    def call(self, to: str, signature: str, types: list[str], args: list[Any]) -> bytes:
        """The raw return data of a read-only call."""
        data = _calldata(signature, types, args)
        return bytes.fromhex(self.rpc("eth_call", {"to": to, "data": "0x" + data.hex()})[2:])

    def balance(self, address: str) -> int:
        """Ether held by ``address``, in wei."""
        return int(self.rpc("eth_getBalance", address, "latest"), 16)

    def token_balance(self, token: str, owner: str) -> int:
        return int.from_bytes(self.call(token, "balanceOf(address)", ["address"], [owner]), "big")

    def owner_of(self, token: str, token_id: int) -> str:
        word = self.call(token, "ownerOf(uint256)", ["uint256"], [token_id])
        return "0x" + word[12:].hex()

    def pending(self, owner_key: int, asset_id: int) -> int:
        """``getWithdrawalBalance``: the pending amount in the token's own units."""
        signature = "getWithdrawalBalance(uint256,uint256)"
        word = self.call(STARKEX_ADDRESS, signature, ["uint256"] * 2, [owner_key, asset_id])
        return int.from_bytes(word, "big")

    def fund(self, address: str, wei: int) -> None:
        """Send ether from the operator (e.g. gas money for a key that claims)."""
        with self._lock:
            self._chain()
            self._send(address, "", [], [], value=wei)

    def provider(self) -> Any:
        """A web3 provider answering from this chain in-process (needs web3, extra ``[l1]``)."""
        from web3.providers import JSONBaseProvider

        l1 = self

        class InProcessProvider(JSONBaseProvider):
            def make_request(self, method: Any, params: Any) -> Any:
                request = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
                return l1.handle(request)

            def is_connected(self, show_traceback: bool = False) -> bool:
                return True

        return InProcessProvider()

    # -- JSON-RPC -------------------------------------------------------------------------

    def handle(self, payload: Any) -> Any:
        """Answer a JSON-RPC 2.0 request (or a batch of them)."""
        if isinstance(payload, list):
            return [self._answer(item) for item in payload]
        return self._answer(payload)

    def _answer(self, request: Any) -> dict[str, Any]:
        request_id = request.get("id") if isinstance(request, dict) else None
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
        try:
            if not isinstance(request, dict) or not isinstance(request.get("method"), str):
                raise RpcError(-32600, "invalid request: expected an object with a method")
            params = request.get("params", [])
            if not isinstance(params, list):
                raise RpcError(-32602, "params: must be a list")
            with self._lock:
                reply["result"] = self._dispatch(self._chain(), request["method"], params)
        except RpcError as exc:
            reply["error"] = exc.to_json()
        return reply

    def _dispatch(self, tester: Any, method: str, params: list[Any]) -> Any:
        handler = _METHODS.get(method)
        if handler is None:
            raise RpcError(-32601, f"method not found: {method}")
        from eth_tester.exceptions import TransactionFailed

        try:
            return handler(tester, *params)
        except TransactionFailed as exc:
            raise _reverted(exc) from None
        except RpcError:
            raise
        except (TypeError, ValueError, KeyError, IndexError) as exc:
            raise RpcError(-32602, f"invalid params for {method}: {exc}") from None
        except Exception as exc:  # the EVM refused the transaction (nonce, funds, ...)
            raise RpcError(-32000, f"{type(exc).__name__}: {exc}") from None


def route(l1: SandboxL1) -> Any:
    """The HTTP face: POST JSON-RPC at :data:`L1_PATH` (a Starlette route)."""
    import anyio
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def endpoint(request: Request) -> JSONResponse:
        try:
            payload = json.loads(await request.body())
        except ValueError:
            error = RpcError(-32700, "parse error: the body is not JSON")
            return JSONResponse({"jsonrpc": "2.0", "id": None, "error": error.to_json()})
        try:  # the EVM works in a thread: the other APIs keep answering meanwhile
            return JSONResponse(await anyio.to_thread.run_sync(l1.handle, payload))
        except ImportError as exc:
            error = RpcError(-32000, str(exc))
            body = {"jsonrpc": "2.0", "id": None, "error": error.to_json()}
            return JSONResponse(body, status_code=501)

    return Route(L1_PATH, endpoint, methods=["POST"])


# -- pure helpers ---------------------------------------------------------------------------


def _selector(kind: str) -> bytes:
    return _SELECTORS[starkex.AssetKind[kind]]


def _asset_type(asset: Asset) -> int:
    if asset.kind == "ETH":
        return starkex.get_asset_type("ETH", quantum=asset.quantum)
    kind, address = _TOKEN_CONTRACTS[asset.kind][1], asset.contract_address
    return starkex.get_asset_type(kind, contract_address=address, quantum=asset.quantum)


def _calldata(signature: str, types: list[str], args: list[Any]) -> bytes:
    if not signature:
        return b""
    from eth_abi.abi import encode

    return keccak256(signature.encode())[:4] + encode(types, args)


def _reverted(exc: Exception) -> RpcError:
    """A revert as nodes report it: code 3, the reason, and the ``Error(string)`` data."""
    from eth_abi.abi import decode, encode

    cause = exc.args[0] if exc.args else ""
    raw = cause.args[0] if isinstance(cause, Exception) and cause.args else cause
    reason = str(raw)
    if isinstance(raw, bytes):
        reason = ""
        if raw[:4] == _REVERT_SELECTOR:
            reason = decode(["string"], raw[4:])[0]
    data = _REVERT_SELECTOR + encode(["string"], [reason])
    message = f"execution reverted: {reason}" if reason else "execution reverted"
    return RpcError(3, message, "0x" + data.hex())


def _quantity(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value[:2] == "0x":
        return int(value, 16)
    raise ValueError(f"expected a 0x quantity, got {value!r}")


def _block(value: Any = "latest") -> Any:
    if value in ("latest", "earliest", "pending"):
        return value
    if value in ("safe", "finalized"):
        return "latest"
    return _quantity(value)


_TX_KEYS = {
    "from": "from",
    "to": "to",
    "gas": "gas",
    "gasPrice": "gas_price",
    "value": "value",
    "data": "data",
    "input": "data",
    "nonce": "nonce",
    "maxFeePerGas": "max_fee_per_gas",
    "maxPriorityFeePerGas": "max_priority_fee_per_gas",
    "chainId": "chain_id",
}
_TX_DATA = {"from", "to", "data"}


def _transaction_in(obj: Any, default_from: str) -> dict[str, Any]:
    """A JSON-RPC transaction object as eth-tester takes it (unknown keys are dropped)."""
    if not isinstance(obj, dict):
        raise ValueError("transaction: must be an object")
    tx: dict[str, Any] = {"from": default_from}
    for key, value in obj.items():
        name = _TX_KEYS.get(key)
        if name is not None and value is not None:
            tx[name] = value if name in _TX_DATA else _quantity(value)
    return tx


def _call(t: Any, obj: Any, block: Any = "latest") -> Any:
    # eth-tester makes a call's sender afford its gas: an unnamed sender is the rich operator.
    return _json(t.call(_transaction_in(obj, t.get_accounts()[0]), _block(block)))


def _estimate(t: Any, obj: Any, block: Any = "latest") -> Any:
    tx = _transaction_in(obj, _ZERO_ADDRESS)
    if not {"gas_price", "max_fee_per_gas"} & tx.keys():
        tx["gas_price"] = 0  # as nodes do: an estimate without a price needs no ether for gas
    return hex(t.estimate_gas(tx, _block(block)))


def _json(value: Any) -> Any:
    """eth-tester's Python values as JSON-RPC encodes them (quantities and bytes as 0x-hex)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, Mapping):
        return {_camel(str(k)): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    raise TypeError(f"cannot encode {type(value).__name__}")


def _camel(name: str) -> str:
    if name == "coinbase":  # eth-tester's name; JSON-RPC says miner
        return "miner"
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _block_json(block: Mapping[str, Any]) -> Any:
    out = _json({k: v for k, v in block.items() if k != "transactions"})
    out["logsBloom"] = "0x" + int(block["logs_bloom"]).to_bytes(256, "big").hex()
    txs = block["transactions"]
    out["transactions"] = [tx if isinstance(tx, str) else _tx_json(tx) for tx in txs]
    return out


def _tx_json(tx: Mapping[str, Any]) -> Any:
    out = _json({k: v for k, v in tx.items() if k != "data"})
    out["input"] = tx["data"]
    return out


def _or_none(lookup: Callable[[], Any], convert: Callable[[Any], Any]) -> Any:
    from eth_tester.exceptions import BlockNotFound, TransactionNotFound

    try:
        return convert(lookup())
    except (TransactionNotFound, BlockNotFound):
        return None


def _base_fee(t: Any) -> int:
    return int(t.get_block_by_number("pending")["base_fee_per_gas"])


_METHODS: dict[str, Callable[..., Any]] = {
    "eth_chainId": lambda t: hex(t.backend.chain.chain_id),
    "net_version": lambda t: str(t.backend.chain.chain_id),
    "web3_clientVersion": lambda t: "withdrawal-clients-sandbox/py-evm",
    "eth_accounts": lambda t: [],  # no keys live here: clients sign for themselves
    "eth_syncing": lambda t: False,
    "eth_blockNumber": lambda t: hex(t.get_block_by_number("latest")["number"]),
    "eth_gasPrice": lambda t: hex(_base_fee(t) + GWEI),
    "eth_maxPriorityFeePerGas": lambda t: hex(GWEI),
    "eth_getBalance": lambda t, a, b="latest": hex(t.get_balance(a, _block(b))),
    "eth_getTransactionCount": lambda t, a, b="latest": hex(t.get_nonce(a, _block(b))),
    "eth_getCode": lambda t, a, b="latest": _json(t.get_code(a, _block(b))),
    "eth_call": _call,
    "eth_estimateGas": _estimate,
    "eth_sendRawTransaction": lambda t, raw: t.send_raw_transaction(raw),
    "eth_getTransactionReceipt": lambda t, h: _or_none(lambda: t.get_transaction_receipt(h), _json),
    "eth_getTransactionByHash": lambda t, h: _or_none(
        lambda: t.get_transaction_by_hash(h), _tx_json
    ),
    "eth_getBlockByNumber": lambda t, b="latest", full=False: _or_none(
        lambda: t.get_block_by_number(_block(b), bool(full)), _block_json
    ),
    "eth_getBlockByHash": lambda t, h, full=False: _or_none(
        lambda: t.get_block_by_hash(h, bool(full)), _block_json
    ),
    "eth_feeHistory": lambda t, count, newest, percentiles=(): _json(
        t.get_fee_history(_quantity(count), _block(newest), list(percentiles))
    ),
}
