"""A verifiable STV ballot under the rules parties really use: a changed rule option, a gender balance rule
("at least one woman") and a candidate withdrawn after the opening. End to end on the platform (Python crypto
playing the browser and the trustees), counted exactly as a plain ballot with the same papers would be, and the
published record passing `omov verify` and the JavaScript verifier; tampering with the constraints or the
withdrawn list fails both."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from omov.ballots import services as bs
from omov.ballots.errors import NotReady
from omov.ballots.models import Candidate, Election, Result, Trustee
from omov.ballots.selectors import rule_for
from omov.ballots.verifiable import selectors as vs
from omov.ballots.verifiable import services as vsv
from omov.count import Profile, count
from omov.count.sheet import to_dict
from omov.crypto.verify import verify_record
from tests.ballots.verifiable_play import booth_marks, booth_ranked, run_ceremony, trustee_partials
from tests.conftest_django import open_and_issue
from tests.crypto.test_js_verifier import edit, run_js

NAMES = ("Ann", "Bob", "Cat", "Dan", "Eve")
GENDERS = ("woman", "man", "woman", "man", "woman")
# Bob 4 and Dan 3 first preferences: two men would win; Eve (2) withdraws after the opening, her papers go to Ann
# and Cat; with "at least 1 woman" the second seat goes to a woman.
RANKINGS = [[1, 3], [1, 3, 0], [1, 0], [1, 3], [3, 1], [3, 1, 2], [3, 4], [4, 0, 2], [4, 2], [0, 2]]


def _passes(checks) -> None:
    failed = [f"{c.name}: {c.detail}" for c in checks if not c.ok]
    assert checks and not failed, failed


@pytest.fixture
def counted(world, tmp_path):
    """The ballot, counted and published, its exported record directory and the papers' rankings."""
    ballot = world.ballot("wigm", seats=2, candidates=NAMES, genders=GENDERS, ready=False, decimals=3)
    bs.add_balance_rule(ballot=ballot, actor=world.officer, group="women", minimum=1, genders=["woman"])
    vsv.set_verifiable(
        ballot=ballot, actor=world.officer, verifiable=True, trustees=["Tia", "Tom"], threshold=2, mix_count=1
    )
    secrets = run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    ballot.refresh_from_db()
    params = json.loads(Election.objects.get(ballot=ballot).parameters)
    # Fixed at the opening, so the fingerprint binds them (record.md §9).
    assert params["options"] == {"decimals": 3}
    assert params["constraints"] == [{"group": "women", "min": 1, "max": None, "members": [0, 2, 4]}]
    booth = vs.booth_parameters(ballot=ballot)
    for token, ranking in zip(tokens, RANKINGS, strict=False):
        vsv.cast_encrypted(credential=token, cast=booth_ranked(booth, token, ranking).cast, ballot_id=ballot.pk)
    # Withdrawn while voting is open: the paper and F are fixed, results.json will say so.
    bs.withdraw_candidate(candidate=Candidate.objects.get(ballot=ballot, name="Eve"), actor=world.officer)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    source = vsv.decryption_input(ballot=ballot)
    for number in (1, 2):
        vsv.upload_partials(
            ballot=ballot,
            trustee=Trustee.objects.get(ballot=ballot, number=number),
            actor=world.officer,
            data=trustee_partials(secrets[number], source),
        )
    ballot.refresh_from_db()
    assert ballot.state == "counted"
    bs.publish_result(ballot=ballot, actor=world.officer)
    record = vsv.export_record(ballot=ballot, directory=tmp_path / "record", actor=world.officer)
    return ballot, Path(record)


def test_counted_as_a_plain_ballot_with_the_same_papers(counted):
    ballot, record = counted
    results = json.loads((record / "results.json").read_text())
    assert results["withdrawn"] == [4]
    # What omov.ballots.services.results.count_ballot does for a plain ballot: rule_for (options + balance
    # rules) over the papers with the withdrawn candidate marked withdrawn.
    plain = Profile.from_papers(list(NAMES), [tuple(r) for r in RANKINGS], seats=2, title=ballot.title)
    plain = plain.withdraw("Eve")
    expected = json.loads(json.dumps(to_dict(count(plain, rule_for(ballot), seats=2, seed=ballot.seed))))
    assert results["count"] == expected
    elected = Result.objects.get(ballot=ballot).elected
    assert elected == expected["elected"] and "Bob" in elected and {"Ann", "Cat"} & set(elected)
    assert "Dan" not in elected and expected["withdrawn"] == ["Eve"]


def test_both_verifiers_pass_and_say_what_applies(counted, capsys):
    _, record = counted
    checks = verify_record(record, workers=1)
    _passes(checks)
    by_name = {c.name: c.detail for c in checks}
    assert "constraints women at least 1" in by_name["parameters"] and "options" in by_name["parameters"]
    assert "withdrawn after opening: Eve" in by_name["count"]
    js = run_js(record)
    assert js.returncode == 0, js.stdout + js.stderr
    assert "withdrawn after opening: Eve" in js.stdout
    assert "CONSTRAINTS APPLY" in js.stdout and "at least 1 elected from women (Ann, Cat, Eve)" in js.stdout


# (file, change, the Python check that fails, words of its message, words of the JS verifier's output)
TAMPERING = [
    # a constraint naming a candidate who does not exist: V2 (Python), V8 (JS: its V2 knows no constraints)
    (
        "parameters.json",
        lambda d: d["constraints"][0].update(members=[0, 2, 9]),
        "parameters",
        "constraints[0].members",
        "constraints[0].members",
    ),
    (
        "parameters.json",
        lambda d: d["constraints"][0].update(min=2, max=1),
        "parameters",
        "constraints[0]: min 2 is above max 1",
        "min 2 is above max 1",
    ),
    # an option the record format does not know (the JS verifier refuses its shape)
    (
        "parameters.json",
        lambda d: d["options"].update(surplus="all"),
        "parameters",
        "options.surplus",
        "options.surplus",
    ),
    # the constraint dropped (a valid shape): the recount elects Dan; the JS verifier fails on F (trackers)
    ("parameters.json", lambda d: d.update(constraints=[]), "count", "count.elected", "tracker"),
    # the withdrawal hidden, another candidate withdrawn instead, or one who does not exist
    ("results.json", lambda d: d.update(withdrawn=[]), "count", "the recount", "withdrawn"),
    ("results.json", lambda d: d.update(withdrawn=[3]), "count", "the recount", "withdrawn"),
    ("results.json", lambda d: d.update(withdrawn=[4, 9]), "count", "withdrawn", "withdrawn"),
]


def test_tampering_with_constraints_or_withdrawals_fails_both(counted, tmp_path):
    _, record = counted
    for n, (name, change, py_check, py_text, js_text) in enumerate(TAMPERING):
        bad = Path(shutil.copytree(record, tmp_path / f"bad{n}"))
        edit(bad, name, change)
        failed = {c.name: c.detail for c in verify_record(bad, workers=1) if not c.ok}
        assert py_check in failed and py_text in failed[py_check], (n, failed)
        js = run_js(bad)
        assert js.returncode == 1 and js_text in js.stdout, (n, js.stdout)


def test_options_the_record_cannot_hold_stop_the_opening(world):
    ballot = world.ballot("wigm", seats=1, candidates=("Ann", "Bob"), ready=False, meek_omega=0)
    vsv.set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, trustees=["Tia"], threshold=1, mix_count=1)
    run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    with pytest.raises(NotReady, match="options.meek_omega: must be string"):
        bs.open_ballot(ballot=ballot, actor=world.officer)


def test_a_bloc_ballot_with_a_balance_rule_and_a_withdrawal(world, tmp_path):
    """Marks: the totals' profile (record.md §9) with the withdrawn candidate marked so, under the balance rule."""
    ballot = world.ballot(
        "bloc", seats=2, candidates=("Ann", "Bob", "Dan", "Eve"), genders=("woman", "man", "man", "woman"), ready=False
    )
    bs.add_balance_rule(ballot=ballot, actor=world.officer, group="women", minimum=1, genders=["woman"])
    vsv.set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, trustees=["Tia"], threshold=1)
    secrets = run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    booth = vs.booth_parameters(ballot=ballot)
    papers = [[0, 1, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1], [0, 0, 0, 1]]
    for token, marks in zip(tokens, papers, strict=False):
        vsv.cast_encrypted(credential=token, cast=booth_marks(booth, token, marks).cast)
    bs.withdraw_candidate(candidate=Candidate.objects.get(ballot=ballot, name="Eve"), actor=world.officer)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    vsv.upload_partials(
        ballot=ballot,
        trustee=Trustee.objects.get(ballot=ballot, number=1),
        actor=world.officer,
        data=trustee_partials(secrets[1], vsv.decryption_input(ballot=ballot)),
    )
    ballot.refresh_from_db()
    results = json.loads(Election.objects.get(ballot=ballot).results)
    assert results["totals"] == [1, 5, 3, 2] and results["withdrawn"] == [3]
    # Bob and Dan lead, but one seat must go to a woman: Ann (Eve withdrew), as a plain bloc count elects.
    plain = Profile.from_papers(
        ["Ann", "Bob", "Dan", "Eve"], [tuple(i for i, m in enumerate(p) if m) for p in papers], seats=2
    ).withdraw("Eve")
    expected = count(plain, rule_for(ballot), seats=2, seed=ballot.seed).elected_names
    assert sorted(Result.objects.get(ballot=ballot).elected) == sorted(expected) == ["Ann", "Bob"]
    record = vsv.export_record(ballot=ballot, directory=tmp_path / "record", actor=world.officer)
    _passes(verify_record(record, workers=1))
    js = run_js(Path(record))
    assert js.returncode == 0 and "withdrawn after opening: Eve" in js.stdout, js.stdout


def test_a_withdrawal_that_would_make_the_count_impossible_is_refused(world):
    """After the opening (any ballot): the balance rule must stay attainable and enough candidates must stand."""
    from omov.ballots.errors import BallotError

    ballot = world.ballot(
        "scottish", seats=2, candidates=("Ann", "Bob", "Dan"), genders=("woman", "man", "man"), ready=False
    )
    bs.add_balance_rule(ballot=ballot, actor=world.officer, group="women", minimum=1, genders=["woman"])
    bs.mark_ready(ballot=ballot, actor=world.officer)
    open_and_issue(ballot, world.officer)
    with pytest.raises(BallotError, match="balance rules could no longer be met"):
        bs.withdraw_candidate(candidate=Candidate.objects.get(ballot=ballot, name="Ann"), actor=world.officer)
    bs.withdraw_candidate(candidate=Candidate.objects.get(ballot=ballot, name="Dan"), actor=world.officer)
    with pytest.raises(BallotError, match="1 candidates would stand for 2 seats"):
        bs.withdraw_candidate(candidate=Candidate.objects.get(ballot=ballot, name="Bob"), actor=world.officer)
    assert list(Candidate.objects.filter(ballot=ballot, withdrawn=True).values_list("name", flat=True)) == ["Dan"]
