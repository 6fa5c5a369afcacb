"""Learning from moderators, per organisation: the correction of the shipped spam model (omov.voice.moderation.
adapt), its retraining job with the held-out check, that one organisation's decisions never move another's
scores, the officers' page, and the queue's sentences for each reason (omov.voice.moderation.explain)."""

from __future__ import annotations

import numpy as np
import pytest

from omov.audit.models import AuditEntry, Job
from omov.core.actors import SystemActor
from omov.members import services as ms
from omov.voice import services as vs
from omov.voice.errors import NotAllowed, WrongState
from omov.voice.models import SpamFeedback, SpamModel
from omov.voice.moderation import ModerationSettings
from omov.voice.moderation.adapt import Correction, better_or_equal, fit_correction, metrics
from omov.voice.moderation.explain import explain
from omov.voice.moderation.linear import shipped_linear

# What this organisation's officers call spam, and what they call fine, that the shipped (e-mail) model gets
# wrong: raffle adverts it lets through, blunt local complaints it suspects.
RAFFLE = "Join the {} raffle for the allotment society, tickets at the corner shop"
BLUNT = "Screw this, the {} budget is a joke and the committee knows it."
TRAIN_WORDS = ["spring", "summer", "autumn", "winter", "garden", "bumper", "grand", "charity", "harvest"]
TEST_WORDS = ["easter", "midsummer", "christmas"]


def decisions(words):
    out = []
    for w in words:
        out += [(RAFFLE.format(w), True), (BLUNT.format(w), False)]
    return out


# The correction, without the database ---------------------------------------------------------------------


def test_a_correction_learns_the_decisions_and_leaves_other_features_alone():
    base = shipped_linear()
    train = decisions(TRAIN_WORDS)
    texts, labels = [t for t, _ in train], [s for _, s in train]
    c = fit_correction(base, texts, labels, prior=0.2)
    adapted = c.apply(base)
    test = decisions(TEST_WORDS)
    before = metrics(base, [t for t, _ in test], [s for _, s in test], prior=0.2)
    after = metrics(adapted, [t for t, _ in test], [s for _, s in test], prior=0.2)
    assert after["accuracy"] > before["accuracy"] and after["log_loss"] < before["log_loss"]
    assert better_or_equal(after, before) and not better_or_equal(before, after)
    # Sparse: only features of the decisions' texts move; the shipped model object is untouched.
    assert 0 < len(c.indices) < 2000
    untouched = np.setdiff1d(np.arange(len(base.weights)), c.indices)
    assert np.array_equal(adapted.weights[untouched], base.weights[untouched])
    assert not np.array_equal(base.weights, adapted.weights) and base is shipped_linear()
    # Deterministic, and stored exactly.
    again = fit_correction(base, texts, labels, prior=0.2)
    assert np.array_equal(again.indices, c.indices) and np.array_equal(again.values, c.values)
    stored = Correction.from_bytes(c.to_bytes())
    assert np.array_equal(stored.apply(base).weights, adapted.weights)


def test_a_correction_applies_only_to_the_model_it_was_fitted_on():
    c = fit_correction(shipped_linear(), [RAFFLE.format("x")], [True], prior=0.2)
    other = Correction(c.indices, c.values, base="0" * 64)
    with pytest.raises(ValueError, match="another shipped spam model"):
        other.apply(shipped_linear())
    with pytest.raises(ValueError, match="outside the hashed feature space"):
        Correction(np.array([-1]), np.array([1.0], dtype=np.float32), base=c.base)
    with pytest.raises(ValueError, match="not a omov-spam-correction"):
        Correction.from_bytes(shipped_linear_bytes())


def shipped_linear_bytes():
    from omov.voice.moderation.linear import LINEAR_PATH

    return LINEAR_PATH.read_bytes()


def test_settings_refuse_a_holdout_outside_0_1():
    with pytest.raises(ValueError, match="adapt_holdout"):
        ModerationSettings(adapt_holdout=1.5)
    with pytest.raises(ValueError, match="adapt_min_decisions"):
        ModerationSettings(adapt_min_decisions=-1)


# Readable reasons ------------------------------------------------------------------------------------------


def test_each_reason_reads_as_a_short_sentence():
    text = "FREE FREE FREE prizes, click here http://bit.ly/x www.prizes.xyz http://c.com"
    lines = explain(
        ["links:many", "links:shortener", "links:risky-domain", "spam:score", "word:free", "word:click here",
         "sa:GTUBE", "sa:URIBL_BLOCKED", "abuse", "repetition:words", "reported", "mystery\x07code"],
        text,
        scores={"spam": 0.934, "abuse": 0.7},
        settings=ModerationSettings(max_links=2),
    )
    assert lines == [
        "links: 3 links (limit 2)",
        "links: a link shortener (bit.ly)",
        "links: a domain much used for spam (prizes.xyz)",
        "spam score 93% \u2014 held at 60% or more with a rule matched, 90% or more without",
        "words the spam model weighs: \u201cfree\u201d, \u201cclick here\u201d",
        "SpamAssassin rules: GTUBE, URIBL_BLOCKED",
        "abuse: offensive-language score 70% \u2014 held at 50% or more",
        "repetition: \u201cfree\u201d 3 times in 16 words",
        "reported by members",
        "mystery code",
    ]


# Retraining per organisation, through the services ---------------------------------------------------------


@pytest.fixture
def org_b():
    org = ms.create_organisation(name="Other Party", slug="other", actor=SystemActor("setup"))
    ms.create_unit(organisation=org, code="X1", name="X one", kind="region", actor=SystemActor("setup"))
    return org


def record_decisions(organisation, rows):
    for text, spam in rows:
        SpamFeedback.objects.create(text=text, spam=spam, organisation=organisation)


@pytest.fixture
def small(settings):
    settings.OMOV_MODERATION = {"adapt_min_decisions": 10, "adapt_holdout": 0.25}
    vs.reset_pipeline()


def test_retraining_on_decisions_improves_the_held_out_ones_and_is_used(voice, small):
    org = voice.org
    # Older decisions first; the most recent quarter (the held-out ones) are of the same kind, new words.
    record_decisions(org, decisions(TRAIN_WORDS) + decisions(TEST_WORDS))
    assert vs.retrain_due(org)
    text = RAFFLE.format("new year")
    before = vs.get_pipeline(org).screen(text).scores["spam_model"]
    row = vs.retrain_spam_model(organisation=org, actor=voice.officer)
    assert row.accepted and row.version == 1 and row.decisions == 18 and row.held_out == 6
    held, base = row.metrics["held_out"], row.metrics["baseline"]
    assert held["accuracy"] > base["accuracy"] and held["log_loss"] < base["log_loss"]
    assert row.metrics["baseline_name"] == "the shipped model"
    assert vs.active_spam_model(org) == row
    # The organisation's comments are now screened with its model (the cache follows the version).
    after = vs.get_pipeline(org).screen(text).scores["spam_model"]
    assert after > before
    assert AuditEntry.objects.filter(action="spam-model.retrain", subject=f"organisation:{org.pk}").exists()
    assert not vs.retrain_due(org)  # nothing new since


def test_a_retraining_that_does_worse_on_recent_decisions_is_refused(voice, small):
    org = voice.org
    # The officers changed their minds: recent decisions call raffle adverts fine and blunt comments spam.
    flipped = [(t, not s) for t, s in decisions(TEST_WORDS)]
    record_decisions(org, decisions(TRAIN_WORDS) + flipped)
    text = RAFFLE.format("new year")
    before = vs.get_pipeline(org).screen(text).scores
    row = vs.retrain_spam_model(organisation=org, actor=voice.officer)
    assert not row.accepted and row.correction in (b"", memoryview(b""))
    assert "not used" in row.message
    assert vs.active_spam_model(org) is None
    assert vs.get_pipeline(org).screen(text).scores["spam_model"] == before["spam_model"]


def test_too_few_decisions_are_refused_with_the_count(voice, small):
    record_decisions(voice.org, decisions(TRAIN_WORDS[:2]))
    assert not vs.retrain_due(voice.org)
    with pytest.raises(WrongState, match="has 4 spam / not-spam decisions; retraining needs 10"):
        vs.retrain_spam_model(organisation=voice.org, actor=voice.officer)


def test_one_organisations_decisions_never_change_anothers_scores(voice, small, org_b, make_motion):
    texts = [RAFFLE.format("new year"), BLUNT.format("library"), "I support the motion on buses."]
    before = [vs.get_pipeline(org_b).screen(t).scores for t in texts]
    # An officer of organisation A decides a comment in A's discussion: the decision is A's.
    thread = vs.thread_for_motion(motion=make_motion())
    c = vs.post_comment(thread=thread, author=voice.members[1], body=RAFFLE.format("harvest"))
    vs.moderate_comment(comment=c, actor=voice.officer, decision="spam", reason="advert")
    assert SpamFeedback.objects.get(comment=c).organisation == voice.org
    record_decisions(voice.org, decisions(TRAIN_WORDS) + decisions(TEST_WORDS))
    assert vs.retrain_spam_model(organisation=voice.org, actor=voice.officer).accepted
    after = [vs.get_pipeline(org_b).screen(t).scores for t in texts]
    assert after == before
    assert vs.get_pipeline(voice.org).screen(texts[0]).scores != before[0]
    assert vs.org_decisions(org_b) == []
    # And A's officer cannot retrain B's model (nor, through it, read B's decisions).
    with pytest.raises(NotAllowed, match="Other Party"):
        vs.request_spam_retrain(organisation=org_b, actor=voice.officer)
    with pytest.raises(NotAllowed):
        vs.retrain_spam_model(organisation=org_b, actor=voice.officer)
    # B's retraining, when B has decisions, reads B's only.
    record_decisions(org_b, [(BLUNT.format(w), False) for w in TRAIN_WORDS + TEST_WORDS])
    row = vs.retrain_spam_model(organisation=org_b, actor=voice.admin)
    assert row.decisions + row.held_out == 12 and row.spam_decisions == 0


def test_a_comment_decided_twice_counts_once_with_its_latest_decision(voice, make_motion):
    thread = vs.thread_for_motion(motion=make_motion())
    c = vs.post_comment(thread=thread, author=voice.members[1], body="Raffle tickets at the shop")
    vs.moderate_comment(comment=c, actor=voice.officer, decision="spam", reason="advert")
    vs.moderate_comment(comment=c, actor=voice.officer, decision="not-spam", reason="it is the branch's raffle")
    assert vs.org_decisions(voice.org) == [("Raffle tickets at the shop", False)]


def test_the_job_retrains_with_progress_and_the_schedule_queues_due_organisations(voice, small, org_b):
    record_decisions(voice.org, decisions(TRAIN_WORDS) + decisions(TEST_WORDS))
    job = vs.request_spam_retrain(organisation=voice.org, actor=voice.officer)  # runs eagerly in tests
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.kind == "retrain-spam-model"
    assert job.done == job.total == 4 and job.percent == 100
    assert job.result["accepted"] is True and job.message.startswith("version 1: ")
    # Daily: only organisations with new decisions since their last retraining.
    from omov.voice.tasks import retrain_spam_models_task

    assert retrain_spam_models_task() == 0
    record_decisions(voice.org, [(RAFFLE.format("late"), True)])
    record_decisions(org_b, decisions(TEST_WORDS))  # six: fewer than ten, not due
    assert retrain_spam_models_task() == 1
    assert SpamModel.objects.filter(organisation=voice.org).count() == 2
    assert not SpamModel.objects.filter(organisation=org_b).exists()


def test_a_failed_retraining_job_says_why(voice, small):
    job = vs.request_spam_retrain(organisation=voice.org, actor=voice.officer)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "retraining needs 10" in job.error


def test_the_schedule_names_the_task():
    from django.conf import settings

    from omov.core.jobs import task_named

    entry = settings.CELERY_BEAT_SCHEDULE["voice-retrain-spam-models"]
    assert task_named(entry["task"]).name == "omov.voice.retrain_spam_models"


# The officers' page ----------------------------------------------------------------------------------------


def test_the_page_shows_the_model_and_retrains_it(client, voice, small, org_b):
    from omov.members.services import user_for_member

    record_decisions(voice.org, decisions(TRAIN_WORDS) + decisions(TEST_WORDS))
    client.force_login(voice.officer)
    page = client.get("/voice/moderation/spam-model/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Spam model of Test Party" in html and "<strong>12</strong> spam" in html
    assert "The shipped model, unchanged" in html and "Other Party" not in html
    response = client.post("/voice/moderation/spam-model/retrain/", {"organisation": voice.org.pk})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Retraining queued" in html
    row = SpamModel.objects.get(organisation=voice.org)
    assert f"<dt>Version</dt><dd>{row.version}</dd>" in html
    assert f"<dt>Decisions learnt</dt><dd>18 ({row.spam_decisions} spam)</dd>" in html
    assert f"Precision there</dt><dd>{row.metrics['held_out']['precision']}" in html
    # Another organisation's page is not theirs to see or retrain.
    assert client.get(f"/voice/moderation/spam-model/?organisation={org_b.pk}").status_code == 404
    assert client.post("/voice/moderation/spam-model/retrain/", {"organisation": org_b.pk}).status_code == 404
    assert client.get("/voice/moderation/spam-model/?organisation=abc").status_code == 404
    # A member who is no officer: refused.
    client.force_login(user_for_member(member=voice.members[1]))
    assert client.get("/voice/moderation/spam-model/").status_code == 403
    assert client.post("/voice/moderation/spam-model/retrain/", {"organisation": voice.org.pk}).status_code == 403
    assert SpamModel.objects.count() == 1


def test_the_queue_shows_why_each_comment_was_held(client, voice, make_motion):
    thread = vs.thread_for_motion(motion=make_motion())
    body = "Win big http://bit.ly/a http://bit.ly/b http://prizes.xyz/c now"
    c = vs.post_comment(thread=thread, author=voice.members[1], body=body)
    assert c.status != "accepted" and "links:many" in c.reasons
    client.force_login(voice.admin)
    html = client.get("/admin/voice/comment/").content.decode()
    assert "links: 3 links (limit 2)" in html and "links: a link shortener (bit.ly)" in html
