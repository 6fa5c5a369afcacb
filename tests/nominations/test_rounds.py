"""Nomination rounds on the platform, on the generated data set (200 MPs, 600 CLPs, 20 affiliates)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from omov.audit.models import AuditEntry
from omov.ballots import services as bs
from omov.core.actors import SystemActor
from omov.members import services as ms
from omov.nominations import services as ns
from omov.nominations.errors import DuplicateNomination, NominationError, NotEligible, RoundClosed
from omov.nominations.models import Nomination, NominationRound
from omov.nominations.selectors import group_sizes, tracker
from tests.nominations.conftest import past_close
from tests.nominations.dataset import AFFILIATED_TOTAL

TODAY = dt.date.today()


def make_round(data, rule="2018", candidates=("Ann", "Bob", "Cat", "Dan"), ballot=None, **kw):
    now = timezone.now()
    rnd = ns.create_round(organisation=data.org, title="Leadership 2020", rule=rule, actor=data.officer,
                          parliamentary_group=data.plp, opens_at=now - dt.timedelta(hours=1),
                          closes_at=now + dt.timedelta(days=1), ballot=ballot, **kw)
    cands = {name: ns.add_candidate(round=rnd, name=name, actor=data.officer) for name in candidates}
    ns.open_round(round=rnd, actor=data.officer)
    return rnd, cands


def by_mps(data, rnd, cand, mps):
    for mp in mps:
        ns.nominate(round=rnd, candidate=cand, member=mp, actor=data.officer)


def by_units(data, rnd, cand, units):
    for u in units:
        ns.nominate(round=rnd, candidate=cand, unit=u, actor=data.officer, meeting_date=TODAY, votes_for=20,
                    votes_against=5, abstentions=1)


def row(board, name):
    return next(r for r in board.rows if r.candidate == name)


def test_the_generated_data_set_has_the_sizes_the_thresholds_are_built_on(data):
    rnd, _ = make_round(data)
    sizes = group_sizes(round=rnd)
    assert sizes["mp"] == 200 and sizes["clp"] == 600 and sizes["affiliate"] == 20
    assert sizes["affiliate_members"] == AFFILIATED_TOTAL
    assert len(data.unions) == 12 and len(data.societies) == 8


def test_every_term_of_the_2018_rule_on_the_platform_and_confirmation_onto_the_ballot(data):
    ballot = bs.create_ballot(organisation=data.org, title="Leader", method="irv", actor=data.officer,
                              returning_officers=[data.officer])
    rnd, c = make_round(data, ballot=ballot)
    mps, clps = data.mps, data.clps
    unions = sorted(data.unions, key=lambda u: -u.affiliated_members)
    # Ann: exactly 10% of 200 MPs (20) and exactly 5% of 600 CLPs (30).
    by_mps(data, rnd, c["Ann"], mps[0:20])
    by_units(data, rnd, c["Ann"], clps[0:30])
    # Bob: 20 MPs, 29 CLPs (one short), but three affiliates, two of them unions, with >= 150,000 members.
    by_mps(data, rnd, c["Bob"], mps[20:40])
    by_units(data, rnd, c["Bob"], clps[30:59])
    by_units(data, rnd, c["Bob"], [unions[0], unions[1], data.societies[0]])
    # Cat: 19 MPs (one short of 20) and plenty of CLPs.
    by_mps(data, rnd, c["Cat"], mps[40:59])
    by_units(data, rnd, c["Cat"], clps[60:100])
    # Dan: 25 MPs, 29 CLPs, three affiliates but only one union.
    by_mps(data, rnd, c["Dan"], mps[60:85])
    by_units(data, rnd, c["Dan"], clps[100:129])
    by_units(data, rnd, c["Dan"], [unions[2], data.societies[1], data.societies[2]])

    board = tracker(round=rnd)
    assert board.qualified == ["Ann", "Bob"]
    ann, bob, cat, dan = (row(board, n) for n in ("Ann", "Bob", "Cat", "Dan"))
    assert [(t.term, t.passed, t.have, t.need) for t in ann.terms[:2]] == [
        ("mp >= 10%", True, "20", "20"), ("clp >= 5%", True, "30", "30")]
    assert "10% of 200 is 20, rounded up to 20" in ann.terms[0].working
    assert not bob.terms[1].passed and bob.terms[1].still_needed == 1 and bob.terms[2].passed
    assert "2 of kind union (need 2)" in bob.terms[2].working and "of 3,000,000" in bob.terms[2].working
    assert not cat.qualified and cat.terms[0].still_needed == 1 and cat.terms[1].passed
    assert not dan.qualified and "1 of kind union (need 2)" in dan.terms[2].working

    past_close(rnd)
    ns.close_round(round=rnd, actor=data.officer)
    assert rnd.closing_record["qualified"] == ["Ann", "Bob"]
    assert ns.confirm_qualified(round=rnd, actor=data.officer) == ["Ann", "Bob"]
    assert list(ballot.candidates.values_list("name", flat=True)) == ["Ann", "Bob"]
    actions = list(AuditEntry.objects.filter(subject=f"round:{rnd.pk}").values_list("action", flat=True))
    assert actions.count("nominations.nominate") == 20 + 30 + 20 + 29 + 3 + 19 + 40 + 25 + 29 + 3
    assert "nominations.round.close" in actions and "nominations.round.confirm" in actions
    close = AuditEntry.objects.get(subject=f"round:{rnd.pk}", action="nominations.round.close")
    assert close.details["candidates"][0]["terms"][0]["working"].startswith("20 of 200 mp")


def test_a_share_of_a_scoped_group_is_rounded_up(data):
    region = data.clps[0].parent  # 50 constituencies: 5% is 2.5, so 3 are needed
    rnd, c = make_round(data, rule="clp >= 5%", scope=region, groups=["clp"])
    in_region = [u for u in data.clps if u.parent_id == region.pk]
    assert len(in_region) == 50
    by_units(data, rnd, c["Ann"], in_region[:2])
    by_units(data, rnd, c["Bob"], in_region[2:5])
    board = tracker(round=rnd)
    assert board.qualified == ["Bob"]
    assert "5% of 50 is 2.5, rounded up to 3" in row(board, "Ann").terms[0].working
    with pytest.raises(NotEligible, match="not within"):
        by_units(data, rnd, c["Ann"], [data.clps[1]])  # a constituency of another region


def test_a_nominator_who_leaves_the_group_no_longer_counts(data):
    rnd, c = make_round(data, rule="mp >= 10%", groups=["mp"])
    by_mps(data, rnd, c["Ann"], data.mps[:20])
    assert tracker(round=rnd).qualified == ["Ann"]
    ns.leave_group(group=data.plp, member=data.mps[0], actor=data.officer)
    board = tracker(round=rnd)
    ann = row(board, "Ann")
    # 19 counting nominations; the group is now 199, and 10% of 199 (19.9) rounds up to 20.
    assert (ann.terms[0].have, ann.terms[0].need, ann.qualified) == ("19", "20", False)
    assert ann.not_counted == ("MP 0 is no longer in the group",)
    assert Nomination.objects.filter(round=rnd, member=data.mps[0], withdrawn_at__isnull=True).exists()
    with pytest.raises(NotEligible, match="not a member"):
        by_mps(data, rnd, c["Bob"], [data.mps[0]])


def test_a_withdrawn_nomination_stops_counting_and_frees_the_nominator(data):
    rnd, c = make_round(data, rule="mp >= 2", groups=["mp"])
    by_mps(data, rnd, c["Ann"], data.mps[:2])
    assert tracker(round=rnd).qualified == ["Ann"]
    nom = Nomination.objects.get(round=rnd, member=data.mps[0])
    ns.withdraw_nomination(nomination=nom, actor=data.officer, reason="changed mind")
    board = tracker(round=rnd)
    assert board.qualified == [] and board.withdrawn == 1
    by_mps(data, rnd, c["Bob"], [data.mps[0]])  # the nominator may now nominate someone else
    assert row(tracker(round=rnd), "Bob").nominations == 1
    with pytest.raises(NominationError, match="already been withdrawn"):
        ns.withdraw_nomination(nomination=nom, actor=data.officer)
    entry = AuditEntry.objects.get(action="nominations.withdraw")
    assert entry.details == {"candidate": "Ann", "nominator": "MP 0 (MP000)", "reason": "changed mind"}


def test_a_withdrawn_candidate_frees_their_nominators(data):
    rnd, c = make_round(data, rule="mp >= 1", groups=["mp"])
    by_mps(data, rnd, c["Ann"], data.mps[:3])
    ns.withdraw_candidate(candidate=c["Ann"], actor=data.officer)
    assert [r.candidate for r in tracker(round=rnd).rows] == ["Bob", "Cat", "Dan"]
    by_mps(data, rnd, c["Bob"], data.mps[:3])
    with pytest.raises(NominationError, match="has withdrawn"):
        by_mps(data, rnd, c["Ann"], data.mps[3:4])


def test_an_empty_group_needs_nobody_for_a_share(data):
    empty = ns.create_group(organisation=data.org, code="eplp", name="EPLP", actor=data.officer)
    now = timezone.now()
    rnd = ns.create_round(organisation=data.org, title="Empty", rule="mp >= 10%", actor=data.officer,
                          parliamentary_group=empty, opens_at=now, closes_at=now + dt.timedelta(days=1))
    ns.add_candidate(round=rnd, name="Ann", actor=data.officer)
    ns.open_round(round=rnd, actor=data.officer)
    ann = row(tracker(round=rnd), "Ann")
    assert ann.qualified and ann.terms[0].working == "0 of 0 mp; 10% of 0 is 0, rounded up to 0"


class TestBadInputChangesNothing:
    def snapshot(self):
        return Nomination.objects.count(), AuditEntry.objects.count()

    def test_a_nomination_after_the_close(self, data):
        rnd, c = make_round(data)
        past_close(rnd)
        before = self.snapshot()
        with pytest.raises(RoundClosed, match="closed at"):
            by_mps(data, rnd, c["Ann"], data.mps[:1])
        assert self.snapshot() == before
        ns.close_round(round=rnd, actor=data.officer)
        with pytest.raises(RoundClosed, match="not open"):
            by_units(data, rnd, c["Ann"], data.clps[:1])
        with pytest.raises(NominationError, match="it is closed"):
            ns.close_round(round=rnd, actor=data.officer)

    def test_a_round_cannot_close_before_its_time(self, data):
        rnd, _ = make_round(data)
        with pytest.raises(NominationError, match="run until"):
            ns.close_round(round=rnd, actor=data.officer)

    def test_duplicate_nominators(self, data):
        rnd, c = make_round(data)
        by_mps(data, rnd, c["Ann"], data.mps[:1])
        by_units(data, rnd, c["Ann"], data.clps[:1])
        before = self.snapshot()
        with pytest.raises(DuplicateNomination, match=r"MP 0 \(MP000\) has already nominated Ann"):
            by_mps(data, rnd, c["Bob"], data.mps[:1])
        with pytest.raises(DuplicateNomination, match=r"Constituency 0 \(CLP000\) has already nominated Ann"):
            by_units(data, rnd, c["Ann"], data.clps[:1])
        assert self.snapshot() == before

    def test_unknown_and_ineligible_units(self, data):
        rnd, c = make_round(data, rule="mp >= 10%", groups=["mp"])
        other = ms.create_organisation(name="Other", slug="other", actor=SystemActor("setup"))
        stranger = ms.create_unit(organisation=other, code="X", name="Elsewhere", kind="constituency")
        before = self.snapshot()
        with pytest.raises(NotEligible, match="not a unit of Generated Party"):
            by_units(data, rnd, c["Ann"], [stranger])
        with pytest.raises(NotEligible, match="do not nominate"):
            by_units(data, rnd, c["Ann"], data.clps[:1])
        outsider = ms.create_member(organisation=data.org, membership_number="X1", name="Not an MP",
                                    unit=data.clps[0], joined_on=TODAY, audit=False)
        with pytest.raises(NotEligible, match="not a member of Parliamentary Labour Party"):
            by_mps(data, rnd, c["Ann"], [outsider])
        assert self.snapshot() == before

    def test_a_unit_nomination_needs_a_carried_meeting_vote(self, data):
        rnd, c = make_round(data)
        before = self.snapshot()
        with pytest.raises(NominationError, match="record Constituency 0's meeting"):
            ns.nominate(round=rnd, candidate=c["Ann"], unit=data.clps[0], actor=data.officer)
        with pytest.raises(NominationError, match="did not carry"):
            ns.nominate(round=rnd, candidate=c["Ann"], unit=data.clps[0], actor=data.officer,
                        meeting_date=TODAY, votes_for=10, votes_against=10)
        assert self.snapshot() == before
        nom = ns.nominate(round=rnd, candidate=c["Ann"], unit=data.clps[0], actor=data.officer,
                          meeting_date=TODAY, votes_for=11, votes_against=10, abstentions=3)
        assert (nom.votes_for, nom.votes_against, nom.abstentions, nom.meeting_date) == (11, 10, 3, TODAY)

    @pytest.mark.parametrize(("rule", "message"), [
        ("mp >= ", "expected a number or a percentage at the end"),
        ("mp > 10%", "cannot read the rule at column 3"),
        ("mp >= 10% and", "expected a group name"),
        ("affiliates(union >= 2)", "expected a number or a percentage at column 12"),
        ("", "the rule is empty"),
    ])
    def test_malformed_rule_expressions(self, data, rule, message):
        before = (NominationRound.objects.count(), AuditEntry.objects.count())
        now = timezone.now()
        with pytest.raises(NominationError, match="the ballot-access rule is malformed: .*" + message):
            ns.create_round(organisation=data.org, title="Bad", rule=rule, actor=data.officer,
                            parliamentary_group=data.plp, opens_at=now, closes_at=now + dt.timedelta(days=1))
        assert (NominationRound.objects.count(), AuditEntry.objects.count()) == before

    def test_a_rule_naming_a_group_that_may_not_nominate(self, data):
        now = timezone.now()
        with pytest.raises(NominationError, match="counts nominations from clp"):
            ns.create_round(organisation=data.org, title="Bad", rule="2018", groups=["mp", "affiliate"],
                            actor=data.officer, parliamentary_group=data.plp, opens_at=now,
                            closes_at=now + dt.timedelta(days=1))


def test_affiliated_membership_is_compared_exactly_on_the_platform(db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    gensec = get_user_model().objects.create_user("gs", "gs@example.org", is_staff=True)
    gensec.user_permissions.add(Permission.objects.get(codename="run_nominations"))
    org = ms.create_organisation(name="P", slug="p", actor=SystemActor("setup"))
    sizes = {"U1": ("union", 30_000), "U2": ("union", 15_000), "S1": ("society", 5_000), "S2": ("society", 4_999),
             "BIG": ("union", 945_001)}
    affs = {code: ms.create_unit(organisation=org, code=code, name=code, kind="affiliate", affiliate_kind=k,
                                 affiliated_members=n) for code, (k, n) in sizes.items()}
    now = timezone.now()
    rnd = ns.create_round(organisation=org, title="R", rule="affiliates(3, union >= 2, members >= 5%)",
                          actor=gensec, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=1))
    ann = ns.add_candidate(round=rnd, name="Ann", actor=gensec)
    bob = ns.add_candidate(round=rnd, name="Bob", actor=gensec)
    ns.open_round(round=rnd, actor=gensec)
    assert group_sizes(round=rnd)["affiliate_members"] == 1_000_000
    for code in ("U1", "U2", "S1"):
        ns.nominate(round=rnd, candidate=ann, unit=affs[code], actor=gensec, meeting_date=TODAY, votes_for=2,
                    votes_against=0)
    assert tracker(round=rnd).qualified == ["Ann"]  # 50,000 of 1,000,000: exactly 5%
    ns.withdraw_nomination(nomination=Nomination.objects.get(unit=affs["S1"]), actor=gensec, reason="mandate")
    ns.nominate(round=rnd, candidate=ann, unit=affs["S2"], actor=gensec, meeting_date=TODAY, votes_for=2,
                votes_against=0)
    ann_row = row(tracker(round=rnd), "Ann")
    assert not ann_row.qualified
    assert "49,999 affiliated members of 1,000,000 (need 5% = 50,000)" in ann_row.terms[0].working
    ns.nominate(round=rnd, candidate=bob, unit=affs["S1"], actor=gensec, meeting_date=TODAY, votes_for=2,
                votes_against=0)
    assert "1 affiliate (need 3)" in row(tracker(round=rnd), "Bob").terms[0].working


def test_running_nominations_takes_the_permission_not_just_a_staff_account(db):
    """Scrutineers and member-voice officers are staff (for the admin); that must not let them run nominations."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from omov.nominations.errors import NominationError

    org = ms.create_organisation(name="P", slug="p", actor=SystemActor("setup"))
    now = timezone.now()
    staff = get_user_model().objects.create_user("staff", "s@example.org", is_staff=True)
    with pytest.raises(NominationError, match="only a nominations officer can do that"):
        ns.create_round(organisation=org, title="R", rule="clp >= 1", actor=staff, opens_at=now,
                        closes_at=now + dt.timedelta(days=1))  # fmt: skip
    staff.user_permissions.add(Permission.objects.get(codename="run_nominations"))
    staff = get_user_model().objects.get(pk=staff.pk)  # permissions are cached on the user object
    assert ns.create_round(organisation=org, title="R", rule="clp >= 1", actor=staff, opens_at=now,
                           closes_at=now + dt.timedelta(days=1)).title == "R"  # fmt: skip
    staff.is_active = False
    assert not ns.is_nominations_officer(staff)
