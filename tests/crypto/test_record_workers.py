"""Trustees' record decryptions made and checked by several processes (record4.trustee_partials / check_partials
with workers=2) give what one process gives, and a bad share is named as the first in order."""

from __future__ import annotations

import pytest

from omov.crypto import record4 as r4
from omov.crypto import trustees as tr
from omov.crypto.elgamal import encrypt
from omov.crypto.errors import CryptoError

E = "omov-test-workers"
WIDTH = 3
PAPERS = 12


@pytest.fixture(scope="module")
def ceremony():
    started = {i: tr.init_trustee(E, i, 3, 2) for i in (1, 2, 3)}
    inits = [init for _, init in started.values()]
    shares = [tr.make_shares(secret, inits) for secret, _ in started.values()]
    secrets = {}
    for i, (secret, _) in started.items():
        tr.combine(secret, inits, shares)
        secrets[i] = secret
    pk = tr.joint_public_key(inits)
    papers = [b"".join(encrypt(pk, (p + j) % (WIDTH + 1))[0].encode() for j in range(WIDTH)) for p in range(PAPERS)]
    source = r4.decryption_input(election=E, fingerprint=bytes(32), width=WIDTH, papers=papers)
    return secrets, inits, source


@pytest.fixture()
def small_spans(monkeypatch):
    monkeypatch.setattr(r4, "SPAN", 2)  # twelve papers in several spans, so two processes share them


def _bad(partials, paper, position):
    shares = [[list(s) for s in unit] for unit in partials["shares"]]
    d, c, z = shares[paper - 1][position - 1]
    shares[paper - 1][position - 1] = [d, c, z[:-2] + ("00" if z[-2:] != "00" else "01")]
    return dict(partials, shares=shares)


def test_two_processes_make_and_check_the_same_decryption_shares_as_one(ceremony, small_spans):
    secrets, inits, source = ceremony
    one = r4.trustee_partials(secrets[1], source, workers=1)
    two = r4.trustee_partials(secrets[1], source, workers=2)
    assert len(two["shares"]) == PAPERS and all(len(unit) == WIDTH for unit in two["shares"])
    # d = x_j * a is the same whoever computes it (the proofs' nonces differ).
    assert [[s[0] for s in unit] for unit in one["shares"]] == [[s[0] for s in unit] for unit in two["shares"]]
    checked = r4.check_partials(source, two, inits, workers=2)
    assert checked == r4.check_partials(source, one, inits, workers=1)
    assert [[d.data.hex() for d in unit] for unit in checked] == [[s[0] for s in unit] for unit in one["shares"]]
    values = r4.combine_ranked(source, {1: one, 3: r4.trustee_partials(secrets[3], source, workers=2)}, inits, WIDTH,
                               workers=2)[1]  # fmt: skip
    assert values[0][: 1] == [0] and values[1][: 1] == [1]


def test_the_first_bad_share_in_order_is_named_whichever_process_finds_it(ceremony, small_spans):
    secrets, inits, source = ceremony
    good = r4.trustee_partials(secrets[2], source, workers=2)
    with pytest.raises(CryptoError, match=r"paper 9, position 2: trustee 2's proof"):
        r4.check_partials(source, _bad(good, 9, 2), inits, workers=2)
    with pytest.raises(CryptoError, match=r"paper 4, position 3: trustee 2's proof"):
        r4.check_partials(source, _bad(_bad(good, 9, 2), 4, 3), inits, workers=2)
    broken = dict(good, shares=good["shares"][:5] + [["not a share"] * WIDTH] + good["shares"][6:])
    with pytest.raises(CryptoError, match=r"paper 6: a share is not"):
        r4.check_partials(source, broken, inits, workers=2)
