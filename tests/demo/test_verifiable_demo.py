"""The demo's verifiable ballots: seeded through the services with Python crypto playing trustees and voters;
the published one's record is complete and verifies with `omov verify`'s checker."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from omov.ballots.models import Ballot, Election, Paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db, tmp_path):
    from omov.demo.seed import seed

    return seed(data=tmp_path, members=300), tmp_path


def test_demo_has_an_open_and_a_published_verifiable_ranked_ballot_and_a_bloc_one(seeded, tmp_path):
    summary, data = seeded
    ballots = {b.title: b for b in Ballot.objects.filter(verifiable=True)}
    assert set(ballots) == {"Regional secretary (verifiable)", "Regional chair (verifiable)",
                            "Regional committee (verifiable)"}
    assert ballots["Regional secretary (verifiable)"].state == Ballot.State.OPEN
    assert ballots["Regional committee (verifiable)"].state == Ballot.State.OPEN
    assert ballots["Regional committee (verifiable)"].method == "bloc"
    chair = ballots["Regional chair (verifiable)"]
    assert chair.state == Ballot.State.PUBLISHED
    assert Election.objects.get(ballot=chair).stage == Election.Stage.COUNTED
    assert chair.result.papers == Paper.objects.filter(ballot=chair).count() > 0
    assert "Verifiable, published: Regional chair" in summary
    # The demo member's credential for the open ones is written for the visitor; the trustees' secrets too.
    text = (data / "demo-credentials.txt").read_text()
    assert "Regional secretary (verifiable)" in text
    assert len(list((data / "demo-trustee-secrets").glob("*.secret.json"))) == 6

    # The published record, served file by file and as one zip, verifies with the JavaScript verifier.
    client = Client()
    manifest = json.loads(client.get(f"/ballots/{chair.pk}/record/manifest.json").content)
    record = data / "record"
    for name in ["manifest.json", *manifest["files"]]:
        body = client.get(f"/ballots/{chair.pk}/record/{name}").content
        (record / name).parent.mkdir(parents=True, exist_ok=True)
        (record / name).write_bytes(body)
    cli = Path(__file__).resolve().parents[2] / "omov/web/static/omov/verify/cli.mjs"
    run = subprocess.run(["node", str(cli), str(record)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert client.get(f"/ballots/{chair.pk}/record.zip")["Content-Type"] == "application/zip"
    # ... and with the Python verifier, which shares no code with it (and recounts under the rule).
    from omov.crypto.verify import verify_record

    checks = verify_record(record, workers=1)
    assert checks and all(c.ok for c in checks), [f"{c.name}: {c.detail}" for c in checks if not c.ok]
