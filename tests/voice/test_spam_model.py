"""The shipped spam model (omov/voice/moderation/linear.py) and its training command."""

from __future__ import annotations

import time

import numpy as np
import pytest

from omov.voice.moderation import ACCEPT, HOLD, SPAM, ModerationSettings, Pipeline
from omov.voice.moderation.corpora import message_text
from omov.voice.moderation.linear import LINEAR_PATH, LinearSpamModel, shipped_linear
from omov.voice.moderation.spamfilter import NaiveBayes
from omov.voice.moderation.train import fit, main, training_set


def test_shipped_model_says_what_it_was_trained_on():
    model = shipped_linear()
    assert model is shipped_linear()  # loaded once per process
    info = model.info
    assert info["format"] == "omov-spam-linear/1"
    assert info["examples"] == 6166 and info["spam"] == 1956  # see docs/moderation.md, "Corpora"
    assert [s.split(":")[1] for s in info["sources"][:5]] == [
        "easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"
    ]
    assert info["sources"][5] == "spam.jsonl:120"
    assert 0.3 < model.train_share < 0.33


def test_shipped_model_scores_giveaways_above_plain_comments():
    model = shipped_linear()
    spam = model.probs(["Free iPhone giveaway, click here to claim your prize now",
                        "Make money fast from home, limited offer, order today"], prior=0.2)
    ham = model.probs(["I support the motion, but the budget line needs checking.",
                       "Could the branch meeting move to Thursday?"], prior=0.2)
    assert min(spam) > 0.9 and max(ham) < 0.1


def test_a_lower_prior_lowers_the_probability():
    model = shipped_linear()
    text = "Great offer for members this week"
    assert model.prob_spam(text, prior=0.05) < model.prob_spam(text, prior=0.2) < model.prob_spam(text, prior=0.5)


def test_the_model_screens_a_thousand_comments_a_second():
    model = shipped_linear()
    texts = [f"Comment number {i}: I think the motion on buses needs another look at the costs." for i in range(2000)]
    model.probs(texts[:10])
    # CPU time of this process (one core): wall time on a shared machine measures the neighbours.
    t0 = time.process_time()
    model.probs(texts)
    assert 2000 / (time.process_time() - t0) > 1000


def test_training_is_reproducible_and_the_artefact_round_trips(tmp_path):
    data = tmp_path / "set.jsonl"
    rows = [("win a free prize now click here", "spam"), ("cheap pills order today", "spam"),
            ("I agree with the amendment", "ham"), ("the meeting is on Tuesday", "ham")]
    data.write_text("".join(f'{{"text": "{t}", "label": "{lb}"}}\n' for t, lb in rows), encoding="utf-8")
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    assert main(["--labelled", str(data), "--out", str(a)]) == 0
    assert main(["--labelled", str(data), "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    loaded = LinearSpamModel.load(a)
    texts, spam, _ = training_set(None, [data])
    direct = fit(texts, spam)
    np.testing.assert_array_equal(loaded.weights, direct.weights)
    assert loaded.prob_spam("free prize") > loaded.prob_spam("the amendment")


def test_training_needs_both_classes():
    with pytest.raises(ValueError, match="both"):
        fit(["a", "b"], [True, True])


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "x.npz"
    np.savez(path, weights=np.zeros(3), intercept=np.zeros(1), train_share=np.zeros(1), info=np.array("{}"))
    with pytest.raises(ValueError, match="not a"):
        LinearSpamModel.load(path)
    assert LINEAR_PATH.stat().st_size < 1_000_000


def test_mail_messages_become_one_readable_line():
    raw = ("Subject: Cheap =?utf-8?q?offer?=\nContent-Type: text/html; charset=utf-8\n\n"
           "<html><style>p{}</style><p>Buy&nbsp;now</p>\n<a href='x'>here</a></html>")
    assert message_text(raw) == "Cheap =?utf-8?q?offer?= Buy now here"


def test_the_model_decides_where_the_rules_are_silent():
    pipe = Pipeline()
    v = pipe.screen("Free prize, act now, limited offer, order today")
    assert v.verdict == HOLD and v.reasons[0] == "spam:score" and v.scores["spam_rules"] == 0
    # No rule fired: the rest of the reasons are the words that pushed the model (up to three).
    assert 1 <= len(v.reasons[1:]) <= 3 and all(r.startswith("word:") for r in v.reasons[1:])
    # With the comment-spam rules' evidence (a giveaway, "click here") the same model's word files it as spam.
    v = pipe.screen("Free iPhone giveaway, click here to claim your prize now")
    assert v.verdict == SPAM and {"promo:giveaway", "promo:click"} <= set(v.reasons)
    assert pipe.screen("Thanks, I will bring the minutes to the next branch meeting.").verdict == ACCEPT
    v = pipe.screen("Claim your free prize now http://bit.ly/x http://prize.xyz http://win.top")
    assert v.verdict == SPAM


def test_officers_decisions_count_once_there_are_enough():
    pipe = Pipeline(ModerationSettings(feedback_min=2), spam_model=NaiveBayes())
    text = "allotment raffle tickets for sale"
    assert "spam_feedback" not in pipe.screen(text).scores
    for t in ("allotment raffle tickets", "raffle tickets cheap"):
        pipe.learn(t, spam=True)
    for t in ("the allotment meeting", "minutes of the meeting"):
        pipe.learn(t, spam=False)
    assert pipe.screen(text).scores["spam_feedback"] > 0.5
