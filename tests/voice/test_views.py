"""The member-voice pages through Django's test client: supporting a motion, answering a consultation,
posting, reporting and moderating a comment (admin queue), the abuse statistics, and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from omov.ballots.models import Ballot
from omov.voice import services as vs
from omov.voice.models import Comment, Consultation, Motion, Participation, Response


@pytest.fixture
def consultation(voice):
    c = vs.create_consultation(
        organisation=voice.org,
        title="Buses",
        actor=voice.officer,
        unit=voice.c1,
        closes_at=timezone.now() + dt.timedelta(days=3),
    )
    vs.add_question(
        consultation=c, actor=voice.officer, kind="single", text="More buses?", options=["Yes", "No"], required=True
    )
    vs.add_question(consultation=c, actor=voice.officer, kind="ranking", text="Rank", options=["A", "B", "C"])
    vs.add_question(consultation=c, actor=voice.officer, kind="text", text="Why?")
    vs.set_consultation_electorate(consultation=c, actor=voice.officer, units=[voice.c1])
    vs.open_consultation(consultation=c, actor=voice.officer)
    return c


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_drafting_and_publishing_a_motion_through_the_form(voice, as_member):
    client = as_member(0)
    page = client.get("/voice/motions/new/")
    assert page.status_code == 200 and "Propose a motion" in page.content.decode()
    bad = client.post("/voice/motions/new/", {"unit": voice.b1.pk, "title": "", "text": "x", "publish": "1"})
    assert bad.status_code == 400 and "needs a title" in bad.content.decode()
    ok = client.post(
        "/voice/motions/new/", {"unit": voice.b1.pk, "title": "Buses", "text": "More buses.", "publish": "1"}
    )
    motion = Motion.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/voice/motions/{motion.pk}/"
    assert motion.state == Motion.State.SUPPORT


def test_supporting_twice_and_withdrawing_through_the_page(voice, make_motion, as_member):
    motion = make_motion()
    client = as_member(1)
    page = client.get(f"/voice/motions/{motion.pk}/")
    text = page.content.decode()
    assert "Support this motion" in text and "0</strong> supporters (3 needed)" in text
    r = client.post(f"/voice/motions/{motion.pk}/support/", follow=True)
    assert "You support this motion" in r.content.decode() and "1</strong> supporter (3 needed)" in r.content.decode()
    r = client.post(f"/voice/motions/{motion.pk}/support/", follow=True)
    assert "you already support this motion" in messages_of(r)
    r = client.post(f"/voice/motions/{motion.pk}/unsupport/", follow=True)
    assert "Your support is withdrawn." in messages_of(r) and motion.supports.count() == 0
    outsider = as_member(10)  # branch B2
    r = outsider.post(f"/voice/motions/{motion.pk}/support/", follow=True)
    assert any("only members of B one" in m for m in messages_of(r)) and motion.supports.count() == 0


def test_an_officer_puts_a_qualified_motion_to_a_vote_in_two_clicks(voice, make_motion, client):
    motion = make_motion()
    for m in voice.members[1:4]:
        vs.support_motion(motion=motion, member=m)
    client.force_login(voice.officer)
    page = client.get(f"/voice/motions/{motion.pk}/")
    assert "Put to a member vote" in page.content.decode()
    assert client.get(f"/voice/motions/{motion.pk}/vote/").status_code == 200  # click one
    r = client.post(f"/voice/motions/{motion.pk}/vote/", {"days": "5"})  # click two
    ballot = Ballot.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/ballots/{ballot.pk}/"
    assert ballot.closes_at - ballot.opens_at == dt.timedelta(days=5)


def test_the_page_says_answers_are_anonymous_before_the_form(voice, consultation, as_member):
    html = as_member(1).get(f"/voice/consultations/{consultation.pk}/").content.decode()
    assert html.index("Your answers are anonymous") < html.index('<form method="post" id="consultation-form"')


def test_answering_and_editing_a_consultation_through_the_page(voice, consultation, as_member):
    client = as_member(1)
    url = f"/voice/consultations/{consultation.pk}/"
    r = client.post(url, {"q1": "0", "q2_0": "2", "q2_1": "1", "q3": "Because the 42 is always late."})
    assert r.status_code == 200 and "Thank you for answering" in r.content.decode()
    key = r.context["key"]
    assert client.cookies[f"omov_consultation_{consultation.pk}"].value == key
    page = client.get(url).content.decode()
    assert "You have answered" in page and f'value="{key}"' in page  # the browser remembers the key
    r = client.post(url, {"q1": "1"})
    assert r.status_code == 400 and "edit key" in r.content.decode()
    r = client.post(url, {"q1": "1", "key": key})
    assert r.status_code == 200 and "Your answers are changed" in r.content.decode()
    assert Response.objects.count() == 1 and Participation.objects.count() == 1
    r = client.post(url, {"q1": "0", "q2_0": "1", "q2_1": "1", "key": key})
    assert r.status_code == 400 and "different rank" in r.content.decode()


def test_outside_the_electorate_and_after_the_close(voice, consultation, as_member):
    client = as_member(9)  # B2 is not under C1
    url = f"/voice/consultations/{consultation.pk}/"
    assert "You are not in the electorate" in client.get(url).content.decode()
    r = client.post(url, {"q1": "0"})
    assert r.status_code == 400 and "not in the electorate" in r.content.decode()
    vs.close_consultation(consultation=consultation, actor=voice.officer)
    r = as_member(1).post(url, {"q1": "0"})
    assert r.status_code == 400 and "closed" in r.content.decode()


def test_results_page_with_chart_data_and_csv_once_published(voice, consultation, as_member, client):
    vs.answer_consultation(consultation=consultation, member=voice.members[1], answers={1: 0, 2: [1, 0]})
    vs.answer_consultation(consultation=consultation, member=voice.members[2], answers={1: 1, 3: "Fine"})
    client.logout()
    assert client.get(f"/voice/consultations/{consultation.pk}/results/").status_code == 404
    vs.close_consultation(consultation=consultation, actor=voice.officer)
    vs.publish_consultation(consultation=consultation, actor=voice.officer)
    html = client.get(f"/voice/consultations/{consultation.pk}/results/").content.decode()
    assert 'id="voice-charts"' in html and "chart.umd.min.js" in html and "2 responses" in html
    assert "Fine" in html
    rows = list(
        csv.reader(io.StringIO(client.get(f"/voice/consultations/{consultation.pk}/results.csv").content.decode()))
    )
    assert ["1", "single", "Yes", "1", "", "", ""] in rows and ["2", "ranking", "B", "1", "1", "1.0", ""] in rows


def test_posting_a_comment_escapes_html_and_script(voice, make_motion, as_member):
    motion = make_motion()
    thread = vs.thread_for_motion(motion=motion)
    client = as_member(1)
    r = client.post(
        f"/voice/threads/{thread.pk}/comments/", {"body": "I <b>really</b> support this & more"}, follow=True
    )
    html = r.content.decode()
    assert "Your comment is posted." in messages_of(r)
    assert "I &lt;b&gt;really&lt;/b&gt; support this &amp; more" in html and "<b>really</b>" not in html
    r = client.post(f"/voice/threads/{thread.pk}/comments/", {"body": "<script>alert('x')</script>"}, follow=True)
    html = r.content.decode()
    assert "awaiting review" in messages_of(r)[0]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "only you can see it" in html
    other = as_member(2).get(f"/voice/motions/{motion.pk}/").content.decode()
    assert "alert(" not in other  # held comments are not shown to others
    r = client.post(f"/voice/threads/{thread.pk}/comments/", {"body": "   "})
    assert r.status_code == 400 and "A comment cannot be empty" in r.content.decode()
    r = client.post(f"/voice/threads/{thread.pk}/comments/", {"body": "x" * 6000})
    assert r.status_code == 400 and "at most 5000 characters" in r.content.decode()
    assert Comment.objects.count() == 2


def test_reporting_a_comment_through_the_page(voice, make_motion, as_member):
    thread = vs.thread_for_motion(motion=make_motion())
    c = vs.post_comment(thread=thread, author=voice.members[1], body="An ordinary comment.")
    client = as_member(2)
    r = client.post(f"/voice/comments/{c.pk}/report/", {"reason": "abuse", "note": "rude"}, follow=True)
    assert any("reported" in m for m in messages_of(r))
    r = client.post(f"/voice/comments/{c.pk}/report/", {"reason": "abuse"}, follow=True)
    assert any("already reported" in m for m in messages_of(r))
    assert c.reports.count() == 1


def test_the_moderation_queue_in_the_admin(voice, make_motion, client):
    thread = vs.thread_for_motion(motion=make_motion())
    c = vs.post_comment(thread=thread, author=voice.members[1], body="You are a stupid idiot.")
    assert c.status == Comment.Status.HELD
    client.force_login(voice.officer)
    page = client.get("/admin/voice/comment/?status__exact=held&reason=abuse&score=abuse50")
    assert page.status_code == 200 and "You are a stupid idiot." in page.content.decode()
    assert client.get("/admin/voice/comment/?reason=flood").content.decode().count("stupid idiot") == 0
    mail.outbox.clear()
    decision = {"action": "reject", "_selected_action": [c.pk], "reason": "Personal abuse", "abusive": "on"}
    page = client.post("/admin/voice/comment/", decision)
    assert "Nothing has been done yet" in page.content.decode()  # a rejection is confirmed first
    assert Comment.objects.get(pk=c.pk).status == Comment.Status.HELD and not mail.outbox
    with mock.patch.object(transaction, "on_commit", lambda fn, *a, **k: fn()):
        r = client.post("/admin/voice/comment/", {**decision, "confirm": "yes"}, follow=True)
    assert r.status_code == 200
    c.refresh_from_db()
    assert c.status == Comment.Status.REJECTED and c.confirmed_abusive
    assert len(mail.outbox) == 1 and "Personal abuse" in mail.outbox[0].body
    r = client.post(
        "/admin/voice/comment/?queue=all", {"action": "approve", "_selected_action": [c.pk], "reason": ""}, follow=True
    )
    assert "Give a reason for the decision" in r.content.decode()
    client.force_login(voice.scrutineer)  # not a voice officer
    assert client.get("/admin/voice/comment/").status_code == 403


def test_comment_spam_waits_in_the_queue_under_its_own_reason_in_words(voice, make_motion, client):
    thread = vs.thread_for_motion(motion=make_motion())
    c = vs.post_comment(thread=thread, author=voice.members[1], body="Check out my channel youtube.com/@someone")
    assert c.status in (Comment.Status.HELD, Comment.Status.SPAM) and {"promo:self", "promo:link"} <= set(c.reasons)
    client.force_login(voice.officer)
    html = client.get("/admin/voice/comment/?queue=all&reason=promo").content.decode()
    assert "self-promotion: \u201cCheck out my channel\u201d" in html and "promotion with a link (youtube.com)" in html
    assert "Check out my channel" not in client.get("/admin/voice/comment/?queue=all&reason=flood").content.decode()


def test_the_abuse_statistics_page_and_csv(voice, make_motion, client, as_member):
    thread = vs.thread_for_motion(motion=make_motion())
    c = vs.post_comment(thread=thread, author=voice.members[1], body="The proposer is a lying idiot.")
    vs.moderate_comment(comment=c, actor=voice.officer, decision="reject", reason="abuse", abusive=True)
    assert as_member(2).get("/voice/moderation/abuse/").status_code == 403
    client.force_login(voice.officer)
    html = client.get("/voice/moderation/abuse/?period=month").content.decode()
    assert 'id="abuse-chart"' in html and 'id="abuse-series"' in html
    assert "Member 0" in html and "B one" in html
    rows = list(csv.reader(io.StringIO(client.get("/voice/moderation/abuse.csv").content.decode())))
    assert rows[0] == ["period_start", "target", "role", "unit", "held_for_abuse", "confirmed_abusive"]
    assert rows[1][1:] == ["Member 0", "member", "B one", "1", "1"]


def test_an_officer_creates_a_consultation_with_its_questions_in_the_admin(voice, client):
    client.force_login(voice.officer)
    assert client.get("/admin/voice/consultation/add/").status_code == 200
    form = {
        "organisation": voice.org.pk,
        "unit": voice.c1.pk,
        "title": "Parking",
        "description": "",
        "anonymous": "on",
        "closes_at_0": "2030-01-01",
        "closes_at_1": "12:00:00",
        "electorate_units": [voice.c1.pk],
        "freeze_date": "",
        "questions_spec": "single* | Charge for parking? | Yes; No\nlikert | Parking is easy\ntext | Why?",
    }
    bad = client.post("/admin/voice/consultation/add/", {**form, "questions_spec": "poll | Q | a; b"})
    assert bad.status_code == 200 and "unknown kind" in bad.content.decode()
    r = client.post("/admin/voice/consultation/add/", form)
    assert r.status_code == 302
    c = Consultation.objects.get(title="Parking")
    assert [(q.kind, q.required, len(q.options)) for q in c.questions.all()] == [
        ("single", True, 2),
        ("likert", False, 5),
        ("text", False, 0),
    ]
    assert list(c.electorate_units.all()) == [voice.c1] and c.anonymous
    from omov.audit.models import AuditEntry

    assert AuditEntry.objects.filter(subject=f"consultation:{c.pk}", action="consultation.question").count() == 3
    r = client.post("/admin/voice/consultation/", {"action": "open_", "_selected_action": [c.pk]}, follow=True)
    c.refresh_from_db()
    assert c.state == "open"


def test_pages_render_for_an_administrator_who_is_not_a_member(voice, make_motion, consultation, client):
    motion = make_motion()
    client.force_login(voice.admin)
    assert "not as a member" in client.get("/voice/").content.decode()
    page = client.get(f"/voice/motions/{motion.pk}/").content.decode()
    assert "Support this motion" not in page and "Discussion" in page
    page = client.get(f"/voice/consultations/{consultation.pk}/").content.decode()
    assert "Only members can answer" in page and "Put question 1 to a member vote" in page
    r = client.post(f"/voice/motions/{motion.pk}/support/", follow=True)
    assert any("not as a member" in m for m in messages_of(r))
    assert client.get("/voice/moderation/abuse/").status_code == 200


def test_an_officer_sees_the_motions_of_the_units_they_look_after_those_waiting_for_them_first(
    voice, make_motion, client
):
    from django.contrib.auth import get_user_model

    in_b2 = next(m for m in voice.members if m.unit_id == voice.b2.pk)
    vs.set_motion_threshold(unit=voice.b2, supporters=3, actor=voice.officer)
    gathering = make_motion(proposer=in_b2, unit=voice.b2, title="Night buses")
    qualified = make_motion(title="Better buses")
    for m in [m for m in voice.members if m.unit_id == voice.b1.pk and m != voice.members[0]][:3]:
        vs.support_motion(motion=qualified, member=m)
    vs.draft_motion(member=voice.members[0], unit=voice.b1, title="Unpublished idea", text="Not yet.")
    branch_officer = get_user_model().objects.create_user("b2.officer", is_staff=True)
    vs.appoint_voice_officer(user=branch_officer, unit=voice.b2, actor=voice.admin)

    client.force_login(voice.officer)  # looks after the whole region
    page = client.get("/voice/").content.decode()
    listed = page.split('id="officer-motions"')[1].split("</ul>")[0]
    assert listed.index("Better buses") < listed.index("Night buses") and "Unpublished idea" not in listed
    assert "waiting for you to put it to a vote" in listed.split("Night buses")[0]
    client.force_login(branch_officer)  # only branch B2
    listed = client.get("/voice/").content.decode().split('id="officer-motions"')[1].split("</ul>")[0]
    assert "Night buses" in listed and "Better buses" not in listed
    assert gathering.pk and qualified.pk


def test_a_unit_officer_sees_abuse_statistics_for_their_own_units_only(voice, make_motion, client):
    """The statistics name the people abuse was aimed at: an officer of C2 sees none of what was aimed at B1's
    members (under C1), cannot ask for C1 by its id, and is offered only their own units; the region's sees all."""
    from django.contrib.auth import get_user_model

    thread = vs.thread_for_motion(motion=make_motion())  # proposed by Member 0 of B1, under C1
    c = vs.post_comment(thread=thread, author=voice.members[1], body="The proposer is a lying idiot.")
    vs.moderate_comment(comment=c, actor=voice.officer, decision="reject", reason="abuse", abusive=True)
    c2_officer = get_user_model().objects.create_user("c2.officer", is_staff=True)
    vs.appoint_voice_officer(user=c2_officer, unit=voice.c2, actor=voice.admin)
    client.force_login(c2_officer)
    html = client.get("/voice/moderation/abuse/").content.decode()
    assert "Member 0" not in html and "B one" not in html
    assert f'<option value="{voice.c1.pk}"' not in html and f'<option value="{voice.c2.pk}"' in html
    assert client.get(f"/voice/moderation/abuse/?unit={voice.c1.pk}").status_code == 404
    assert "Member 0" not in client.get("/voice/moderation/abuse.csv").content.decode()
    client.force_login(voice.officer)  # officer of the region
    assert "Member 0" in client.get(f"/voice/moderation/abuse/?unit={voice.c1.pk}").content.decode()


def test_the_moderation_queue_opens_on_what_waits_for_a_decision(voice, make_motion, client):
    thread = vs.thread_for_motion(motion=make_motion())
    held = vs.post_comment(thread=thread, author=voice.members[1], body="You are a stupid idiot.")
    fine = vs.post_comment(thread=thread, author=voice.members[2], body="I support this: buses matter here.")
    assert (held.status, fine.status) == (Comment.Status.HELD, Comment.Status.ACCEPTED)
    client.force_login(voice.officer)
    queue = client.get("/admin/voice/comment/").content.decode()
    assert "stupid idiot" in queue and "buses matter here" not in queue and "waiting for a decision" in queue
    everything = client.get("/admin/voice/comment/?queue=all").content.decode()
    assert "stupid idiot" in everything and "buses matter here" in everything
