"""Mark ballots: yes/no, bloc and approval papers; tamper tests; homomorphic tally equals the plain count."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.crypto.elgamal import Ciphertext, encrypt, keygen
from omov.crypto.group import ORDER, CryptoError, Point
from omov.crypto.marks import (
    MarkPaper,
    QuestionSpec,
    decrypt_tally,
    encrypt_paper,
    plain_count,
    tally,
    verify_batch,
    verify_paper,
    verify_papers,
    verify_tally_decryption,
)
from omov.crypto.proofs import prove_disjunctive

SK, PK = keygen(random.Random(11))
E = "election-2026-nec"
G = Point.base()


def random_marks(rng: random.Random, spec: QuestionSpec) -> list[int]:
    count = rng.randint(spec.min_marks, spec.max_marks)
    chosen = set(rng.sample(range(spec.options), count))
    return [1 if i in chosen else 0 for i in range(spec.options)]


specs = st.sampled_from(
    [
        QuestionSpec.yes_no("q-yesno"),
        QuestionSpec.yes_no("q-yesno-blank", allow_blank=True),
        QuestionSpec.bloc("q-bloc", 5, up_to=2),
        QuestionSpec.bloc("q-bloc-1-3", 4, up_to=3, at_least=1),
        QuestionSpec.approval("q-approval", 4),
    ]
)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32), specs)
def test_honest_papers_verify_and_round_trip(seed: int, spec: QuestionSpec) -> None:
    rng = random.Random(seed)
    marks = random_marks(rng, spec)
    paper, rs = encrypt_paper(PK, E, spec, marks, binding=b"cred-1", rng=rng)
    assert len(rs) == spec.options
    assert verify_paper(PK, E, spec, paper, binding=b"cred-1")
    assert verify_paper(PK, E, spec, paper, binding=b"cred-1", exact=True)
    assert MarkPaper.from_json(paper.to_json()) == paper
    assert (paper.sum_proof is not None) == spec.needs_sum_proof
    assert len(paper.tracker()) == 64


def tampered_papers(paper: MarkPaper) -> list[tuple[str, MarkPaper]]:
    out = []
    cts = list(paper.ciphertexts)
    for i, c in enumerate(cts):
        out.append(
            (f"ct {i} a", replace(paper, ciphertexts=tuple(cts[:i] + [Ciphertext(c.a + G, c.b)] + cts[i + 1 :])))
        )
        out.append(
            (f"ct {i} b", replace(paper, ciphertexts=tuple(cts[:i] + [Ciphertext(c.a, c.b + G)] + cts[i + 1 :])))
        )
    if len(cts) > 1:
        out.append(
            (
                "options swapped",
                replace(
                    paper,
                    ciphertexts=(cts[1], cts[0], *cts[2:]),
                    mark_proofs=(paper.mark_proofs[1], paper.mark_proofs[0], *paper.mark_proofs[2:]),
                ),
            )
        )
    for i, proof in enumerate(paper.mark_proofs):
        for j in range(len(proof.pairs)):
            for w in (0, 1):
                pairs = [list(p) for p in proof.pairs]
                pairs[j][w] = (pairs[j][w] + 1) % ORDER
                bad = replace(proof, pairs=tuple((x, y) for x, y in pairs))
                proofs = list(paper.mark_proofs)
                proofs[i] = bad
                out.append((f"proof {i} pair {j}.{w}", replace(paper, mark_proofs=tuple(proofs))))
        for j in range(len(proof.commitments)):
            points = list(proof.commitments)
            points[j] = points[j] + G
            proofs = list(paper.mark_proofs)
            proofs[i] = replace(proof, commitments=tuple(points))
            out.append((f"proof {i} commitment {j}", replace(paper, mark_proofs=tuple(proofs))))
    if paper.sum_proof is not None:
        for j in range(len(paper.sum_proof.pairs)):
            pairs = [list(p) for p in paper.sum_proof.pairs]
            pairs[j][1] = (pairs[j][1] + 1) % ORDER
            out.append(
                (f"sum proof {j}", replace(paper, sum_proof=replace(paper.sum_proof, pairs=tuple(map(tuple, pairs)))))
            )
            points = list(paper.sum_proof.commitments)
            points[2 * j + 1] = points[2 * j + 1] + G
            out.append(
                (f"sum commitment {j}", replace(paper, sum_proof=replace(paper.sum_proof, commitments=tuple(points))))
            )
        out.append(("sum proof dropped", replace(paper, sum_proof=None)))
    out.append(("question id", replace(paper, question_id="other")))
    return out


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32), specs)
def test_every_tampered_field_fails(seed: int, spec: QuestionSpec) -> None:
    rng = random.Random(seed)
    paper, _ = encrypt_paper(PK, E, spec, random_marks(rng, spec), binding=b"cred-1", rng=rng)
    bads = tampered_papers(paper)
    for what, bad in bads:
        assert not verify_paper(PK, E, spec, bad, binding=b"cred-1"), what
        assert not verify_paper(PK, E, spec, bad, binding=b"cred-1", exact=True), what
    # in a batch with honest papers, exactly the tampered ones are reported
    mixed = [paper] + [bad for _, bad in bads[:6]] + [paper]
    assert verify_batch(PK, E, spec, mixed, [b"cred-1"] * len(mixed)) == [True] + [False] * len(bads[:6]) + [True]
    # public inputs outside the paper
    assert not verify_paper(PK, "another-election", spec, paper, binding=b"cred-1")
    assert not verify_paper(PK, E, spec, paper, binding=b"cred-2")
    assert not verify_paper(PK + G, E, spec, paper, binding=b"cred-1")
    if spec.max_marks < spec.options:
        looser = QuestionSpec(spec.question_id, spec.options, spec.min_marks, spec.max_marks + 1, spec.kind)
        assert not verify_paper(PK, E, looser, paper, binding=b"cred-1")


def test_overvote_cannot_be_proved() -> None:
    spec = QuestionSpec.bloc("q", 4, up_to=2)
    with pytest.raises(CryptoError):
        encrypt_paper(PK, E, spec, [1, 1, 1, 0])
    with pytest.raises(CryptoError):
        encrypt_paper(PK, E, spec, [2, 0, 0, 0])
    # A dishonest device: encrypts 3 marks and forges the sum proof as if the sum were 2 -> rejected.
    honest, rs = encrypt_paper(PK, E, QuestionSpec.approval("q", 4), [1, 1, 1, 0])
    from omov.crypto.marks import _sum_context, paper_context

    ctx = paper_context(E, spec)
    # re-prove the 0/1 proofs under the bloc spec's context
    from omov.crypto.marks import _mark_context

    proofs = tuple(
        prove_disjunctive(PK, c, m, r, (0, 1), _mark_context(ctx, i))
        for i, (c, m, r) in enumerate(zip(honest.ciphertexts, [1, 1, 1, 0], rs, strict=True))
    )
    forged_sum = prove_disjunctive(PK, honest.ciphertexts, 2, sum(rs), [0, 1, 2], _sum_context(ctx))
    forged = MarkPaper("q", honest.ciphertexts, proofs, forged_sum)
    assert not verify_paper(PK, E, spec, forged)
    assert not verify_paper(PK, E, spec, forged, exact=True)
    # and a mark of 2 on one option with a forged 0/1 proof
    c2, r2 = encrypt(PK, 2)
    bad_mark = prove_disjunctive(PK, c2, 1, r2, (0, 1), _mark_context(ctx, 0))
    cts = (c2, *honest.ciphertexts[1:])
    forged2 = MarkPaper("q", cts, (bad_mark, *proofs[1:]), None)
    assert not verify_paper(PK, E, QuestionSpec.approval("q", 4), forged2)
    assert not verify_paper(PK, E, QuestionSpec.approval("q", 4), forged2, exact=True)


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2**32), specs, st.integers(1, 25))
def test_tally_decrypts_to_the_plain_count(seed: int, spec: QuestionSpec, voters: int) -> None:
    rng = random.Random(seed)
    all_marks = [random_marks(rng, spec) for _ in range(voters)]
    papers = [encrypt_paper(PK, E, spec, m, rng=rng)[0] for m in all_marks]
    totals = tally(spec, papers)
    decrypted = decrypt_tally(SK, E, spec, totals, max_count=voters, rng=rng)
    counts = [c for c, _ in decrypted]
    proofs = [p for _, p in decrypted]
    assert counts == plain_count(spec, all_marks)
    assert verify_tally_decryption(PK, E, spec, totals, counts, proofs)
    wrong = list(counts)
    wrong[0] += 1
    assert not verify_tally_decryption(PK, E, spec, totals, wrong, proofs)
    assert not verify_tally_decryption(PK, "other", spec, totals, counts, proofs)


def test_verify_papers_in_processes_matches_serial() -> None:
    rng = random.Random(5)
    spec = QuestionSpec.bloc("q", 3, up_to=1)
    papers = [encrypt_paper(PK, E, spec, random_marks(rng, spec), rng=rng)[0] for _ in range(12)]
    papers[4] = replace(papers[4], question_id="x")
    c = papers[7].ciphertexts
    papers[7] = replace(papers[7], ciphertexts=(Ciphertext(c[0].a, c[0].b + G), *c[1:]))
    expected = [i not in (4, 7) for i in range(12)]
    assert verify_papers(PK, E, spec, papers, processes=1) == expected
    assert verify_papers(PK, E, spec, papers, processes=2, chunk=3, min_parallel=0) == expected


def test_verify_papers_without_fork_sends_each_share_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a pool cannot be forked (another start method, or other threads running), the shares travel to the
    workers as canonical JSON and the verdicts are the same, in the same order."""
    import omov.crypto.marks as marks_module

    rng = random.Random(6)
    spec = QuestionSpec.bloc("q", 3, up_to=2)
    papers = [encrypt_paper(PK, E, spec, random_marks(rng, spec), rng=rng)[0] for _ in range(9)]
    papers[2] = replace(papers[2], mark_proofs=papers[3].mark_proofs)
    expected = [i != 2 for i in range(9)]
    monkeypatch.setattr(marks_module, "_can_fork", lambda: False)
    assert verify_papers(PK, E, spec, papers, processes=2, chunk=2, min_parallel=0) == expected
    assert marks_module._FORKED is None


def test_spec_validation() -> None:
    with pytest.raises(CryptoError):
        QuestionSpec("q", 3, 2, 1)
    with pytest.raises(CryptoError):
        QuestionSpec("q", 0, 0, 0)
    assert QuestionSpec.from_json(QuestionSpec.bloc("q", 10, 3).to_json()) == QuestionSpec.bloc("q", 10, 3)
    assert not QuestionSpec.approval("q", 3).needs_sum_proof
    assert QuestionSpec.yes_no("q").allowed_sums == [1]


def _hex_fields(obj: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _hex_fields(v, (*path, k))]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _hex_fields(v, (*path, i))]
    if isinstance(obj, str) and len(obj) in (64, 128):
        return [path]
    return []


_FUZZ_SPEC = QuestionSpec.bloc("fuzz", 3, up_to=2)
_FUZZ_PAPER, _ = encrypt_paper(PK, E, _FUZZ_SPEC, [1, 0, 1], rng=random.Random(77))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_changed_hex_digit_is_rejected(data: st.DataObject) -> None:
    """Change one hex digit anywhere in a paper's points and scalars: it no longer decodes, or fails both checks."""
    import copy

    doc = _FUZZ_PAPER.to_json()
    path = data.draw(st.sampled_from(_hex_fields(doc)))
    target = doc
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    value: str = target[path[-1]]  # type: ignore[index]
    pos = data.draw(st.integers(0, len(value) - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789abcdef" if d != value[pos]]))
    bad = copy.deepcopy(doc)
    holder = bad
    for key in path[:-1]:
        holder = holder[key]  # type: ignore[index]
    holder[path[-1]] = value[:pos] + digit + value[pos + 1 :]  # type: ignore[index]
    try:
        paper = MarkPaper.from_json(bad)
    except CryptoError:
        return
    assert not verify_paper(PK, E, _FUZZ_SPEC, paper)
    assert not verify_paper(PK, E, _FUZZ_SPEC, paper, exact=True)
