"""The moderation queue in the admin (/admin/voice/comment/), as a volunteer moderator meets it: the reasons in
plain words (stop words left out of the spam model's words, proper plurals, percentages), a confirmation page
before any decision that hides a comment or tells its author off, "waiting for a decision" without the spam a
moderator already decided, and errors and messages that name comments the way the list shows them."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from omov.audit.models import AuditEntry
from omov.voice import services as vs
from omov.voice.errors import WrongState
from omov.voice.models import Comment, ModerationDecision, PostingSuspension
from omov.voice.moderation import ModerationSettings
from omov.voice.moderation.explain import explain, shown_terms
from omov.voice.selectors import awaiting_decision as admin_waiting

# Reasons in words ---------------------------------------------------------------------------------------------


def test_the_spam_models_stop_words_and_stop_word_pairs_are_not_shown():
    assert explain(["word:my", "word:for", "word:out"], "Check my channel out for real") == []
    lines = explain(["word:for", "word:follow", "word:follow for", "word:for you"], "follow for follow for you")
    assert lines == ["words the spam model weighs: \u201cfollow\u201d, \u201cfollow for\u201d"]
    assert explain(["word:channel", "word:my"], "my channel") == ["words the spam model weighs: \u201cchannel\u201d"]
    assert shown_terms(["the", "of the", "free", "free gift"]) == ["free", "free gift"]


def test_counts_take_proper_plurals_and_a_link_is_not_counted_as_words():
    assert explain(["links:dense"], "Watch https://youtube.com/watch?v=abc123 now") == [
        "links: 1 link among only 2 other words"
    ]
    assert explain(["links:dense"], "see a.com b.com") == ["links: 2 links among only 1 other word"]
    assert explain(["links:many"], "x http://a.com", settings=ModerationSettings(max_links=0)) == [
        "links: 1 link (limit 0)"
    ]
    assert explain(["links:bare"], "www.example.com") == ["links: a link with little else (0 words beside it)"]


def test_scores_read_as_percentages_with_the_hold_level():
    assert explain(["spam:score", "abuse"], "x", scores={"spam": 0.854, "abuse": 0.5}) == [
        "spam score 85% \u2014 held at 60% or more with a rule matched, 90% or more without",
        "abuse: offensive-language score 50% \u2014 held at 50% or more",
    ]


# The queue in the admin ---------------------------------------------------------------------------------------

QUEUE = "/admin/voice/comment/"
FIRST = "Win big at the raffle, tickets from the corner shop on Friday"
SECOND = "Grab big savings with the branch discount card this month"


@pytest.fixture
def queue(client, voice, make_motion):
    """Two held comments by two members on a motion, and the officer's client on the queue."""
    thread = vs.thread_for_motion(motion=make_motion())
    first = vs.post_comment(thread=thread, author=voice.members[1], body=FIRST)
    second = vs.post_comment(thread=thread, author=voice.members[2], body=SECOND)
    Comment.objects.filter(pk__in=[first.pk, second.pk]).update(status="held")  # as the pipeline holds them
    first.refresh_from_db()
    second.refresh_from_db()
    client.force_login(voice.officer)
    return client, [first, second]


def act(client, action, comments, **fields):
    data = {"action": action, "_selected_action": [c.pk for c in comments], "index": 0, **fields}
    return client.post(QUEUE, data)


@pytest.mark.parametrize("action,fields", [
    ("reject", {"reason": "advert"}),
    ("mark_spam", {"reason": "advert"}),
    ("warn", {"reason": "no adverts please"}),
    ("suspend", {"reason": "adverts again", "days": "7"}),
])
def test_a_decision_that_hides_or_warns_changes_nothing_until_confirmed(queue, voice, action, fields):
    client, comments = queue
    mail.outbox.clear()
    page = act(client, action, comments, **fields)
    html = page.content.decode()
    assert page.status_code == 200 and "Nothing has been done yet" in html
    for c in comments:
        assert f'name="_selected_action" value="{c.pk}"' in html  # the same comments, posted back on confirming
    assert "Member 1" in html and "Member 2" in html
    assert f"The moderator\u2019s reason: {fields['reason']}" in html
    if action == "suspend":
        assert "Their posting will be suspended until" in html and 'name="days" id="decision-days" value="7"' in html
    # Nothing decided, recorded, suspended or sent yet.
    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in comments])} == {"held"}
    assert not ModerationDecision.objects.exists() and not PostingSuspension.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="comment.moderate").exists() and not mail.outbox
    # Confirmed (the page's form posts without "index", as Django's own delete confirmation does): done.
    data = {"action": action, "_selected_action": [c.pk for c in comments], "confirm": "yes", **fields}
    response = client.post(QUEUE, data)
    assert response.status_code == 302
    assert ModerationDecision.objects.count() == 2
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert "2 comments" in message and "their authors are told by email" in message


def test_the_confirmation_speaks_of_one_comment_in_the_singular(queue):
    client, (first, _) = queue
    html = act(client, "suspend", [first], reason="adverts again", days="3").content.decode()
    assert "Reject 1 comment and suspend its author\u2019s posting?" in html
    assert "Warn the author of 1 comment?" in act(client, "warn", [first], reason="no").content.decode()


def test_approve_and_not_spam_act_at_once_and_say_so_in_plain_words(queue):
    client, (first, second) = queue
    response = act(client, "mark_not_spam", [first], reason="a member's own link")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "accepted"
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert message.startswith("Marked 1 comment as not spam") and "its author is told by email" in message
    assert "Not-spam" not in message and "(s)" not in message
    response = act(client, "approve", [second], reason="fine")
    assert [str(m) for m in get_messages(response.wsgi_request)][-1].startswith("Approved 1 comment;")


def test_a_missing_reason_keeps_the_ticked_comments_and_the_action(queue):
    client, comments = queue
    page = act(client, "approve", comments)  # no reason
    html = page.content.decode()
    assert page.status_code == 200 and "Give a reason for the decision" in html
    assert 'name="action" value="approve"' in html
    assert all(f'name="_selected_action" value="{c.pk}"' in html for c in comments)
    assert not ModerationDecision.objects.exists()
    page = act(client, "suspend", comments, reason="adverts")  # no days
    assert "Say for how many days" in page.content.decode() and not PostingSuspension.objects.exists()


def test_an_error_names_the_comment_by_its_author_and_first_words(queue, monkeypatch):
    client, (first, second) = queue
    decide = vs.moderate_comment

    def racing(*, comment, **kw):
        # Another moderator got to the first comment between the confirmation page and its confirmation.
        if comment.pk == first.pk:
            raise WrongState("another moderator decided this comment a moment ago")
        return decide(comment=comment, **kw)

    monkeypatch.setattr("omov.voice.admin.services.moderate_comment", racing)
    data = {"action": "reject", "_selected_action": [first.pk, second.pk], "confirm": "yes", "reason": "advert"}
    response = client.post(QUEUE, data)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith("Rejected 1 comment;") for m in messages)
    error = next(m for m in messages if m.startswith("Not decided"))
    assert "Member 1\u2019s comment \u201cWin big at the raffle, tickets from the\u2026\u201d" in error
    assert "another moderator decided" in error and "tick it again" in error and f"{first.pk}:" not in error
    assert Comment.objects.get(pk=first.pk).status == "held"


def test_waiting_means_held_or_spam_no_moderator_has_decided(queue, voice):
    client, (held, other) = queue
    filed = vs.post_comment(thread=held.thread, author=voice.members[3], body="Filed by the filter")
    Comment.objects.filter(pk=filed.pk).update(status="spam")  # as the filter files spam
    vs.moderate_comment(comment=other, actor=voice.officer, decision="spam", reason="advert")
    assert set(admin_waiting(Comment.objects.all()).values_list("pk", flat=True)) == {held.pk, filed.pk}
    html = client.get(QUEUE).content.decode()
    assert "Filed by the filter" in html and "Grab big" not in html
    assert "Grab big" in client.get(QUEUE + "?queue=all").content.decode()


def test_the_queue_names_the_motion_with_a_link_and_scores_in_percent(queue):
    client, (first, _) = queue
    Comment.objects.filter(pk=first.pk).update(spam_score=0.854)
    html = client.get(QUEUE).content.decode()
    assert '<td class="field-spam_percent">85%</td>' in html
    assert f'Motion: <a href="/voice/motions/{first.thread.motion_id}/">Better buses</a>' in html


def test_select_all_lists_the_whole_queue_and_decides_nothing_before_confirming(queue):
    client, comments = queue
    page = client.post(QUEUE, {"action": "reject", "select_across": "1", "_selected_action": [comments[0].pk],
                               "index": 0, "reason": "clear-out"})
    html = page.content.decode()
    assert "Reject 2 comments?" in html and all(f'value="{c.pk}"' in html for c in comments)
    assert not ModerationDecision.objects.exists()
