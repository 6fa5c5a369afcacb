"""The pure moderation pipeline and `omov moderation screen`: no Django, verdicts with reasons and scores,
rate limits, the labelled sets' shape, the naive Bayes filter learning, and Akismet's answers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import akismet
import pytest

from omov.voice.cli import main
from omov.voice.moderation import ACCEPT, HOLD, SPAM, ModerationSettings, Pipeline, Recent
from omov.voice.moderation.akismet_client import AkismetChecker
from omov.voice.moderation.spamfilter import NaiveBayes, find_links, read_labelled, rule_score

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline()


def test_plain_comment_is_accepted(pipeline):
    v = pipeline.screen("Thanks for drafting this. I have added my support.")
    assert v.verdict == ACCEPT and v.reasons == () and set(v.scores) == {"spam", "spam_model", "spam_rules", "abuse"}


def test_link_spam_is_spam_and_offensive_language_is_held(pipeline):
    v = pipeline.screen("Cheap pills http://bit.ly/a http://x.example.ru http://y.example.ru order now")
    assert v.verdict == SPAM and {"links:many", "links:shortener", "links:risky-domain"} <= set(v.reasons)
    v = pipeline.screen("Shut up you stupid cow")
    assert v.verdict == HOLD and v.reasons == ("abuse",) and v.scores["abuse"] > 0.9


def test_thresholds_are_settings():
    lenient = Pipeline(ModerationSettings(abuse_hold_threshold=0.999999))
    assert lenient.screen("What a moron.").verdict == ACCEPT
    strict = Pipeline(ModerationSettings(abuse_hold_threshold=0.01))
    assert strict.screen("The damn bus was late.").verdict == HOLD
    with pytest.raises(ValueError, match="unknown moderation settings"):
        ModerationSettings.from_mapping({"abuse": 0.5})


def test_rate_limits_hold_then_refuse(pipeline):
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    recent = [Recent(at=now - dt.timedelta(seconds=5 * i), text=f"point {i}") for i in range(5)]
    assert pipeline.flood(recent[:4], now) == ""
    assert pipeline.flood(recent, now) == "hold"
    assert pipeline.screen("One more point about buses.", recent=recent, now=now).verdict == HOLD
    many = [Recent(at=now - dt.timedelta(seconds=i)) for i in range(20)]
    assert pipeline.flood(many, now) == "refuse"
    hourly = [Recent(at=now - dt.timedelta(minutes=2 * i + 1)) for i in range(30)]
    assert pipeline.flood(hourly, now) == "hold"


def test_repeating_ones_own_comment_is_flagged():
    s = rule_score("Vote for the motion!", recent_texts=["vote for the MOTION"])
    assert "repetition:duplicate" in s.reasons


def test_script_and_markup_are_flagged():
    assert "markup" in rule_score('<script>alert("x")</script>').reasons
    assert "markup" in rule_score('<img src=x onerror="steal()">').reasons
    assert "markup" not in rule_score("I <3 this motion, 5 > 3").reasons


def test_links_are_found():
    assert find_links("see https://example.org/a and www.example.com and bit.ly/x") == [
        "https://example.org/a",
        "www.example.com",
        "bit.ly/x",
    ]


def test_naive_bayes_learns_from_decisions():
    model = NaiveBayes.trained([("cheap watches buy now", "spam"), ("I support the motion", "ham")])
    text = "allotment raffle tickets"
    before = model.prob_spam(text)
    model.learn("allotment raffle tickets for sale", "spam")
    assert model.prob_spam(text) > before
    assert NaiveBayes.from_json(model.to_json()).prob_spam(text) == pytest.approx(model.prob_spam(text))
    with pytest.raises(ValueError):
        model.learn("x", "maybe")


@pytest.mark.parametrize("name, labels", [("spam.jsonl", {"spam", "ham"}), ("abuse.jsonl", {"abusive", "ok"})])
def test_labelled_sets_are_balanced_and_say_where_each_example_came_from(name, labels):
    lines = [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x.strip()]
    assert {x["label"] for x in lines} == labels and all(x["source"] and x["text"].strip() for x in lines)
    counts = [sum(x["label"] == lb for x in lines) for lb in sorted(labels)]
    assert counts[0] == counts[1] >= 40
    assert len({x["text"] for x in lines}) >= len(lines) - 1  # (one near-duplicate spam pair on purpose)
    assert read_labelled(DATA / name)[0] == (lines[0]["text"], lines[0]["label"])


def test_akismet_answers_and_failures():
    config = akismet.Config(key="k", url="https://vote.example.org")

    class Spam(akismet.TestSyncClient):
        comment_check_response = akismet.CheckResponse.SPAM

    class Discard(akismet.TestSyncClient):
        comment_check_response = akismet.CheckResponse.DISCARD

    class Broken(akismet.TestSyncClient):
        def comment_check(self, user_ip, **kwargs):
            raise akismet.RequestError("timed out")

    assert AkismetChecker(key="k", site_url="u", client=Spam(config=config)).check("hi").verdict == "spam"
    assert AkismetChecker(key="k", site_url="u", client=Discard(config=config)).check("hi").verdict == "discard"
    broken = AkismetChecker(key="k", site_url="u", client=Broken(config=config))
    assert broken.check("hi").verdict == "unavailable"
    assert AkismetChecker(key="k", site_url="u", client=Spam(config=config)).submit("hi", spam=False) is True
    # Akismet down: the local filter decides, and says Akismet was unavailable
    v = Pipeline(akismet=broken).screen("Thanks for the update.")
    assert v.verdict == ACCEPT and "akismet:unavailable" in v.reasons
    v = Pipeline(akismet=AkismetChecker(key="k", site_url="u", client=Spam(config=config))).screen("Thanks")
    assert v.verdict == SPAM and "akismet:spam" in v.reasons


def test_cli_screens_lines_and_json_lines(tmp_path, capsys):
    f = tmp_path / "comments.txt"
    f.write_text(
        'I support this.\n\n{"id": "c2", "text": "You are a stupid idiot"}\n'
        '{"id": "c3", "text": "Buy now http://bit.ly/a http://b.example.xyz http://c.example.xyz"}\n'
    )
    assert main(["screen", str(f)]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(o["line"], o.get("id"), o["verdict"]) for o in out] == [
        (1, None, "accept"),
        (3, "c2", "hold"),
        (4, "c3", "spam"),
    ]
    assert out[1]["reasons"] == ["abuse"] and 0 <= out[1]["scores"]["abuse"] <= 1


def test_cli_refuses_bad_input(tmp_path, capsys):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"id": 1}\n')
    assert main(["screen", str(f)]) == 2
    assert 'needs a "text" string' in capsys.readouterr().err
    assert main(["screen", str(tmp_path / "missing.txt")]) == 2


def test_the_command_runs_without_django(tmp_path):
    f = tmp_path / "c.txt"
    f.write_text("Hello, branch.\n")
    code = (
        "import sys, runpy; from omov.cli import main; rc = main(['moderation', 'screen', sys.argv[1]]); "
        "print('DJANGO' if any(m.startswith('django') for m in sys.modules) else 'NO-DJANGO'); sys.exit(rc)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(f)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    first, last = run.stdout.splitlines()[0], run.stdout.splitlines()[-1]
    assert json.loads(first)["verdict"] == "accept" and last == "NO-DJANGO"


def test_a_held_comment_says_which_words_made_the_model_suspicious():
    from omov.voice.moderation.pipeline import Pipeline

    verdict = Pipeline().screen("FREE giveaway!!! win cash now, click here, click here to claim your prize")
    words = [r.split(":", 1)[1] for r in verdict.reasons if r.startswith("word:")]
    assert verdict.verdict in ("hold", "spam") and "spam:score" in verdict.reasons
    assert 1 <= len(words) <= 3 and set(words) <= {"free", "click", "click here", "here", "win", "cash", "prize",
                                                    "claim", "giveaway", "now", "claim your", "your prize", "win cash"}
    plain = Pipeline().screen("I will bring the leaflets to the branch meeting on Tuesday.")
    assert not any(r.startswith("word:") for r in plain.reasons)
