"""The demo's member voice (omov.demo.voice) at a tenth of the demo's size: what a member, the public and an
officer see on the pages, and what the selectors say about thresholds and the moderation queue."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from omov.audit.models import AuditEntry
from omov.demo import DEMO_MEMBER, DemoContext, seed
from omov.demo import voice as dv
from omov.members.models import Member
from omov.members.services import user_for_member
from omov.voice import selectors as sel
from omov.voice.models import Comment, Consultation, Motion
from tests.demo.demo_support import demo_context

pytestmark = pytest.mark.slow

HELD_TEXTS = ["clueless idiot", "bit.ly", "useless idiot", "People like you should never"]


@dataclass
class Seeded:
    lines: list[str]
    ctx: DemoContext
    member: Member  # the demo member, 100001

    def motion(self, title: str) -> Motion:
        return Motion.objects.get(organisation=self.ctx.org, title=title)

    def consultation(self, title: str) -> Consultation:
        return Consultation.objects.get(organisation=self.ctx.org, title=title)

    def client_as_member(self) -> Client:
        client = Client()
        client.force_login(user_for_member(member=self.member))
        return client

    def client_as_officer(self) -> Client:
        client = Client()
        client.force_login(self.ctx.officer)
        return client


@pytest.fixture
def seeded(tmp_path, db) -> Seeded:
    lines = seed(data=tmp_path, members=300).splitlines()  # demo.py seeds member voice with the rest
    ctx = demo_context(tmp_path)
    member = Member.objects.get(organisation=ctx.org, membership_number=DEMO_MEMBER)
    return Seeded(lines=lines, ctx=ctx, member=member)


def test_the_summary_counts_motions_consultations_and_the_moderation_queue(seeded):
    text = "\n".join(seeded.lines)
    assert "Member voice (North region): 4 motions: one has reached its support threshold" in text
    assert "one is gathering support" in text and "composite of two housing motions" in text
    manifesto = seeded.consultation(dv.MANIFESTO_TITLE)
    assert f"/voice/consultations/{manifesto.pk}/results/" in text
    waiting = Comment.objects.filter(status__in=["held", "spam"]).count()
    assert f"{waiting} waiting in the moderation queue" in text and waiting >= 3


def test_everything_went_through_the_services_as_members_and_the_officer(seeded):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    for action in [
        "voice.officer.appoint",
        "voice.threshold",
        "voice.role",
        "motion.publish",
        "motion.support",
        "motion.qualified",
        "motion.composite",
        "consultation.answer",
        "consultation.published",
        "comment.post",
        "comment.edit",
        "comment.report",
        "comment.moderate.reject",
    ]:
        assert action in actions, action
    # Members act as the users they sign in as, so the audit log names their accounts.
    posters = AuditEntry.objects.filter(action="comment.post").values_list("actor", flat=True)
    assert posters and all(not a.startswith("member:") for a in posters)
    assert all(c.author.user_id for c in Comment.objects.select_related("author"))
    decision = AuditEntry.objects.get(action="comment.moderate.reject")
    assert decision.actor == "returning.officer" and decision.details["abusive"] is True


def test_one_motion_reached_its_threshold_and_one_is_gathering_support_for_the_demo_member(seeded):
    mine = {m.title: m for m in sel.motions_for_member(member=seeded.member)}
    shortlists, buses = mine[dv.SHORTLISTS_TITLE], mine[dv.BUSES_TITLE]
    assert shortlists.state == Motion.State.QUALIFIED and shortlists.supporters >= shortlists.threshold >= 1
    assert shortlists.i_support == 1  # the demo member already supports it
    assert buses.state == Motion.State.SUPPORT and buses.supporters < buses.threshold
    assert buses.i_support == 0  # left for the demo member
    amendment = mine[dv.AMENDMENT_TITLE]
    assert amendment.kind == Motion.Kind.AMENDMENT and amendment.amends_id == buses.pk
    composite = mine[dv.COMPOSITE_TITLE]
    assert composite.kind == Motion.Kind.COMPOSITE and composite.composited_from.count() == 2
    assert {m.state for m in composite.composited_from.all()} == {Motion.State.COMPOSITED}


def test_the_member_sees_motions_consultations_and_discussion_without_held_comments(seeded):
    client = seeded.client_as_member()
    index = client.get("/voice/")
    html = index.content.decode()
    assert index.status_code == 200
    for title in [dv.SHORTLISTS_TITLE, dv.BUSES_TITLE, dv.AMENDMENT_TITLE, dv.CONFERENCE_TITLE, dv.MANIFESTO_TITLE]:
        assert title in html, title
    assert "you support it" in html and "reached the threshold" in html and "collecting support" in html

    shortlists = seeded.motion(dv.SHORTLISTS_TITLE)
    page = client.get(f"/voice/motions/{shortlists.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hustings without the shortlist published in advance" in html  # an ordinary comment
    assert "Hell yes" in html  # held by the classifier, approved by the officer
    assert "Earlier versions (1)" in html  # an edited comment keeps its history
    assert "You support this motion." in html
    assert not any(held in html for held in HELD_TEXTS)
    assert "awaiting review" not in html

    buses = client.get(f"/voice/motions/{seeded.motion(dv.BUSES_TITLE).pk}/").content.decode()
    assert "Support this motion" in buses and dv.AMENDMENT_TITLE in buses and "Has anyone costed this?" in buses

    conference = seeded.consultation(dv.CONFERENCE_TITLE)
    page = client.get(f"/voice/consultations/{conference.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Send my answers" in html and "Your answers are anonymous" in html
    assert "please make sure there is a creche" in html
    assert client.get(f"/voice/consultations/{conference.pk}/results/").status_code == 404  # not published

    candidate_thread = Comment.objects.filter(thread__kind="candidate").first()
    assert candidate_thread is not None
    page = client.get(f"/voice/candidates/{candidate_thread.thread.candidate_id}/")
    assert page.status_code == 200 and "private renters" in page.content.decode()
    assert client.get("/voice/moderation/abuse/").status_code == 403  # officers only


def test_published_results_are_public_with_charts(seeded):
    manifesto = seeded.consultation(dv.MANIFESTO_TITLE)
    assert manifesto.state == Consultation.State.PUBLISHED and manifesto.responses.count() >= 5
    page = Client().get(f"/voice/consultations/{manifesto.pk}/results/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"{manifesto.responses.count()} responses" in html
    for n in (1, 2, 3, 4):
        assert f'id="chart-q{n}"' in html
    assert dv.PLEDGES[0] in html and "First choices" in html
    results = sel.consultation_results(consultation=manifesto)
    assert sum(results[0].first_choices) == manifesto.responses.count()  # the ranking was required
    assert results[4].texts and set(results[4].texts) <= set(dv.MANIFESTO_TEXTS)


def test_the_officer_has_a_moderation_queue_abuse_statistics_and_live_results(seeded):
    queue = {c.body: c for c in Comment.objects.filter(status__in=["held", "spam"])}
    bodies = " ".join(queue)
    assert "useless idiot" in bodies and "bit.ly" in bodies and "People like you" in bodies
    by_body = {c.body[:20]: c for c in queue.values()}
    assert any("reported" in c.reasons and c.reports_count >= 3 for c in by_body.values())
    # The link-shortener spam is kept out of the discussion: with the corpus-trained model (issue 13) it is held for
    # a moderator on its rule evidence rather than marked spam outright; either way it is not accepted.
    spam = [c for c in by_body.values() if "links:shortener" in c.reasons]
    assert spam and all(c.status in ("spam", "held") for c in spam)
    councillor = seeded.motion(dv.SHORTLISTS_TITLE).proposer
    insult = Comment.objects.get(body__startswith="You are a clueless idiot")
    assert insult.status == "rejected" and insult.confirmed_abusive and insult.target_member == councillor
    assert insult.target_role == "representative"

    rows = sel.abuse_statistics(organisation=seeded.ctx.org)
    assert any(r.target == councillor.name and r.confirmed == 1 for r in rows)
    client = seeded.client_as_officer()
    abuse = client.get("/voice/moderation/abuse/")
    html = abuse.content.decode()
    assert abuse.status_code == 200 and councillor.name in html and "representative" in html

    admin = client.get("/admin/voice/comment/?status__exact=held")
    assert admin.status_code == 200 and "useless idiot" in admin.content.decode()
    answers = client.get("/admin/voice/answer/")
    assert answers.status_code == 200 and "crypto signals" in answers.content.decode()

    conference = seeded.consultation(dv.CONFERENCE_TITLE)
    live = client.get(f"/voice/consultations/{conference.pk}/results/")
    assert live.status_code == 200 and "Not published yet" in live.content.decode()
    qualified = client.get(f"/voice/motions/{seeded.motion(dv.SHORTLISTS_TITLE).pk}/")
    assert "Put to a member vote" in qualified.content.decode()
