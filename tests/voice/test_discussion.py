"""Discussion and moderation through the services: posting and replying, edits with history, reports, the
pipeline's verdicts, officers' decisions (audited, the author told, spam decisions learned), suspensions,
flooding, bad input, and the abuse statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from omov.audit.models import AuditEntry
from omov.ballots import services as bs
from omov.voice import selectors as sel
from omov.voice import services as vs
from omov.voice.errors import AlreadyDone, InvalidInput, NotAllowed, RateLimited, WrongState
from omov.voice.models import Comment, ModerationDecision, PublicRole, SpamFeedback, Thread

S = Comment.Status


@pytest.fixture
def thread(voice, make_motion):
    return vs.thread_for_motion(motion=make_motion())


def test_posting_and_replying_with_targets(voice, thread):
    a, b = voice.members[1], voice.members[2]
    first = vs.post_comment(thread=thread, author=a, body="I support this motion: buses matter here.")
    assert first.status == S.ACCEPTED and first.target_member == voice.members[0]  # the proposer
    reply = vs.post_comment(thread=thread, author=b, body="Agreed, and the night buses too.", parent=first)
    assert reply.status == S.ACCEPTED and reply.target_member == a and reply.target_unit == voice.b1
    assert [c.pk for c in sel.visible_comments(thread=thread)] == [first.pk, reply.pk]
    assert AuditEntry.objects.filter(action="comment.post").count() == 2


def test_edits_keep_their_history(voice, thread):
    c = vs.post_comment(thread=thread, author=voice.members[1], body="First version.")
    vs.edit_comment(comment=c, author=voice.members[1], body="Second version.")
    vs.edit_comment(comment=c, author=voice.members[1], body="Third version.")
    assert c.body == "Third version." and c.edited_at is not None
    assert [r.body for r in c.revisions.all()] == ["First version.", "Second version."]
    with pytest.raises(NotAllowed):
        vs.edit_comment(comment=c, author=voice.members[2], body="hijack")


@pytest.mark.parametrize("body, message", [("", "empty"), ("   \n ", "empty"), ("x" * 5001, "at most 5000")])
def test_empty_and_oversized_comments_are_refused(voice, thread, body, message):
    with pytest.raises(InvalidInput, match=message):
        vs.post_comment(thread=thread, author=voice.members[1], body=body)
    assert not Comment.objects.exists()


def test_script_injection_is_stored_as_text_and_held(voice, thread):
    c = vs.post_comment(thread=thread, author=voice.members[1], body='<script>alert("x")</script> hello')
    assert c.body == '<script>alert("x")</script> hello' and "markup" in c.reasons and c.status != S.ACCEPTED


def test_abusive_comment_is_held_never_dropped(voice, thread):
    c = vs.post_comment(thread=thread, author=voice.members[1], body="You are a stupid idiot and a liar.")
    assert c.status == S.HELD and "abuse" in c.reasons and c.held_for_abuse and c.abuse_score > 0.5
    assert c.pk and Comment.objects.filter(pk=c.pk).exists()
    # the author still sees it, marked as awaiting review; others do not
    assert c in sel.visible_comments(thread=thread, member=voice.members[1])
    assert c not in sel.visible_comments(thread=thread, member=voice.members[2])


def test_link_spam_is_filed_as_spam(voice, thread):
    c = vs.post_comment(
        thread=thread,
        author=voice.members[1],
        body="Cheap watches http://bit.ly/x http://a.example.xyz http://b.example.xyz buy now",
    )
    assert c.status == S.SPAM and "links:many" in c.reasons


def test_flooding_holds_then_refuses_and_keeps_what_was_accepted(voice, thread):
    member = voice.members[1]
    start = timezone.now()
    outcomes = []
    for i in range(100):
        try:
            c = vs.post_comment(
                thread=thread,
                author=member,
                body=f"Point number {i} about the buses.",
                now=start + dt.timedelta(seconds=i * 0.6),
            )
            outcomes.append(c.status)
        except RateLimited as exc:
            outcomes.append("refused")
            assert "nothing you posted before was lost" in str(exc)
    assert outcomes[:5] == [S.ACCEPTED] * 5
    assert set(outcomes[5:20]) == {S.HELD}
    assert set(outcomes[20:]) == {"refused"}
    assert Comment.objects.filter(author=member, status=S.ACCEPTED).count() == 5
    assert Comment.objects.filter(author=member).count() == 20
    held = Comment.objects.filter(author=member, status=S.HELD).first()
    assert "flood" in held.reasons


def test_reporting_a_comment_and_enough_reports_hold_it(voice, thread):
    c = vs.post_comment(thread=thread, author=voice.members[1], body="A perfectly ordinary comment.")
    with pytest.raises(InvalidInput):
        vs.report_comment(comment=c, reporter=voice.members[1], reason="abuse")
    with pytest.raises(InvalidInput):
        vs.report_comment(comment=c, reporter=voice.members[2], reason="because")
    vs.report_comment(comment=c, reporter=voice.members[2], reason="abuse", note="rude to the proposer")
    with pytest.raises(AlreadyDone):
        vs.report_comment(comment=c, reporter=voice.members[2], reason="spam")
    vs.report_comment(comment=c, reporter=voice.members[3], reason="abuse")
    assert c.status == S.ACCEPTED and c.reports_count == 2
    vs.report_comment(comment=c, reporter=voice.members[4], reason="off-topic")
    assert c.status == S.HELD and "reported" in c.reasons
    assert AuditEntry.objects.filter(action="comment.report").count() == 3


def test_moderating_a_comment_is_audited_and_the_author_is_told(voice, thread):
    c = vs.post_comment(thread=thread, author=voice.members[1], body="You are a stupid idiot and a liar.")
    with pytest.raises(NotAllowed):
        vs.moderate_comment(comment=c, actor=voice.scrutineer, decision="approve", reason="fine")
    with pytest.raises(InvalidInput):
        vs.moderate_comment(comment=c, actor=voice.officer, decision="reject", reason=" ")
    mail.outbox.clear()
    with pytest.raises(InvalidInput):
        vs.moderate_comment(comment=c, actor=voice.officer, decision="suspend", reason="abuse")
    with pytest.raises(InvalidInput):
        vs.moderate_comment(comment=c, actor=voice.officer, decision="ban", reason="abuse")
    with django_capture_on_commit():
        vs.moderate_comment(
            comment=c, actor=voice.officer, decision="suspend", reason="Personal abuse", abusive=True, suspend_days=7
        )
    assert c.status == S.REJECTED and c.confirmed_abusive
    entry = AuditEntry.objects.get(action="comment.moderate.suspend")
    assert entry.details["reason"] == "Personal abuse" and entry.actor == "ro"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["m1@example.org"]
    assert "rejected" in mail.outbox[0].body and "Personal abuse" in mail.outbox[0].body
    with pytest.raises(NotAllowed, match="cannot post until"):
        vs.post_comment(thread=thread, author=voice.members[1], body="Hello again")
    later = timezone.now() + dt.timedelta(days=8)
    assert vs.post_comment(thread=thread, author=voice.members[1], body="Hello again", now=later).pk


def django_capture_on_commit():
    """Run on_commit callbacks at once (the test runs inside one transaction)."""
    from unittest import mock

    from django.db import transaction

    return mock.patch.object(transaction, "on_commit", lambda fn, *a, **k: fn())


def test_officers_spam_decisions_teach_the_local_filter(voice, thread):
    text = "Join the quarterly gardening raffle for the allotment society"
    c = vs.post_comment(thread=thread, author=voice.members[1], body=text)
    before = vs.get_pipeline(thread.organisation).spam_model.prob_spam(text)
    vs.moderate_comment(comment=c, actor=voice.officer, decision="spam", reason="advertising")
    feedback = SpamFeedback.objects.get()
    assert feedback.spam and feedback.organisation == thread.organisation  # the comment's organisation learns it
    after = vs.get_pipeline(thread.organisation).spam_model.prob_spam(text)
    assert after > before
    vs.moderate_comment(comment=c, actor=voice.officer, decision="not-spam", reason="on reflection it is fine")
    assert c.status == S.ACCEPTED
    assert list(ModerationDecision.objects.values_list("decision", flat=True)) == ["spam", "not-spam"]


def test_officers_decisions_reach_akismet_when_configured(voice, thread, settings, django_capture_on_commit_callbacks):
    import akismet

    settings.OMOV_MODERATION = {"akismet_key": "test-key", "akismet_site_url": "https://vote.example.org"}
    vs.reset_pipeline()
    calls = []

    class Client(akismet.TestSyncClient):
        comment_check_response = akismet.CheckResponse.HAM

        def submit_spam(self, user_ip, **kw):
            calls.append(("spam", kw["comment_content"]))
            return True

    pipeline = vs.get_pipeline(thread.organisation)
    pipeline.akismet._client = Client(config=akismet.Config(key="test-key", url="https://vote.example.org"))
    c = vs.post_comment(thread=thread, author=voice.members[1], body="Thanks for the update on the meeting")
    assert c.status == S.ACCEPTED and "akismet:ham" in c.reasons
    with django_capture_on_commit_callbacks(execute=True):
        vs.moderate_comment(comment=c, actor=voice.officer, decision="spam", reason="bot")
        assert calls == []  # told only once the decision is committed
    assert calls == [("spam", "Thanks for the update on the meeting")]


def test_candidate_thread_and_abuse_statistics_by_target_role_and_unit(voice):
    ballot = voice.ballot("irv", ready=False)
    cand = bs.add_candidate(ballot=ballot, actor=voice.officer, name="Dee", member=voice.members[8])
    thread = vs.thread_for_candidate(candidate=cand)
    assert thread.kind == Thread.Kind.CANDIDATE and thread.subject_role == PublicRole.Role.CANDIDATE
    abusive = vs.post_comment(thread=thread, author=voice.members[1], body="Dee is a lying scumbag and an idiot.")
    vs.post_comment(thread=thread, author=voice.members[2], body="Dee answered well at the hustings.")
    vs.moderate_comment(comment=abusive, actor=voice.officer, decision="reject", reason="abuse", abusive=True)
    rows = sel.abuse_statistics(organisation=voice.org)
    assert len(rows) == 1
    row = rows[0]
    assert (row.target, row.role, row.unit, row.held, row.confirmed) == ("Member 8", "candidate", "B two", 1, 1)
    assert sel.abuse_by(rows, "role") == [("candidate", 1, 1)]
    assert sel.abuse_series(rows)["held"] == [1]
    assert sel.abuse_csv(rows).splitlines()[1].endswith("Member 8,candidate,B two,1,1")
    assert sel.abuse_statistics(organisation=voice.org, unit=voice.c1) == []
    assert len(sel.abuse_statistics(organisation=voice.org, unit=voice.c2)) == 1


def test_a_rejected_comment_cannot_be_edited_back(voice, thread):
    c = vs.post_comment(thread=thread, author=voice.members[1], body="ok")
    vs.moderate_comment(comment=c, actor=voice.officer, decision="reject", reason="off topic")
    with pytest.raises(WrongState):
        vs.edit_comment(comment=c, author=voice.members[1], body="sneaky")


def test_a_warning_leaves_the_comment_as_it_is_and_tells_the_author(voice, thread):
    c = vs.post_comment(thread=thread, author=voice.members[1], body="Honestly, what a daft idea.")
    before = c.status
    mail.outbox.clear()
    with django_capture_on_commit():
        vs.moderate_comment(comment=c, actor=voice.officer, decision="warn", reason="Keep it civil, please")
    assert c.status == before
    assert len(mail.outbox) == 1 and "led to a warning" in mail.outbox[0].body
    assert AuditEntry.objects.get(action="comment.moderate.warn").details["reason"] == "Keep it civil, please"
