"""The moderation queue of omov's own (/voice/moderation/): who may moderate which comments (superusers,
`VoiceOfficer`s, member-voice officers appointed through the organisation's roles; not plain members), the
cards and their filters, each decision through the services, the confirmation step that changes nothing,
lifting a suspension, and hostile comment text shown as text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from omov.audit.models import AuditEntry
from omov.members.services import appoint, user_for_member
from omov.voice import services as vs
from omov.voice.errors import NotAllowed
from omov.voice.models import Comment, ModerationDecision, PostingSuspension, SpamFeedback
from omov.voice.permissions import comments_moderated_by, may_moderate, moderation_scope

S = Comment.Status
QUEUE = "/voice/moderation/"


@pytest.fixture(autouse=True)
def _mail_at_once(monkeypatch):
    """Run the services' after-commit work (the emails) at once: each test runs inside one transaction."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def thread(voice, make_motion):
    return vs.thread_for_motion(motion=make_motion())


@pytest.fixture
def held(voice, thread):
    """A held self-promotion comment by Member 1 (branch B1)."""
    return Comment.objects.create(
        thread=thread, author=voice.members[1], body="Check out my channel https://youtube.com/x",
        status=S.HELD, reasons=["promo:self", "promo:link", "spam:score"], spam_score=0.71,
    )


def _user(name):
    return get_user_model().objects.create_user(name, f"{name}@example.org")


@pytest.fixture
def appointed(voice):
    """A member-voice officer appointed for the whole organisation through its roles (as in the demo)."""
    user = _user("voice.officer")
    appoint(organisation=voice.org, user=user, role="voice_officer", actor=voice.admin)
    return user


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def decide(client, comment, decision, **extra):
    data = {"decision": decision, "reason": "Against the discussion rules.", "seen": comment.status, **extra}
    return client.post(f"/voice/moderation/comments/{comment.pk}/decide/", data)


# Who may moderate -----------------------------------------------------------------------------------------------


def test_each_kind_of_officer_sees_the_comment_and_a_plain_member_is_refused(voice, held, appointed):
    unit_appointed = _user("b1.officer")
    appoint(organisation=voice.org, user=unit_appointed, role="voice_officer", unit=voice.b1, actor=voice.admin)
    elsewhere = _user("b2.officer")
    appoint(organisation=voice.org, user=elsewhere, role="voice_officer", unit=voice.b2, actor=voice.admin)
    for user in (voice.admin, voice.officer, appointed, unit_appointed):  # superuser, VoiceOfficer, roles x2
        assert may_moderate(user, held), user
        page = client_for(user).get(QUEUE)
        assert page.status_code == 200
        assert f'id="comment-{held.pk}"' in page.content.decode()
    # An officer of another branch moderates, but not this comment; a plain member moderates nothing.
    assert not may_moderate(elsewhere, held)
    assert f'id="comment-{held.pk}"' not in client_for(elsewhere).get(QUEUE).content.decode()
    member = user_for_member(member=voice.members[2])
    assert not moderation_scope(member) and not comments_moderated_by(member).exists()
    assert client_for(member).get(QUEUE).status_code == 403
    assert decide(client_for(member), held, "approve").status_code == 404
    assert decide(client_for(elsewhere), held, "approve").status_code == 404
    held.refresh_from_db()
    assert held.status == S.HELD


def test_the_appointed_officer_sees_the_abuse_statistics_and_the_link(voice, held, appointed):
    c = client_for(appointed)
    assert c.get("/voice/moderation/abuse/").status_code == 200
    assert c.get("/voice/moderation/abuse.csv").status_code == 200
    index = c.get("/voice/").content.decode()
    assert 'href="/voice/moderation/"' in index and "(1 waiting)" in index
    member = client_for(user_for_member(member=voice.members[2]))
    assert member.get("/voice/moderation/abuse/").status_code == 403
    assert 'href="/voice/moderation/"' not in member.get("/voice/").content.decode()


def test_the_admin_queue_links_to_the_page(voice, held):
    html = client_for(voice.officer).get("/admin/voice/comment/").content.decode()
    assert 'id="phone-queue" href="/voice/moderation/"' in html or 'href="/voice/moderation/" id="phone-queue"' in html


def test_an_officer_of_another_organisation_moderates_nothing_here(voice, held):
    from omov.core.actors import SystemActor
    from omov.members import services as ms

    other = ms.create_organisation(name="Other Party", slug="other", actor=SystemActor("setup"))
    user = _user("other.voice")
    appoint(organisation=other, user=user, role="voice_officer", actor=voice.admin)
    assert moderation_scope(user)
    assert not may_moderate(user, held)


# The cards and filters ------------------------------------------------------------------------------------------


def test_the_card_shows_author_thread_reasons_as_sentences_and_escapes_hostile_text(voice, thread, appointed):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> buy now'
    c = Comment.objects.create(thread=thread, author=voice.members[1], body=hostile, status=S.HELD,
                               reasons=["markup", "spam:score"], spam_score=0.8)
    html = client_for(appointed).get(QUEUE).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert voice.members[1].name in html
    assert f'href="/voice/motions/{thread.motion_id}/"' in html and thread.title in html
    assert f'id="comment-{c.pk}"' in html
    card = html.split(f'id="comment-{c.pk}"')[1].split("</article>")[0]
    reasons = card.split('<ul class="mod-reasons"')[1].split("</ul>")[0]
    assert "<li>markup: HTML or script in the text" in reasons  # a sentence from explain.py, one per line
    assert reasons.count("<li>") == 2


def test_waiting_spam_and_decided(voice, thread, held, appointed):
    filed = Comment.objects.create(thread=thread, author=voice.members[2], body="sub4sub", status=S.SPAM,
                                   reasons=["promo:follow-swap", "spam:score"], spam_score=0.95)
    accepted = Comment.objects.create(thread=thread, author=voice.members[3], body="Fine.", status=S.ACCEPTED)
    c = client_for(appointed)

    def shown(url):
        html = c.get(url).content.decode()
        return {x.pk for x in (held, filed, accepted) if f'id="comment-{x.pk}"' in html}

    assert shown(QUEUE) == {held.pk, filed.pk}  # the filter's spam waits for someone to decide
    assert shown(QUEUE + "?show=spam") == {filed.pk}
    assert shown(QUEUE + "?show=decided") == set()
    vs.moderate_comment(comment=filed, actor=appointed, decision="spam", reason="Spam.")
    assert shown(QUEUE) == {held.pk}  # decided spam leaves the queue
    assert shown(QUEUE + "?show=decided") == {filed.pk}
    assert shown(QUEUE + "?show=spam") == {filed.pk}


def test_reason_unit_filters_order_and_pages(voice, thread, held, appointed, make_motion):
    abusive = Comment.objects.create(thread=thread, author=voice.members[2], body="You idiot", status=S.HELD,
                                     reasons=["abuse"], abuse_score=0.97)
    b2_thread = vs.thread_for_motion(motion=make_motion(proposer=voice.members[9], unit=voice.b2, title="Trams"))
    b2 = Comment.objects.create(thread=b2_thread, author=voice.members[9], body="Link https://bit.ly/x",
                                status=S.HELD, reasons=["links:shortener"], spam_score=0.65)
    c = client_for(appointed)

    def shown(url):
        html = c.get(url).content.decode()
        return [x.pk for x in sorted((held, abusive, b2), key=lambda x: html.find(f'id="comment-{x.pk}"'))
                if f'id="comment-{x.pk}"' in html]

    assert set(shown(QUEUE + "?reason=promo")) == {held.pk}
    assert set(shown(QUEUE + "?reason=abuse")) == {abusive.pk}
    assert set(shown(QUEUE + f"?unit={voice.b2.pk}")) == {b2.pk}
    assert set(shown(QUEUE + f"?unit={voice.c1.pk}")) == {held.pk, abusive.pk}
    assert shown(QUEUE + "?order=score") == [abusive.pk, held.pk, b2.pk]
    assert shown(QUEUE) == [b2.pk, abusive.pk, held.pk]  # newest first
    page = c.get(QUEUE + "?reason=promo").content.decode()
    assert "selected>self-promotion" in page and "reason <strong>self-promotion" in page
    assert c.get(QUEUE + "?unit=999999").status_code == 404
    assert c.get(QUEUE + "?unit=%C2%B2").status_code == 404
    for i in range(21):
        Comment.objects.create(thread=thread, author=voice.members[4], body=f"held {i}", status=S.HELD)
    first, second = c.get(QUEUE).content.decode(), c.get(QUEUE + "?page=2").content.decode()
    assert first.count('class="mod-card') == 20 and second.count('class="mod-card') == 4
    assert 'rel="next"' in first and "Page 2 of 2" in second


# Decisions ------------------------------------------------------------------------------------------------------


def test_approve_and_not_spam_are_taken_at_once_through_the_service(voice, thread, held, appointed):
    c = client_for(appointed)
    r = decide(c, held, "approve", next=QUEUE + "?reason=promo")
    assert r.status_code == 302 and r["Location"] == QUEUE + "?reason=promo"
    held.refresh_from_db()
    assert held.status == S.ACCEPTED
    assert AuditEntry.objects.filter(action="comment.moderate.approve", subject=f"comment:{held.pk}").exists()
    assert mail.outbox[-1].to == [voice.members[1].email]
    spam = Comment.objects.create(thread=thread, author=voice.members[2], body="not really spam", status=S.SPAM)
    decide(c, spam, "not-spam")
    spam.refresh_from_db()
    assert spam.status == S.ACCEPTED
    assert SpamFeedback.objects.filter(comment=spam, spam=False, organisation=voice.org).exists()


def test_a_reason_is_needed_and_offsite_next_is_ignored(voice, held, appointed):
    c = client_for(appointed)
    r = c.post(f"/voice/moderation/comments/{held.pk}/decide/",
               {"decision": "approve", "reason": " ", "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == QUEUE
    held.refresh_from_db()
    assert held.status == S.HELD
    assert c.get(f"/voice/moderation/comments/{held.pk}/decide/").status_code == 405  # POST only


@pytest.mark.parametrize("decision", ["spam", "reject", "suspend"])
def test_spam_reject_and_suspend_ask_first_and_change_nothing_until_confirmed(voice, held, appointed, decision):
    c = client_for(appointed)
    mail.outbox.clear()
    first = decide(c, held, decision, days="14")
    assert first.status_code == 200
    html = first.content.decode()
    held.refresh_from_db()
    assert held.status == S.HELD and not ModerationDecision.objects.exists() and not mail.outbox
    assert not PostingSuspension.objects.exists() and not SpamFeedback.objects.exists()
    assert 'name="confirm" value="yes"' in html and "Go back, change nothing" in html
    assert f"{voice.members[1].name} will be told by email" in html
    if decision == "suspend":
        until = timezone.now() + dt.timedelta(days=14)
        assert f"cannot post comments for 14 days, until {until:%-d %B %Y}" in html
    done = decide(c, held, decision, days="14", confirm="yes")
    assert done.status_code == 302
    held.refresh_from_db()
    assert held.status == {"spam": S.SPAM, "reject": S.REJECTED, "suspend": S.REJECTED}[decision]
    assert AuditEntry.objects.filter(action=f"comment.moderate.{decision}", subject=f"comment:{held.pk}").exists()
    assert len(mail.outbox) == 1
    assert vs.is_suspended(member=voice.members[1]) is not None if decision == "suspend" else True
    assert SpamFeedback.objects.filter(comment=held).exists() == (decision == "spam")


def test_suspend_needs_a_sensible_number_of_days(voice, held, appointed):
    c = client_for(appointed)
    for days in ("0", "-3", "abc", "99999999", "²"):
        r = decide(c, held, "suspend", days=days, confirm="yes")
        assert r.status_code == 400 and "Nothing was changed" in r.content.decode()
    assert not PostingSuspension.objects.exists()


def test_a_decision_raced_by_another_moderator_is_refused(voice, held, appointed):
    vs.moderate_comment(comment=held, actor=voice.officer, decision="reject", reason="No.")
    held.status = S.HELD  # what the second moderator's page showed
    r = decide(client_for(appointed), held, "approve")
    assert r.status_code == 302
    held.refresh_from_db()
    assert held.status == S.REJECTED


# Lifting a suspension -------------------------------------------------------------------------------------------


def test_lifting_a_suspension_from_the_card_and_the_list(voice, held, appointed):
    c = client_for(appointed)
    decide(c, held, "suspend", days="14", confirm="yes")
    author = voice.members[1]
    assert vs.is_suspended(member=author)
    html = c.get(QUEUE + "?show=decided").content.decode()
    assert f'id="lift-{held.pk}"' in html
    assert f'id="suspended-{author.pk}"' in c.get(QUEUE).content.decode()
    mail.outbox.clear()
    r = c.post(f"/voice/moderation/members/{author.pk}/lift/", {"reason": "Apologised.", "next": QUEUE})
    assert r.status_code == 302
    assert vs.is_suspended(member=author) is None
    assert PostingSuspension.objects.filter(member=author).count() == 1  # kept, ending now
    entry = AuditEntry.objects.get(action="comment.suspension.lift")
    assert entry.details["reason"] == "Apologised." and entry.details["author"] == author.membership_number
    assert mail.outbox[0].to == [author.email] and "Apologised." in mail.outbox[0].body
    assert 'id="no-suspended"' in c.get(QUEUE).content.decode()
    vs.post_comment(thread=held.thread, author=author, body="Thank you, I will keep to the rules.")


def test_only_a_moderator_of_the_member_may_lift(voice, held, appointed):
    vs.moderate_comment(comment=held, actor=appointed, decision="suspend", reason="No.", suspend_days=3)
    elsewhere = _user("b2.officer")
    appoint(organisation=voice.org, user=elsewhere, role="voice_officer", unit=voice.b2, actor=voice.admin)
    member_user = user_for_member(member=voice.members[2])
    for user in (elsewhere, member_user):
        client_for(user).post(f"/voice/moderation/members/{voice.members[1].pk}/lift/", {"reason": "x"})
    assert vs.is_suspended(member=voice.members[1])
    with pytest.raises(NotAllowed):
        vs.lift_suspension(member=voice.members[1], actor=elsewhere, reason="x")
    assert not AuditEntry.objects.filter(action="comment.suspension.lift").exists()


def test_an_officer_appointed_through_the_roles_sees_the_motions_they_look_after(voice, make_motion, appointed):
    """The voice index's "motions in the units you look after" and "consultations you run" use the same scope."""
    from omov.voice.selectors import consultations_for_officer, motions_for_officer

    motion = make_motion()
    unit_appointed = _user("b2.only")
    appoint(organisation=voice.org, user=unit_appointed, role="voice_officer", unit=voice.b2, actor=voice.admin)
    assert motion.pk in {m.pk for m in motions_for_officer(user=appointed)}
    in_b2 = {m.pk for m in motions_for_officer(user=unit_appointed)}
    assert (motion.pk in in_b2) == motion.unit.path.startswith(voice.b2.path)
    assert list(consultations_for_officer(user=_user("nobody"))) == []
