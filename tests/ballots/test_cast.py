"""`cast`: the one writer of papers. Bad credentials and bad papers get clear errors and change nothing."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import IntegrityError, connection, transaction

from omov.ballots import services as bs
from omov.ballots.errors import CredentialError, InvalidPaper
from omov.ballots.models import Credential, Paper, Voter
from omov.ballots.papers import new_credential, normalise_credential
from tests.conftest_django import open_and_issue


def _nothing_written() -> None:
    assert not Paper.objects.exists()
    assert not Credential.objects.filter(spent=True).exists()
    assert not Voter.objects.filter(voted=True).exists()


@pytest.fixture
def irv(world):
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat"))
    return ballot, open_and_issue(ballot, world.officer)


@pytest.mark.parametrize(
    ("paper", "message"),
    [
        ([4], "no candidate number 4"),
        ([0], "no candidate number 0"),
        ([1, 1], "Ann\\) is ranked twice"),
        ([1, 2, 3, 1], "too large"),
        (list(range(1, 10_000)), "too large"),
        ([], "empty"),
        (["1"], "not a candidate number"),
        ([True], "not a candidate number"),
        ([1.0], "not a candidate number"),
        ("1,2", "list of candidate numbers"),
        ({"1": 1}, "list of candidate numbers"),
        (None, "list of candidate numbers"),
    ],
)
def test_invalid_papers_are_refused_with_a_reason_and_the_credential_stays_unspent(irv, paper, message):
    ballot, tokens = irv
    with pytest.raises(InvalidPaper, match=message):
        bs.cast(credential=tokens[0], paper=paper)
    _nothing_written()
    bs.cast(credential=tokens[0], paper=[2, 1])  # the voter can still vote
    assert Paper.objects.count() == 1


def test_too_many_marks_on_a_bloc_paper(world):
    ballot = world.ballot("bloc", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"))
    tokens = open_and_issue(ballot, world.officer)
    with pytest.raises(InvalidPaper, match="too many marks: you may mark at most 2; this paper marks 3"):
        bs.cast(credential=tokens[0], paper=[1, 2, 3])
    _nothing_written()


def test_fptp_allows_one_mark_and_an_empty_paper_only_when_allowed(world):
    ballot = world.ballot("fptp", candidates=("Yes", "No"), ready=False)
    bs.update_ballot(ballot=ballot, actor=world.officer, allow_empty=True)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    with pytest.raises(InvalidPaper, match="at most 1"):
        bs.cast(credential=tokens[0], paper=[1, 2])
    receipt = bs.cast(credential=tokens[0], paper=[])
    assert json.loads(bytes(Paper.objects.get(tracker=receipt.tracker).content))["marks"] == []


@pytest.mark.parametrize("credential", ["", "not a credential", "A" * 32 + "1", "x" * 500, None, 12345])
def test_malformed_credentials_are_refused(irv, credential):
    with pytest.raises(CredentialError, match="not a ballot credential"):
        bs.cast(credential=credential, paper=[1])
    _nothing_written()


def test_forged_credential_is_refused(irv):
    with pytest.raises(CredentialError, match="not valid"):
        bs.cast(credential=new_credential(), paper=[1])
    _nothing_written()


def test_a_credential_works_once(irv):
    _, tokens = irv
    bs.cast(credential=tokens[0], paper=[1])
    with pytest.raises(CredentialError, match="already been used"):
        bs.cast(credential=tokens[0], paper=[2])
    # typed differently (lower case, spaces instead of dashes): still the same credential, still spent
    with pytest.raises(CredentialError, match="already been used"):
        bs.cast(credential=tokens[0].lower().replace("-", " "), paper=[2])
    assert Paper.objects.count() == 1


def test_a_credential_of_another_ballot_is_refused_when_the_ballot_is_named(world):
    first = world.ballot("irv")
    tokens = open_and_issue(first, world.officer)
    second = world.ballot("irv")
    with pytest.raises(CredentialError, match="different ballot"):
        bs.cast(credential=tokens[0], paper=[1], ballot_id=second.pk)
    _nothing_written()


def test_stored_paper_is_canonical_bytes_and_the_tracker_is_their_hash(irv):
    ballot, tokens = irv
    receipt = bs.cast(credential=tokens[0], paper=[3, 1])
    paper = Paper.objects.get()
    content = bytes(paper.content)
    assert hashlib.sha256(content).hexdigest() == receipt.tracker == paper.tracker
    body = json.loads(content)
    assert body == {"ballot": str(ballot.public_id), "nonce": paper.id, "ranking": [3, 1], "v": 1}
    assert content == json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    assert len(paper.id) == 32 and int(paper.id, 16) >= 0


def test_identical_papers_get_different_tracker_codes(irv):
    _, tokens = irv
    a = bs.cast(credential=tokens[0], paper=[1, 2])
    b = bs.cast(credential=tokens[1], paper=[1, 2])
    assert a.tracker != b.tracker


def test_credentials_are_stored_only_as_hashes(irv):
    _, tokens = irv
    stored = set(Credential.objects.values_list("token_hash", flat=True))
    for token in tokens:
        assert token not in stored and normalise_credential(token) not in stored
    assert all(len(h) == 64 for h in stored)


def test_no_table_links_a_member_to_a_paper(db):
    """The paper table, read through the database's own schema: no column or foreign key reaching a member,
    a voter or a credential, and no time."""
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, Paper._meta.db_table)}
        relations = connection.introspection.get_relations(cursor, Paper._meta.db_table)
        constraints = connection.introspection.get_constraints(cursor, Paper._meta.db_table)
    assert columns == {"id", "ballot_id", "position", "content", "tracker", "previous_hash", "entry_hash"}
    targets = {table for _column, (_field, table) in relations.items()}
    assert targets == {"ballots_ballot"}
    fk_targets = {c["foreign_key"][0] for c in constraints.values() if c.get("foreign_key")}
    assert fk_targets <= {"ballots_ballot"}
    for forbidden in ("members_member", "ballots_voter", "ballots_credential", "auth_user"):
        assert forbidden not in targets | fk_targets
    # ... and nothing points at the paper table either
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for _col, (_field, target) in connection.introspection.get_relations(cursor, table).items():
                assert target != Paper._meta.db_table, f"{table} refers to the papers"


def test_papers_cannot_be_changed_or_deleted(irv):
    _, tokens = irv
    bs.cast(credential=tokens[0], paper=[1])
    paper = Paper.objects.get()
    with pytest.raises(ValueError):
        paper.save()
    with pytest.raises(ValueError):
        paper.delete()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses too (trigger)
        Paper.objects.filter(pk=paper.pk).update(content=b"{}")


def test_paper_chain_detects_tampering(irv):
    from omov.audit.triggers import drop_append_only_sql
    from omov.ballots.selectors import verify_paper_chain

    ballot, tokens = irv
    for t in tokens[:3]:
        bs.cast(credential=t, paper=[1])
    assert verify_paper_chain(ballot=ballot).ok
    with connection.cursor() as cursor:  # an attacker with the database's owner rights removes the trigger
        for statement in drop_append_only_sql(connection.vendor, Paper._meta.db_table):
            cursor.execute(statement)
    Paper.objects.filter(position=2).update(content=b'{"ranking":[2]}')
    check = verify_paper_chain(ballot=ballot)
    assert not check.ok and "paper #2" in check.problem
