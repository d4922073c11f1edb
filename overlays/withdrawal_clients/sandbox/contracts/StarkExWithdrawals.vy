#pragma version 0.4.3
"""
@title Layer-1 withdrawals of a StarkEx v4.5 exchange, as the sandbox runs them
@notice The pending-withdrawal area and the three claim functions follow StarkEx's published
        interface and rules (names, arguments, events and revert reasons); the code is this
        project's own. On a real exchange, pending withdrawals are credited when a STARK proof
        is accepted; here the sandbox's operator credits them when a layer-2 record reaches
        status 6 (AcceptedOnL1).
"""

interface FungibleToken:
    def transfer(to: address, amount: uint256) -> bool: nonpayable

interface NonFungibleToken:
    def transferFrom(owner: address, to: address, tokenId: uint256): nonpayable

interface MintableToken:
    def mintFor(to: address, amount: uint256, mintingBlob: Bytes[1024]): nonpayable

event LogTokenRegistered:
    assetType: uint256
    assetInfo: Bytes[36]
    quantum: uint256

event LogWithdrawalPerformed:
    ownerKey: uint256
    assetType: uint256
    nonQuantizedAmount: uint256
    quantizedAmount: uint256
    recipient: address

event LogNftWithdrawalPerformed:
    ownerKey: uint256
    assetType: uint256
    tokenId: uint256
    assetId: uint256
    recipient: address

event LogWithdrawalWithTokenIdPerformed:
    ownerKey: uint256
    assetType: uint256
    tokenId: uint256
    assetId: uint256
    nonQuantizedAmount: uint256
    quantizedAmount: uint256
    recipient: address

event LogMintWithdrawalPerformed:
    ownerKey: uint256
    assetType: uint256
    nonQuantizedAmount: uint256
    quantizedAmount: uint256
    assetId: uint256

# Not StarkEx's: marks the sandbox's stand-in for an accepted proof.
event LogWithdrawalCredited:
    ownerKey: uint256
    assetId: uint256
    quantizedAmount: uint256

# First 4 bytes of keccak256 of each token kind's signature, as StarkEx's asset info starts.
ETH_SELECTOR: constant(bytes4) = 0x8322fff2
ERC20_SELECTOR: constant(bytes4) = 0xf47261b0
ERC721_SELECTOR: constant(bytes4) = 0x02571792
MINTABLE_ERC20_SELECTOR: constant(bytes4) = 0x68646e2d
MINTABLE_ERC721_SELECTOR: constant(bytes4) = 0xb8b86672

MASK_250: constant(uint256) = 2**250 - 1
MASK_240: constant(uint256) = 2**240 - 1
MINTABLE_FLAG: constant(uint256) = 2**250
ETH_ADDRESS_BOUND: constant(uint256) = 2**160
QUANTUM_BOUND: constant(uint256) = 2**128

operator: public(address)
registeredAssetType: public(HashMap[uint256, bool])
assetTypeToAssetInfo: HashMap[uint256, Bytes[36]]
assetTypeToQuantum: HashMap[uint256, uint256]
# ownerKey -> assetId -> quantized amount waiting to be withdrawn.
pendingWithdrawals: HashMap[uint256, HashMap[uint256, uint256]]


@external
def initialize():
    """@notice The first caller becomes the operator (the contract is placed in genesis)."""
    assert self.operator == empty(address), "ALREADY_INITIALIZED"
    self.operator = msg.sender


@external
def registerToken(assetType: uint256, assetInfo: Bytes[36], quantum: uint256):
    assert msg.sender == self.operator, "ONLY_OPERATOR"
    assert not self.registeredAssetType[assetType], "ASSET_ALREADY_REGISTERED"
    assert quantum > 0 and quantum < QUANTUM_BOUND, "INVALID_QUANTUM"
    assert len(assetInfo) == 4 or len(assetInfo) == 36, "INVALID_ASSET_STRING"
    enforced: uint256 = convert(keccak256(concat(assetInfo, convert(quantum, bytes32))), uint256)
    assert enforced & MASK_250 == assetType, "INVALID_ASSET_TYPE"
    self.registeredAssetType[assetType] = True
    self.assetTypeToAssetInfo[assetType] = assetInfo
    self.assetTypeToQuantum[assetType] = quantum
    log LogTokenRegistered(assetType=assetType, assetInfo=assetInfo, quantum=quantum)


@external
@payable
def acceptWithdrawal(ownerKey: uint256, assetId: uint256, quantizedAmount: uint256):
    """@notice Credit a pending withdrawal; ether for it comes with the call."""
    assert msg.sender == self.operator, "ONLY_OPERATOR"
    self.pendingWithdrawals[ownerKey][assetId] += quantizedAmount
    log LogWithdrawalCredited(ownerKey=ownerKey, assetId=assetId, quantizedAmount=quantizedAmount)


@internal
@view
def _quantum(presumedAssetType: uint256) -> uint256:
    # Unregistered types (NFT and mintable asset ids) have quantum 1.
    if not self.registeredAssetType[presumedAssetType]:
        return 1
    return self.assetTypeToQuantum[presumedAssetType]


@internal
@view
def _assetInfo(assetType: uint256) -> Bytes[36]:
    assert self.registeredAssetType[assetType], "ASSET_TYPE_NOT_REGISTERED"
    return self.assetTypeToAssetInfo[assetType]


@internal
@view
def _selector(assetType: uint256) -> bytes4:
    return convert(slice(self._assetInfo(assetType), 0, 4), bytes4)


@internal
@view
def _tokenAddress(assetType: uint256) -> address:
    info: Bytes[36] = self._assetInfo(assetType)
    assert len(info) == 36, "NO_TOKEN_ADDRESS"
    return convert(convert(extract32(info, 4), uint256), address)


@internal
@pure
def _strictEthKey(ownerKey: uint256) -> address:
    # An owner key below 2^160 is an Ethereum address; the sandbox registers no stark keys.
    assert ownerKey < ETH_ADDRESS_BOUND, "USER_UNREGISTERED"
    return convert(ownerKey, address)


@external
@view
def getQuantum(presumedAssetType: uint256) -> uint256:
    return self._quantum(presumedAssetType)


@external
@view
def getAssetInfo(assetType: uint256) -> Bytes[36]:
    return self._assetInfo(assetType)


@external
@view
def getWithdrawalBalance(ownerKey: uint256, assetId: uint256) -> uint256:
    """@notice The pending amount in the token's own units (quantized amount times quantum)."""
    return self.pendingWithdrawals[ownerKey][assetId] * self._quantum(assetId)


@external
def withdraw(ownerKey: uint256, assetType: uint256):
    """@notice Pay ether or an ERC20 waiting for ownerKey; anyone may call."""
    recipient: address = self._strictEthKey(ownerKey)
    selector: bytes4 = self._selector(assetType)
    assert selector != MINTABLE_ERC20_SELECTOR and selector != MINTABLE_ERC721_SELECTOR, (
        "MINTABLE_ASSET_TYPE"
    )
    assert selector == ETH_SELECTOR or selector == ERC20_SELECTOR, "NON_FUNGIBLE_ASSET_TYPE"
    quantized: uint256 = self.pendingWithdrawals[ownerKey][assetType]
    self.pendingWithdrawals[ownerKey][assetType] = 0
    amount: uint256 = quantized * self._quantum(assetType)
    # Nothing pending is not an error for this function: it transfers nothing.
    if amount > 0:
        if selector == ETH_SELECTOR:
            raw_call(recipient, b"", value=amount)
        else:
            assert extcall FungibleToken(self._tokenAddress(assetType)).transfer(
                recipient, amount
            ), "TRANSFER_FAILED"
    log LogWithdrawalPerformed(
        ownerKey=ownerKey,
        assetType=assetType,
        nonQuantizedAmount=amount,
        quantizedAmount=quantized,
        recipient=recipient,
    )


@external
def withdrawNft(ownerKey: uint256, assetType: uint256, tokenId: uint256):
    """@notice Transfer an ERC721 token held for ownerKey; anyone may call."""
    assert self._selector(assetType) == ERC721_SELECTOR, "INVALID_ASSET_TYPE"
    assetId: uint256 = convert(
        keccak256(concat(b"NFT:", convert(assetType, bytes32), convert(tokenId, bytes32))),
        uint256,
    ) & MASK_250
    recipient: address = self._strictEthKey(ownerKey)
    quantized: uint256 = self.pendingWithdrawals[ownerKey][assetId]
    self.pendingWithdrawals[ownerKey][assetId] = 0
    assert quantized == 1, "ILLEGAL_NFT_BALANCE"
    assert recipient != empty(address), "INVALID_RECIPIENT"
    extcall NonFungibleToken(self._tokenAddress(assetType)).transferFrom(self, recipient, tokenId)
    log LogNftWithdrawalPerformed(
        ownerKey=ownerKey, assetType=assetType, tokenId=tokenId, assetId=assetId, recipient=recipient
    )
    log LogWithdrawalWithTokenIdPerformed(
        ownerKey=ownerKey,
        assetType=assetType,
        tokenId=tokenId,
        assetId=assetId,
        nonQuantizedAmount=1,
        quantizedAmount=1,
        recipient=recipient,
    )


@external
def withdrawAndMint(ownerKey: uint256, assetType: uint256, mintingBlob: Bytes[1024]):
    """@notice Mint a mintable asset waiting for ownerKey on its layer-1 contract."""
    recipient: address = self._strictEthKey(ownerKey)
    assert self.registeredAssetType[assetType], "INVALID_ASSET_TYPE"
    selector: bytes4 = self._selector(assetType)
    assert selector == MINTABLE_ERC20_SELECTOR or selector == MINTABLE_ERC721_SELECTOR, (
        "NON_MINTABLE_ASSET_TYPE"
    )
    assetId: uint256 = convert(
        keccak256(concat(b"MINTABLE:", convert(assetType, bytes32), keccak256(mintingBlob))),
        uint256,
    ) & MASK_240 | MINTABLE_FLAG
    quantized: uint256 = self.pendingWithdrawals[ownerKey][assetId]
    assert quantized > 0, "NO_PENDING_WITHDRAWAL_BALANCE"
    self.pendingWithdrawals[ownerKey][assetId] = 0
    amount: uint256 = quantized * self._quantum(assetType)
    extcall MintableToken(self._tokenAddress(assetType)).mintFor(recipient, amount, mintingBlob)
    log LogMintWithdrawalPerformed(
        ownerKey=ownerKey,
        assetType=assetType,
        nonQuantizedAmount=amount,
        quantizedAmount=quantized,
        assetId=assetId,
    )
