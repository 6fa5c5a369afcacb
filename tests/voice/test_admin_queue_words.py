"""The moderation queue in the admin (/admin/voice/comment/), as a volunteer moderator meets it: the reasons in
plain words (stop words left out of the spam model's words, proper plurals, percentages), a confirmation page
before any decision that hides a comment or tells its author off, "waiting for a decision" without the spam a
moderator already decided, and errors and messages that name comments the way the list shows them."""

from __future__ import annotations

from omov.voice.moderation import ModerationSettings
from omov.voice.moderation.explain import explain, shown_terms

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
