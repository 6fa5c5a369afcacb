"""SpamAssassin as an optional filter, against a real spamd (Debian's `spamd`, started here on a free port)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from omov.voice.moderation.pipeline import HOLD, SPAM, ModerationSettings, Pipeline
from omov.voice.moderation.spamassassin import SpamAssassinChecker, comment_message

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def spamd():
    """A real spamd with its own site configuration and a Bayes database in a temporary directory."""
    if shutil.which("spamd") is None:
        pytest.fail("Debian's spamd is not installed: scripts/test.sh installs it (apt-get install spamd spamc)")
    # Not under pytest's own temporary directory: that is private to root, and spamd reads its configuration
    # as the unprivileged user it switches to.
    root = Path(tempfile.mkdtemp(prefix="omov-spamd-"))
    site = root / "site"
    shutil.copytree("/etc/spamassassin", site)
    bayes = root / "bayes"
    bayes.mkdir()
    bayes.chmod(0o777)
    root.chmod(0o755)
    with open(site / "local.cf", "a") as f:
        f.write(f"\nbayes_path {bayes}/bayes\nbayes_file_mode 0777\nuse_bayes 1\nbayes_auto_learn 0\n")
    port = _free_port()
    pidfile = root / "spamd.pid"
    cmd = ["spamd", "--listen", "127.0.0.1", "--port", str(port), "--allowed-ips", "127.0.0.1", "--pidfile",
           str(pidfile), "--max-children", "1", "--min-children", "1", "--nouser-config", "--siteconfigpath",
           str(site), "--allow-tell", "--syslog", str(root / "spamd.log")]
    import os

    if os.geteuid() == 0:
        cmd += ["-u", "nobody"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    checker = SpamAssassinChecker(host="127.0.0.1", port=port, timeout=2)
    try:
        for _ in range(120):
            if proc.poll() is not None:
                pytest.fail(f"spamd stopped: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
            if checker.ping():
                break
            time.sleep(0.25)
        else:
            pytest.fail("spamd did not start listening within 30 s")
        checker.timeout = 20
        yield checker
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def test_the_message_spamd_reads_is_complete_mail():
    raw = comment_message("Hello, see you at the branch meeting", author="Ann", author_email="ann@example.org",
                          permalink="https://vote.example.org/voice/t/7")
    head, _, body = raw.partition(b"\n\n")
    for header in (b"From: Ann <ann@example.org>", b"Date: ", b"Message-ID: <", b"Subject: Comment on https://"):
        assert header in head
    assert b"branch meeting" in body


def test_spamd_verdicts_scores_and_rules(spamd):
    spam = spamd.check(f"Win money now {GTUBE}")
    assert spam.verdict == "spam" and spam.score >= 1000 and spam.threshold > 0 and "GTUBE" in spam.rules
    ham = spamd.check("Thanks for organising the canvass on Saturday, I can bring leaflets.",
                      author="Ann", author_email="ann@example.org")
    assert ham.verdict == "ham" and ham.score < ham.threshold


def test_the_pipeline_files_blatant_spam_and_lets_ham_through(spamd):
    settings = ModerationSettings(spamassassin_host="127.0.0.1", spamassassin_port=spamd.port)
    pipeline = Pipeline(settings, spamassassin=spamd)
    verdict = pipeline.screen(f"Great post {GTUBE}")
    assert verdict.verdict == SPAM
    assert "spamassassin:spam" in verdict.reasons and "sa:GTUBE" in verdict.reasons
    assert verdict.scores["spamassassin"] >= 1000
    fine = pipeline.screen("I agree with the motion, and I will second it at the branch meeting.")
    assert "spamassassin:ham" in fine.reasons and fine.verdict != SPAM


def test_spamassassin_spam_below_the_spam_score_is_held_not_filed(spamd):
    pipeline = Pipeline(ModerationSettings(spamassassin_host="127.0.0.1", spamassassin_port=spamd.port,
                                           spamassassin_spam_score=5000.0), spamassassin=spamd)
    verdict = pipeline.screen(f"Great post {GTUBE}")
    assert verdict.verdict == HOLD and "spamassassin:spam" in verdict.reasons


def test_officers_decisions_teach_spamds_bayes_filter(spamd):
    assert spamd.learn("Cheap watches, replica bags, click the link in my profile", spam=True) is True
    assert spamd.learn("The ward meeting moved to Thursday at the library", spam=False) is True


def test_spamd_down_means_the_local_filter_decides_alone():
    down = SpamAssassinChecker(host="127.0.0.1", port=_free_port(), timeout=1)
    answer = down.check("hello")
    assert answer.verdict == "unavailable" and answer.error
    assert down.learn("hello", spam=False) is False
    pipeline = Pipeline(ModerationSettings(spamassassin_host="127.0.0.1"), spamassassin=down)
    verdict = pipeline.screen("See you at the hustings on Friday.")
    assert "spamassassin:unavailable" in verdict.reasons and verdict.verdict == "accept"


def test_settings_refuse_nonsense_for_spamassassin():
    with pytest.raises(ValueError, match="spamassassin_timeout"):
        ModerationSettings(spamassassin_timeout=0)
    with pytest.raises(ValueError, match="spamassassin_port"):
        ModerationSettings(spamassassin_port=-1)
    with pytest.raises(ValueError, match="spamassassin_spam_score"):
        ModerationSettings(spamassassin_spam_score=float("nan"))


def test_docs_say_how_to_turn_it_on():
    text = Path("docs/moderation.md").read_text()
    assert "spamassassin_host" in text and "--allow-tell" in text
