"""RFC 9162 (Certificate Transparency 2.0) Merkle tree math, section 2.1.

Hashes are 32-byte SHA-256 digests: a leaf is SHA-256(0x00 ‖ entry), an interior node
SHA-256(0x01 ‖ left ‖ right), the empty tree SHA-256(""). A tree of n leaves splits at the
largest power of two below n. Proofs are built through a ``subtree(start, end)`` callable
returning the hash of leaves [start, end): the caller decides where the hashes come from
(a list in memory, stored nodes). Every ``subtree`` call made here asks for a range that
starts at a multiple of a power of two at least as large as the range, so a store of the
complete aligned subtrees (``aligned_subtree``) answers any of them in O(log n) reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Subtree = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof was asked for sizes or an index that do not exist."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    if n < 2:
        raise ValueError("a split needs at least two leaves")
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of leaves given by their leaf hashes."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = split_point(n)
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


def in_memory(leaf_hashes: Sequence[bytes]) -> Subtree:
    """A ``subtree`` callable over a list of leaf hashes (tests, small trees)."""
    return lambda start, end: root_of(leaf_hashes[start:end])


def aligned_subtree(complete: Callable[[int, int], bytes]) -> Subtree:
    """A ``subtree`` callable from ``complete(level, index)``: the hash of the complete
    subtree of 2**level leaves starting at leaf index * 2**level.

    A range whose size is not a power of two (the right edge of a tree) is folded from the
    complete subtrees it is made of.
    """

    def subtree(start: int, end: int) -> bytes:
        size = end - start
        if size <= 0:
            raise ValueError("empty range")
        if size & (size - 1) == 0:
            level = size.bit_length() - 1
            if start % size:
                raise ValueError(f"range [{start}, {end}) is not aligned")
            return complete(level, start >> level)
        k = split_point(size)
        return node_hash(subtree(start, start + k), subtree(start + k, end))

    return subtree


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 2.1.3.1, leaf side first."""
    if not 0 <= index < size:
        raise ProofError(f"no leaf {index} in a tree of {size}")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index - start < k:
            proof.append(subtree(start + k, end))
            end = start + k
        else:
            proof.append(subtree(start, start + k))
            start += k
    proof.reverse()
    return proof


def consistency_proof(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 2.1.4.1 (empty for equal sizes)."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from {old_size} to {new_size}")
    proof: list[bytes] = []
    start, end, m, whole = 0, new_size, old_size, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append(subtree(start + k, end))
            end = start + k
        else:
            proof.append(subtree(start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append(subtree(start, end))
    proof.reverse()
    return proof


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2); ProofError if malformed."""
    if not 0 <= index < size:
        raise ProofError(f"no leaf {index} in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("proof too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    try:
        return root_from_inclusion(index, size, leaf, proof) == root
    except ProofError:
        return False


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: does the tree of ``new_root`` extend the tree of ``old_root``?"""
    if old_size == 0:
        return not proof
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def completed_nodes(
    index: int, leaf: bytes, left: Callable[[int, int], bytes]
) -> list[tuple[int, int, bytes]]:
    """The complete subtrees that appending ``leaf`` at ``index`` finishes, as
    (level, index, hash), the leaf itself first; ``left(level, index)`` gives the hash of a
    complete subtree already stored (the left siblings on the way up)."""
    nodes = [(0, index, leaf)]
    level, i, h = 0, index, leaf
    while i & 1:
        h = node_hash(left(level, i - 1), h)
        level, i = level + 1, i >> 1
        nodes.append((level, i, h))
    return nodes


def root_from_frontier(size: int, complete: Callable[[int, int], bytes]) -> bytes:
    """The tree hash of ``size`` leaves from the complete subtrees of its binary
    decomposition (the largest, leftmost first, folded from the right)."""
    if size == 0:
        return EMPTY_ROOT
    return aligned_subtree(complete)(0, size)
