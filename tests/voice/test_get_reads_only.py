"""A GET only reads: opening a motion's, a consultation's or a candidate's page never starts a discussion thread
or writes to the audit log; the first comment's POST does, through the service, in one transaction."""

from __future__ import annotations

from omov.audit.models import AuditEntry
from omov.members.services import user_for_member
from omov.voice.models import Comment, Thread


def _writes(fn):
    before = (Thread.objects.count(), Comment.objects.count(), AuditEntry.objects.count())
    response = fn()
    return response, (Thread.objects.count(), Comment.objects.count(), AuditEntry.objects.count()) != before


def test_opening_a_candidates_page_starts_nothing_and_the_first_comment_starts_the_thread(voice, client):
    candidate = voice.ballot("irv").candidates.first()
    client.force_login(user_for_member(member=voice.members[0]))
    page, wrote = _writes(lambda: client.get(f"/voice/candidates/{candidate.pk}/"))
    assert page.status_code == 200 and not wrote
    assert not Thread.objects.filter(candidate=candidate).exists()
    assert "No comments yet." in page.content.decode()
    posted = client.post(f"/voice/candidates/{candidate.pk}/comments/", {"body": "A clear, honest statement."})
    assert posted.status_code == 302 and posted.url.endswith("#discussion")
    thread = Thread.objects.get(candidate=candidate)
    assert thread.comments.get().body == "A clear, honest statement."
    again, wrote = _writes(lambda: client.get(f"/voice/candidates/{candidate.pk}/"))
    assert again.status_code == 200 and not wrote and "A clear, honest statement." in again.content.decode()


def test_a_hidden_candidates_discussion_cannot_be_started_by_post(voice, client):
    candidate = voice.ballot("irv", ready=False).candidates.first()  # a draft: its candidates are not public
    client.force_login(user_for_member(member=voice.members[0]))
    assert client.post(f"/voice/candidates/{candidate.pk}/comments/", {"body": "hello"}).status_code == 404
    assert not Thread.objects.filter(candidate=candidate).exists()


def test_opening_a_motion_or_consultation_page_writes_nothing(voice, client, make_motion):
    motion = make_motion()
    client.force_login(user_for_member(member=voice.members[1]))
    page, wrote = _writes(lambda: client.get(f"/voice/motions/{motion.pk}/"))
    assert page.status_code == 200 and not wrote and 'id="discussion"' in page.content.decode()
