"""The pages of a verifiable ballot, through Django's test client (the browser journeys are in
tests/browser/test_verifiable_journeys.py): who sees what, the board and its JSON, refusals that store nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from omov.ballots import services as bs
from omov.ballots.models import Paper, Trustee
from omov.ballots.verifiable.services.ceremony import set_verifiable
from omov.crypto import trustees as tr
from omov.demo import verifiable as play
from omov.members.services import user_for_member
from tests.conftest_django import open_and_issue

pytestmark = pytest.mark.django_db


def _draft(world, n=3, t=2):
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat"), ready=False)
    users = [user_for_member(member=m) for m in world.members[:n]]
    set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, threshold=t,
                   trustees=[(f"T{i}", u) for i, u in enumerate(users, 1)])  # fmt: skip
    return ballot, users


def _open(world):
    ballot, users = _draft(world)
    play.run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    return ballot, open_and_issue(ballot, world.officer)


def test_the_trustee_page_is_for_the_ballots_trustees_only(world):
    ballot, users = _draft(world)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    url = f"/ballots/{ballot.pk}/trustee/"
    assert Client().get(url).status_code == 302  # sign in first
    stranger = Client()
    stranger.force_login(user_for_member(member=world.members[5]))
    assert stranger.get(url).status_code == 403
    mine = Client()
    mine.force_login(users[0])
    page = mine.get(url).content.decode()
    assert "Now: Make your keys." in page and 'id="trustee-data"' in page
    assert f"--election {ballot.election_id}" in page  # the command line's way, with this ballot's values


def test_an_uploaded_secret_file_is_refused_and_nothing_is_stored(world):
    ballot, users = _draft(world)
    secret, init = tr.init_trustee(ballot.election_id, 1, 3, 2)
    client = Client()
    client.force_login(users[0])
    response = client.post(f"/ballots/{ballot.pk}/trustee/", {"step": "init", "file": json.dumps(secret.to_json())},
                           follow=True)  # fmt: skip
    assert "SECRET file" in response.content.decode()
    assert Trustee.objects.get(ballot=ballot, number=1).init is None
    response = client.post(f"/ballots/{ballot.pk}/trustee/", {"step": "init", "file": json.dumps(init)}, follow=True)
    assert "Your public keys are in." in response.content.decode()
    assert Trustee.objects.get(ballot=ballot, number=1).init == init
    # The public file can be downloaded under the name `omov trustee` gives it.
    assert Client().get(f"/ballots/{ballot.pk}/trustees/1/init.json").status_code == 404  # a draft: trustees only
    got = client.get(f"/ballots/{ballot.pk}/trustees/1/init.json")
    assert got["Content-Disposition"] == 'attachment; filename="trustee-1.init.json"'
    assert json.loads(got.content) == init


def test_the_board_pages_and_finds_a_tracker_by_its_first_characters(world):
    ballot, tokens = _open(world)
    trackers = [play.cast_sealed(ballot, token, [i % 3]) for i, token in enumerate(tokens[:5])]
    client = Client()
    found = client.get(f"/ballots/{ballot.pk}/board/?tracker={trackers[3][:8].upper()}")
    page = " ".join(found.content.decode().split())
    assert "is paper 4 on the board" in page and "found-here" in page
    assert "No paper on this board" in client.get(f"/ballots/{ballot.pk}/board/?tracker=00000000").content.decode()
    doc = json.loads(client.get(f"/ballots/{ballot.pk}/board.json").content)
    assert doc["papers_total"] == 5 and [p["tracker"] for p in doc["papers"]] == trackers
    last = Paper.objects.get(ballot=ballot, tracker=trackers[-1])
    assert doc["papers"][-1]["entry_hash"] == last.entry_hash and doc["papers"][-1]["position"] == 5
    assert doc["papers"][0]["signature"].keys() == {"c", "z"}
    # The record waits for publication.
    assert client.get(f"/ballots/{ballot.pk}/record.zip").status_code == 404
    assert client.get(f"/ballots/{ballot.pk}/record/manifest.json").status_code == 404


def test_a_cast_that_is_not_a_sealed_paper_is_refused_and_spends_nothing(world):
    ballot, tokens = _open(world)
    client = Client()
    booth = client.get(f"/ballots/{ballot.pk}/vote/").content.decode()
    assert 'id="booth-data"' in booth and "rank_1" in booth
    data = json.loads(re.search(r'id="booth-data"[^>]*>(.*?)</script>', booth, re.S).group(1))
    assert [c["index"] for c in data["candidates"]] == [0, 1, 2]
    response = client.post(f"/ballots/{ballot.pk}/vote/", {"cast": "{not json", "credential": tokens[0]})
    assert response.status_code == 400 and "nothing was stored" in response.content.decode()
    response = client.post(f"/ballots/{ballot.pk}/vote/", {"cast": json.dumps({"type": "omov/cast-paper/v1"}),
                                                           "credential": tokens[0]})  # fmt: skip
    assert response.status_code == 400 and "Your vote was not cast" in response.content.decode()
    assert not Paper.objects.filter(ballot=ballot).exists()
    play.cast_sealed(ballot, tokens[0], [1, 0])  # the credential was not spent by the refusals
    assert Paper.objects.filter(ballot=ballot).count() == 1


def test_offline_codes_the_officer_uploads_only_the_public_list(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from omov.crypto import credentials as cr

    ballot, _ = _draft(world)
    set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, threshold=2, credential_mode="offline",
                   trustees=[(t.name, t.user) for t in Trustee.objects.filter(ballot=ballot)])  # fmt: skip
    client = Client()
    client.force_login(world.officer)
    page = client.get(f"/ballots/{ballot.pk}/verifiable/").content.decode()
    assert f"omov credentials generate --election {ballot.election_id}" in page
    keys = sorted(cr.derive_credential(ballot.election_id, cr.new_code()).public_hex for _ in range(3))
    body = json.dumps({"election": ballot.election_id, "keys": keys}).encode()
    done = client.post(f"/ballots/{ballot.pk}/credentials/upload/",
                       {"upload": SimpleUploadedFile("credentials.json", body)}, follow=True)  # fmt: skip
    assert "The list of 3 credential keys is in" in done.content.decode()
    codes = json.dumps({"election": ballot.election_id, "keys": keys, "codes": ["X"]}).encode()
    refused = client.post(f"/ballots/{ballot.pk}/credentials/upload/",
                          {"upload": SimpleUploadedFile("c.json", codes)}, follow=True)  # fmt: skip
    assert "Not accepted" in refused.content.decode()
    assert ballot.credential_keys.count() == 3
    # Anyone may check an opened paper once the ballot is visible; the page reads the file locally.
    assert client.get(f"/ballots/{ballot.pk}/check-opening/").status_code == 404  # not open: no parameters yet


def test_an_audited_papers_tracker_alone_is_sent_and_that_paper_can_never_be_cast(world):
    from omov.ballots.models import SpoiledTracker

    ballot, tokens = _open(world)
    client = Client()
    booth = client.get(f"/ballots/{ballot.pk}/vote/").content.decode()
    data = json.loads(re.search(r'id="booth-data"[^>]*>(.*?)</script>', booth, re.S).group(1))
    assert data["spoil_url"] == f"/ballots/{ballot.pk}/spoil/"
    sealed = play.seal(ballot, tokens[1], [2, 0])
    answer = client.post(data["spoil_url"], {"tracker": sealed.tracker.upper()})
    assert answer.status_code == 200 and answer.json() == {"ok": True, "tracker": sealed.tracker}
    assert list(SpoiledTracker.objects.filter(ballot=ballot).values_list("tracker", flat=True)) == [sealed.tracker]
    assert [f.name for f in SpoiledTracker._meta.get_fields()] == ["id", "ballot", "tracker"]  # no choices kept
    refused = client.post(f"/ballots/{ballot.pk}/vote/", {"cast": json.dumps(sealed.cast), "credential": tokens[1]})
    assert refused.status_code == 400 and not Paper.objects.filter(ballot=ballot).exists()
    assert client.post(data["spoil_url"], {"tracker": "not a tracker"}).status_code == 400
    cast = play.cast_sealed(ballot, tokens[2], [0])
    assert client.post(data["spoil_url"], {"tracker": cast}).json()["ok"] is False  # a cast paper is never opened


def test_wrong_codes_at_the_booth_count_against_the_address_like_any_ballot(world, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "credential-ip": "2/900"}
    ballot, tokens = _open(world)
    client = Client()
    sealed = play.seal(ballot, tokens[0], [0])
    wrong = [tokens[0][:-2] + x for x in ("AA", "AB", "AC", "AD") if tokens[0][:-2] + x != tokens[0]][:3]
    statuses = [client.post(f"/ballots/{ballot.pk}/vote/", {"cast": json.dumps(sealed.cast),
                                                            "credential": code}).status_code
                for code in wrong]  # fmt: skip
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    ok = client.post(f"/ballots/{ballot.pk}/vote/", {"cast": json.dumps(sealed.cast), "credential": tokens[0]})
    assert ok.status_code == 200 and Paper.objects.filter(ballot=ballot).count() == 1  # a right code always works
