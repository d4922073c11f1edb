#pragma version 0.4.3
"""
@title An ERC721 token for the sandbox, mintable on withdrawal (Reddio's ERC721M and ERC721MC)
@notice Placed in genesis at the address the sandbox's layer 2 lists. initialize() makes its
        caller and the StarkEx contract minters. mintFor() takes a StarkEx minting blob: the
        token id as big-endian bytes (ERC721M, at most 32 bytes), or the ABI encoding of
        (token id, token URL) (ERC721MC).
        Sandbox only: the sandbox's layer 2 hands every new key the same token ids, so minting
        an id that exists moves it to the new owner instead of failing.
"""

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    tokenId: indexed(uint256)

event Approval:
    owner: indexed(address)
    approved: indexed(address)
    tokenId: indexed(uint256)

event ApprovalForAll:
    owner: indexed(address)
    operator: indexed(address)
    approved: bool

MAX_BLOB: constant(uint256) = 1024
MAX_URL: constant(uint256) = 512

name: public(String[32])
symbol: public(String[16])
ownerOf: public(HashMap[uint256, address])
balanceOf: public(HashMap[address, uint256])
getApproved: public(HashMap[uint256, address])
isApprovedForAll: public(HashMap[address, HashMap[address, bool]])
minters: public(HashMap[address, bool])
tokenUrls: HashMap[uint256, Bytes[MAX_URL]]
initialized: bool


@external
def initialize(name: String[32], symbol: String[16], starkex: address):
    assert not self.initialized, "ALREADY_INITIALIZED"
    self.initialized = True
    self.name = name
    self.symbol = symbol
    self.minters[msg.sender] = True
    self.minters[starkex] = True


@external
@view
def tokenURI(tokenId: uint256) -> String[MAX_URL]:
    return convert(self.tokenUrls[tokenId], String[MAX_URL])


@internal
def _place(owner: address, receiver: address, tokenId: uint256):
    if owner != empty(address):
        self.balanceOf[owner] -= 1
    self.ownerOf[tokenId] = receiver
    self.balanceOf[receiver] += 1
    self.getApproved[tokenId] = empty(address)
    log Transfer(sender=owner, receiver=receiver, tokenId=tokenId)


@external
def transferFrom(owner: address, receiver: address, tokenId: uint256):
    assert self.ownerOf[tokenId] == owner and owner != empty(address), "NOT_OWNER"
    assert receiver != empty(address), "INVALID_RECEIVER"
    assert (
        msg.sender == owner
        or self.getApproved[tokenId] == msg.sender
        or self.isApprovedForAll[owner][msg.sender]
    ), "NOT_AUTHORIZED"
    self._place(owner, receiver, tokenId)


@external
def approve(approved: address, tokenId: uint256):
    owner: address = self.ownerOf[tokenId]
    assert msg.sender == owner or self.isApprovedForAll[owner][msg.sender], "NOT_AUTHORIZED"
    self.getApproved[tokenId] = approved
    log Approval(owner=owner, approved=approved, tokenId=tokenId)


@external
def setApprovalForAll(operator: address, approved: bool):
    self.isApprovedForAll[msg.sender][operator] = approved
    log ApprovalForAll(owner=msg.sender, operator=operator, approved=approved)


@internal
def _mint(receiver: address, tokenId: uint256):
    assert self.minters[msg.sender], "ONLY_MINTER"
    assert receiver != empty(address), "INVALID_RECEIVER"
    self._place(self.ownerOf[tokenId], receiver, tokenId)


@external
def mint(receiver: address, tokenId: uint256):
    self._mint(receiver, tokenId)


@external
def mintFor(receiver: address, amount: uint256, mintingBlob: Bytes[MAX_BLOB]):
    assert amount == 1, "INVALID_AMOUNT"
    assert len(mintingBlob) > 0, "EMPTY_MINTING_BLOB"
    tokenId: uint256 = 0
    if len(mintingBlob) <= 32:
        # Left-aligned in a word, then shifted down to its big-endian value.
        word: bytes32 = extract32(concat(mintingBlob, empty(bytes32)), 0)
        tokenId = convert(word, uint256) >> (8 * (32 - len(mintingBlob)))
    else:
        url: Bytes[MAX_URL] = b""
        tokenId, url = abi_decode(mintingBlob, (uint256, Bytes[MAX_URL]))
        self.tokenUrls[tokenId] = url
    self._mint(receiver, tokenId)
