"""RFC 9162 tree hashes and proofs against transparency-dev/merkle's published vectors
(testonly/constants.go and reference_test.go), then against each other on larger trees."""

from __future__ import annotations

import pytest

from tlog import merkle

h = bytes.fromhex

LEAVES = [
    h(""),
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]
ROOTS = [
    h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]
NODES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]
INCLUSION = [
    (0, 1, []),
    (0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
    (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
LEAF_HASHES = [merkle.leaf_hash(e) for e in LEAVES]


def test_leaf_and_node_hashes():
    for level, row in enumerate(NODES):
        width = 1 << level
        for i, want in enumerate(row):
            got = merkle.root_of(LEAF_HASHES[i * width : (i + 1) * width])
            assert got.hex() == want, (level, i)


@pytest.mark.parametrize("size", range(9))
def test_root_hashes(size):
    assert merkle.root_of(LEAF_HASHES[:size]) == ROOTS[size]


def _stored(level: int, index: int) -> bytes:
    return h(NODES[level][index])


@pytest.mark.parametrize("size", range(9))
def test_root_from_stored_complete_subtrees(size):
    assert merkle.root_from_frontier(size, _stored) == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "want"), INCLUSION)
def test_inclusion_proofs(index, size, want):
    for subtree in (merkle.in_memory(LEAF_HASHES[:size]), merkle.aligned_subtree(_stored)):
        proof = merkle.inclusion_proof(index, size, subtree)
        assert [p.hex() for p in proof] == want
    leaf = LEAF_HASHES[index]
    assert merkle.verify_inclusion(index, size, leaf, proof, ROOTS[size])
    assert not merkle.verify_inclusion(
        index, size, LEAF_HASHES[(index + 1) % 8], proof, ROOTS[size]
    )
    if proof:
        assert not merkle.verify_inclusion(index, size, leaf, proof[:-1], ROOTS[size])
        bent = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
        assert not merkle.verify_inclusion(index, size, leaf, bent, ROOTS[size])
    assert not merkle.verify_inclusion(index, size, leaf, [*proof, ROOTS[0]], ROOTS[size])


@pytest.mark.parametrize(("old", "new", "want"), CONSISTENCY)
def test_consistency_proofs(old, new, want):
    for subtree in (merkle.in_memory(LEAF_HASHES[:new]), merkle.aligned_subtree(_stored)):
        proof = merkle.consistency_proof(old, new, subtree)
        assert [p.hex() for p in proof] == want
    assert merkle.verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)
    if old != new:
        assert not merkle.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new], proof)
        assert not merkle.verify_consistency(old, new, ROOTS[old], ROOTS[new - 1], proof)
        assert not merkle.verify_consistency(old, new, ROOTS[old], ROOTS[new], proof[:-1])


def test_every_proof_of_a_larger_tree_verifies():
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(70)]
    roots = [merkle.root_of(leaves[:n]) for n in range(71)]
    subtree = merkle.in_memory(leaves)
    for n in range(1, 71):
        for i in range(n):
            proof = merkle.inclusion_proof(i, n, subtree)
            assert merkle.verify_inclusion(i, n, leaves[i], proof, roots[n])
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(m, n, subtree)
            assert merkle.verify_consistency(m, n, roots[m], roots[n], proof)
            if m < n:
                assert not merkle.verify_consistency(m, n, roots[m], roots[n - 1], proof)


def test_appending_completes_the_stored_subtrees():
    stored: dict[tuple[int, int], bytes] = {}
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(21)]
    for i, leaf in enumerate(leaves):
        for level, index, digest in merkle.completed_nodes(i, leaf, lambda lv, ix: stored[lv, ix]):
            stored[level, index] = digest
        assert merkle.root_from_frontier(i + 1, lambda lv, ix: stored[lv, ix]) == merkle.root_of(
            leaves[: i + 1]
        )


def test_impossible_proofs_are_refused():
    subtree = merkle.in_memory(LEAF_HASHES)
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_proof(8, 8, subtree)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_proof(0, 8, subtree)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_proof(5, 4, subtree)
    assert not merkle.verify_inclusion(3, 2, LEAF_HASHES[0], [], ROOTS[2])
