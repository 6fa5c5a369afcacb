"""The Merkle tree over the sorted trackers: the server's (omov/ballots/papers.py, bottom-up) and the checker's
(omov/check.py, the RFC's recursion as written) give the reference roots and audit paths of RFC 6962/9162, agree
with each other in every size, and a proof altered in any way does not reach the root. No database."""

from __future__ import annotations

import hashlib
import random

from omov import check
from omov.ballots import papers

# The Certificate Transparency reference tree (RFC 6962's test data, used by its implementations): eight leaves,
# the root of each prefix, and two audit paths.
LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
PATHS = {  # (leaf index, tree size): audit path
    (0, 8): ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    (5, 8): ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
    (2, 3): ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
}  # fmt: skip


def _leaves() -> list[bytes]:
    return [papers.merkle_leaf(bytes.fromhex(x)) for x in LEAVES]


def test_both_trees_give_the_rfc_reference_roots_and_paths():
    leaves = _leaves()
    for n, root in enumerate(ROOTS):
        assert papers.merkle_root(leaves[:n]).hex() == root
        assert check.tree_hash(leaves[:n]).hex() == root
    for (index, size), path in PATHS.items():
        assert [h.hex() for h in papers.audit_path(leaves[:size], index)] == path
        assert [h.hex() for h in check.audit_path(leaves[:size], index)] == path
        reached = check.root_from_proof(index, size, leaves[index], [bytes.fromhex(h) for h in path])
        assert reached is not None and reached.hex() == ROOTS[size]


def test_server_and_checker_agree_on_every_leaf_of_every_size_and_no_altered_proof_reaches_the_root():
    trackers = sorted(hashlib.sha256(str(i).encode()).hexdigest() for i in range(40))
    rng = random.Random(7)
    for n in range(0, 41):
        chosen = sorted(trackers[:n])
        leaves = [check.leaf_hash(t) for t in chosen]
        root = check.tree_hash(leaves)
        assert papers.papers_root(rng.sample(chosen, n)) == root.hex()  # any order in, the sorted tree's root
        for index, tracker in enumerate(chosen):
            proof = papers.inclusion_proof(chosen, tracker)
            assert proof is not None and (proof.leaf_index, proof.tree_size, proof.root) == (index, n, root.hex())
            path = [bytes.fromhex(h) for h in proof.audit_path]
            assert check.root_from_proof(index, n, leaves[index], path) == root
            assert path == check.audit_path(leaves, index)
            if path:  # flip one bit of one hash: another root (or none)
                k = rng.randrange(len(path))
                bent = [*path[:k], bytes([path[k][0] ^ 1]) + path[k][1:], *path[k + 1 :]]
                assert check.root_from_proof(index, n, leaves[index], bent) != root
                assert check.root_from_proof(index, n, leaves[index], path[:-1]) != root
            assert check.root_from_proof(index, n, leaves[index], [*path, root]) != root
            if n > 1:
                assert check.root_from_proof((index + 1) % n, n, leaves[index], path) != root
        assert check.root_from_proof(n, n, check.leaf_hash("00" * 32), []) is None  # no such leaf


def test_the_root_is_of_the_set_whatever_order_the_trackers_come_in_and_changes_with_any_paper():
    trackers = [hashlib.sha256(bytes([i])).hexdigest() for i in range(9)]
    root = papers.papers_root(trackers)
    assert papers.papers_root(reversed(trackers)) == papers.papers_root(t.upper() for t in trackers) == root
    assert papers.papers_root(trackers[:-1]) != root
    assert papers.papers_root([*trackers, "00" * 32]) != root
    assert papers.papers_root([*trackers[:-1], "00" * 32]) != root
    assert papers.inclusion_proof(sorted(trackers), "00" * 32) is None


def test_the_close_records_the_root_and_a_fresh_seal():
    trackers = [hashlib.sha256(bytes([i])).hexdigest() for i in range(3)]
    first, second = papers.close_commitment(trackers), papers.close_commitment(iter(trackers))
    assert set(first) == {"papers_root", "papers_seal"} and first["papers_root"] == papers.papers_root(trackers)
    assert first["papers_root"] == second["papers_root"] and first["papers_seal"] != second["papers_seal"]
    assert len(bytes.fromhex(first["papers_seal"])) == 16
