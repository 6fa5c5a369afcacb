"""What a member is told about their own comments, on the page where they wrote them: the outcome of posting
inside the discussion section (where the redirect to #discussion lands), a refusal beside the box with their
text kept, a suspension instead of the box, and their own rejected or spam comments shown to them alone, with
the moderator's reason."""

from __future__ import annotations

import re

import pytest

from omov.voice import services as vs
from omov.voice.models import Comment


@pytest.fixture
def motion(make_motion):
    return make_motion()


@pytest.fixture
def thread(motion):
    return vs.thread_for_motion(motion=motion)



def discussion(html: str) -> str:
    """The discussion section of a page."""
    found = re.search(r'<section id="discussion".*?</section>', html, re.S)
    assert found, "the page has a discussion section"
    return found.group(0)


def before_discussion(html: str) -> str:
    return html[: html.index('<section id="discussion"')]


def test_the_outcome_of_posting_is_shown_inside_the_discussion(voice, motion, thread, as_member):
    client = as_member(1)
    r = client.post(f"/voice/threads/{thread.pk}/comments/", {"body": "Buses matter to this branch."})
    assert r.status_code == 302 and r["Location"].endswith(f"/voice/motions/{motion.pk}/#discussion")
    html = client.get(r["Location"]).content.decode()
    assert "Your comment is posted." in discussion(html)
    assert "Your comment is posted." not in before_discussion(html)  # once, where the reader lands
    r = client.post(f"/voice/threads/{thread.pk}/comments/", {"body": "<script>x</script> buses"}, follow=True)
    section = discussion(r.content.decode())
    assert "awaiting review by a moderator" in section and "only you can see it" in section


def test_a_refusal_is_a_sentence_beside_the_box_and_keeps_the_text(voice, thread, as_member):
    client = as_member(1)
    long_text = "Buses at night, please. " * 250  # 6,000 characters: over the limit
    r = client.post(f"/voice/threads/{thread.pk}/comments/", {"body": long_text})
    assert r.status_code == 400
    section = discussion(r.content.decode())
    assert "A comment has at most 5000 characters" in section
    box = re.search(r'<textarea id="comment-body"[^>]*>(.*?)</textarea>', section, re.S)
    assert box and box.group(1) == long_text
    assert f'action="/voice/threads/{thread.pk}/comments/#comment-form"' in section  # lands on the box
    assert not Comment.objects.exists()


def test_a_refused_reply_reopens_its_reply_box_with_the_text(voice, thread, as_member):
    first = vs.post_comment(thread=thread, author=voice.members[2], body="The timetable is the problem.")
    client = as_member(1)
    r = client.post(f"/voice/threads/{thread.pk}/comments/", {"body": "  ", "parent": first.pk})
    assert r.status_code == 400
    section = discussion(r.content.decode())
    assert "<details open><summary>Reply</summary>" in section and "A comment cannot be empty" in section
    r = client.post(f"/voice/threads/{thread.pk}/comments/", {"body": "x" * 5001, "parent": first.pk})
    assert re.search(rf'<textarea id="reply-{first.pk}"[^>]*>{"x" * 5001}</textarea>', r.content.decode())


def test_a_suspended_member_sees_the_suspension_instead_of_the_box(voice, motion, thread, as_member):
    member = voice.members[1]
    c = vs.post_comment(thread=thread, author=member, body="Something I should not have said.")
    vs.moderate_comment(comment=c, actor=voice.officer, decision="suspend", reason="personal attacks", suspend_days=7)
    client = as_member(1)
    section = discussion(client.get(f"/voice/motions/{motion.pk}/").content.decode())
    assert "You can't post comments until" in section and "(personal attacks)" in section
    assert 'name="body"' not in section and "Post comment" not in section and "Post reply" not in section
    # A post sent from a page opened before the suspension: refused, and the text is handed back to copy.
    r = client.post(f"/voice/threads/{thread.pk}/comments/", {"body": "My reply to the decision."})
    assert r.status_code == 400
    section = discussion(r.content.decode())
    assert "You can't post comments until" in section and "My reply to the decision." in section
    assert 'name="body"' not in section
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "decision, shown",
    [
        ("reject", "not shown — rejected by a moderator: Insults another member"),
        ("suspend", "not shown — rejected by a moderator: Insults another member"),
        ("spam", "not shown — held as spam: Insults another member"),
    ],
)
def test_the_author_alone_sees_their_taken_down_comment_and_why(
    voice, motion, thread, as_member, client, decision, shown
):
    c = vs.post_comment(thread=thread, author=voice.members[1], body="A comment the moderator took down.")
    vs.moderate_comment(
        comment=c, actor=voice.officer, decision=decision, reason="Insults another member", suspend_days=3
    )
    page = f"/voice/motions/{motion.pk}/"
    mine = discussion(as_member(1).get(page).content.decode())
    assert "A comment the moderator took down." in mine and shown in mine
    assert f'id="comment-{c.pk}"' in mine and "refused" in mine
    assert f"/voice/comments/{c.pk}/edit/" not in mine  # the service refuses to edit it: no link to try
    for i in (0, 2):  # the motion's proposer, another member
        theirs = as_member(i).get(page).content.decode()
        assert "took down" not in theirs and "Insults another member" not in theirs
    client.logout()
    anonymous = client.get(page)
    assert anonymous.status_code == 302 and "took down" not in anonymous.content.decode()


def test_a_comment_the_filter_filed_as_spam_waits_for_review_in_its_authors_view(voice, motion, thread, as_member):
    c = vs.post_comment(thread=thread, author=voice.members[1], body="x")
    Comment.objects.filter(pk=c.pk).update(status=Comment.Status.SPAM)  # as the filter files it, no decision yet
    mine = discussion(as_member(1).get(f"/voice/motions/{motion.pk}/").content.decode())
    assert f'id="comment-{c.pk}"' in mine and "awaiting review (only you can see it)" in mine
    assert f'id="comment-{c.pk}"' not in as_member(2).get(f"/voice/motions/{motion.pk}/").content.decode()
