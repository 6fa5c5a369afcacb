"""Member voice is an organisation's own business: another organisation's members do not read its pages or
report its comments, and a member-voice officer's admin shows only the units they look after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from omov.core.actors import SystemActor
from omov.members import services as ms
from omov.members.services import user_for_member
from omov.voice import services as vs
from omov.voice.models import Comment, Report, Support


class Other:
    """A second organisation: one branch, a member and the branch's member-voice officer."""

    def __init__(self, world) -> None:
        self.org = ms.create_organisation(name="Other Party", slug="other", actor=SystemActor("setup"))
        self.branch = ms.create_unit(organisation=self.org, code="X1", name="Elsewhere", kind="branch")
        self.member = ms.create_member(
            organisation=self.org,
            membership_number="X001",
            name="Outsider",
            email="x1@example.net",
            unit=self.branch,
            joined_on=dt.date(2020, 1, 1),
            audit=False,
        )
        self.officer = get_user_model().objects.create_user("xo", "xo@example.net")
        vs.appoint_voice_officer(user=self.officer, unit=self.branch, actor=world.admin)


@pytest.fixture
def home(voice, make_motion):
    """The world's member voice: a motion and a consultation, each with an accepted comment, a text answer
    waiting for moderation, a public role, and a consultation whose results are published."""
    motion = make_motion(title="Better buses in B one")
    motion_comment = vs.post_comment(
        thread=vs.thread_for_motion(motion=motion), author=voice.members[1], body="Home comment on the buses."
    )
    c = vs.create_consultation(
        organisation=voice.org,
        title="Home consultation on parks",
        actor=voice.officer,
        unit=voice.c1,
        closes_at=timezone.now() + dt.timedelta(days=3),
    )
    vs.add_question(consultation=c, actor=voice.officer, kind="text", text="What about the parks?")
    vs.set_consultation_electorate(consultation=c, actor=voice.officer, units=[voice.c1])
    vs.open_consultation(consultation=c, actor=voice.officer)
    vs.answer_consultation(consultation=c, member=voice.members[2], answers={1: "Homegrown answer text"})
    consult_comment = vs.post_comment(
        thread=vs.thread_for_consultation(consultation=c), author=voice.members[1], body="Home comment on parks."
    )
    vs.set_public_role(
        member=voice.members[5], role="representative", title="Home councillor title", actor=voice.officer
    )
    assert motion_comment.status == consult_comment.status == Comment.Status.ACCEPTED
    return {"motion": motion, "consultation": c, "comments": [motion_comment, consult_comment]}


@pytest.fixture
def other(voice):
    return Other(voice)


def test_another_organisations_member_cannot_read_or_report_or_support(voice, home, other):
    client = Client()
    client.force_login(user_for_member(member=other.member))
    motion, c = home["motion"], home["consultation"]
    assert client.get(f"/voice/motions/{motion.pk}/").status_code == 404
    assert client.get(f"/voice/consultations/{c.pk}/").status_code == 404
    assert client.get(f"/voice/motions/new/?amends={motion.pk}").status_code == 404
    assert client.post(f"/voice/motions/{motion.pk}/support/").status_code == 404
    assert not Support.objects.filter(member=other.member).exists()
    for comment in home["comments"]:
        response = client.post(f"/voice/comments/{comment.pk}/report/", {"reason": "abuse", "note": "x"})
        assert response.status_code == 404
        response = client.post(f"/voice/threads/{comment.thread_id}/comments/", {"body": "Hello from elsewhere."})
        assert response.status_code == 404
    assert not Report.objects.exists()
    assert not Comment.objects.filter(author=other.member).exists()
    index = client.get("/voice/").content.decode()
    assert "Better buses" not in index and "Home consultation" not in index


def test_another_organisations_member_does_not_see_its_candidates_discussion(voice, other):
    ballot = voice.ballot("irv")
    candidate = ballot.candidates.first()
    client = Client()
    client.force_login(user_for_member(member=other.member))
    assert client.get(f"/voice/candidates/{candidate.pk}/").status_code == 404
    client.force_login(user_for_member(member=voice.members[0]))
    assert client.get(f"/voice/candidates/{candidate.pk}/").status_code == 200


def test_the_organisations_own_members_still_read_and_report(voice, home):
    client = Client()
    client.force_login(user_for_member(member=voice.members[3]))
    assert client.get(f"/voice/motions/{home['motion'].pk}/").status_code == 200
    assert client.get(f"/voice/consultations/{home['consultation'].pk}/").status_code == 200
    comment = home["comments"][0]
    assert client.post(f"/voice/comments/{comment.pk}/report/", {"reason": "abuse"}).status_code == 302
    assert Report.objects.count() == 1


ADMIN_PAGES = [
    "/admin/voice/comment/",
    "/admin/voice/answer/",
    "/admin/voice/consultation/",
    "/admin/voice/motion/",
    "/admin/voice/motionthreshold/",
    "/admin/voice/voiceofficer/",
    "/admin/voice/publicrole/",
    "/admin/voice/motionthreshold/add/",
    "/admin/voice/publicrole/add/",
    "/admin/voice/consultation/add/",
]


def test_an_officer_of_another_organisations_unit_sees_none_of_it_in_the_admin(voice, home, other):
    client = Client()
    client.force_login(other.officer)
    secrets = [
        "Better buses",
        "Home comment",
        "Homegrown answer",
        "Home consultation",
        "Home councillor",
        "B one",
        "C one",
        "Member 5",
        "Test Party",
    ]
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert not [s for s in secrets if s in text], (url, [s for s in secrets if s in text])
    c = home["consultation"]
    assert client.get(f"/admin/voice/consultation/{c.pk}/change/", follow=True).redirect_chain  # "doesn't exist"
    answer_page = client.get(f"/admin/voice/answer/{c.questions.get().answers.get().pk}/change/", follow=True)
    assert "Homegrown answer" not in answer_page.content.decode()


def test_the_organisations_own_officer_still_sees_it_in_the_admin(voice, home):
    client = Client()
    client.force_login(voice.officer)
    assert "Homegrown answer" in client.get("/admin/voice/answer/").content.decode()
    assert "Home consultation" in client.get("/admin/voice/consultation/").content.decode()
    assert "Home councillor" in client.get("/admin/voice/publicrole/").content.decode()
    assert "B one" in client.get("/admin/voice/motionthreshold/").content.decode()
