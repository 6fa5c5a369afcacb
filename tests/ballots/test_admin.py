"""The officers' admin: actions that call the services, per-ballot access, scrutineers read-only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from omov.audit.models import AuditEntry, Job
from omov.ballots import services as bs
from omov.ballots.models import Ballot, Paper
from tests.conftest_django import open_and_issue

S = Ballot.State


def _act(client: Client, action: str, *ballots: Ballot):
    return client.post(
        "/admin/ballots/ballot/", {"action": action, "_selected_action": [b.pk for b in ballots]}, follow=True
    )


@pytest.fixture
def officer_client(world):
    client = Client()
    client.force_login(world.officer)
    return client


def test_admin_actions_take_a_ballot_from_draft_to_published(world, officer_client):
    ballot = world.ballot("irv", ready=False)
    assert _act(officer_client, "action_mark_ready", ballot).status_code == 200
    assert Ballot.objects.get(pk=ballot.pk).state == S.READY
    response = _act(officer_client, "action_open", ballot)
    assert b"opening" in response.content
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN
    assert Job.objects.filter(kind="open-ballot", state="succeeded").exists()
    from django.core import mail

    from tests.conftest_django import tokens_in

    for message in mail.outbox[:5]:
        bs.cast(credential=tokens_in(message.body)[0], paper=[1])
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now())  # its closing time has come
    _act(officer_client, "action_close", ballot)
    _act(officer_client, "action_count", ballot)
    assert Ballot.objects.get(pk=ballot.pk).state == S.COUNTED
    # publishing is confirmed on the ballot's page: the action only leads there
    response = _act(officer_client, "action_publish", ballot)
    assert response.redirect_chain[-1][0] == f"/ballots/{ballot.pk}/officer/publish/"
    assert b"Publish the result?" in response.content
    assert Ballot.objects.get(pk=ballot.pk).state == S.COUNTED
    response = officer_client.post(f"/ballots/{ballot.pk}/officer/publish/", {"confirm": "yes"}, follow=True)
    assert Ballot.objects.get(pk=ballot.pk).state == S.PUBLISHED
    assert b"published" in response.content
    assert AuditEntry.objects.filter(action="ballot.publish", actor="ro").exists()


def test_the_admin_refuses_to_close_a_ballot_before_its_closing_time(world, officer_client):
    ballot = world.ballot("irv")
    bs.open_ballot(ballot=ballot, actor=world.officer)
    response = _act(officer_client, "action_close", ballot)
    assert b"is advertised to close at" in response.content and b"12 on the roll have not voted" in response.content
    assert f"/ballots/{ballot.pk}/officer/close/".encode() in response.content  # where to confirm closing early
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN


def test_a_refused_action_shows_the_services_error(world, officer_client):
    ballot = world.ballot("irv", ready=False)
    response = _act(officer_client, "action_close", ballot)
    assert b"cannot close" in response.content and b"it is draft" in response.content
    assert Ballot.objects.get(pk=ballot.pk).state == S.DRAFT


def test_an_officer_sees_and_runs_only_their_own_ballots(world):
    mine = world.ballot("irv", ready=False)
    theirs = world.ballot("irv", ready=False)
    theirs.returning_officers.set([world.other_officer])
    client = Client()
    client.force_login(world.officer)
    listing = client.get("/admin/ballots/ballot/")
    assert listing.status_code == 200
    assert f"/admin/ballots/ballot/{mine.pk}/change/".encode() in listing.content
    assert f"/admin/ballots/ballot/{theirs.pk}/change/".encode() not in listing.content
    assert client.get(f"/admin/ballots/ballot/{theirs.pk}/change/").status_code in (302, 404)
    _act(client, "action_mark_ready", theirs)
    assert Ballot.objects.get(pk=theirs.pk).state == S.DRAFT


def test_a_scrutineer_can_look_but_not_change(world):
    ballot = world.ballot("irv")
    bs.appoint_scrutineer(ballot=ballot, user=world.scrutineer, actor=world.officer)
    client = Client()
    client.force_login(world.scrutineer)
    assert client.get(f"/admin/ballots/ballot/{ballot.pk}/change/").status_code == 200
    response = _act(client, "action_open", ballot)
    assert Ballot.objects.get(pk=ballot.pk).state == S.READY
    assert response.status_code in (200, 403)
    page = client.get(f"/admin/ballots/ballot/{ballot.pk}/change/")
    assert b'name="_save"' not in page.content  # no save button: read-only
    assert client.get("/admin/audit/auditentry/").status_code == 200


def test_officers_edit_draft_ballots_through_the_services(world, officer_client):
    ballot = world.ballot("irv", ready=False)
    url = f"/admin/ballots/ballot/{ballot.pk}/change/"
    page = officer_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    data.update({"title": "Renamed", "organisation": world.org.pk, "method": "irv", "seats": 1,
                 "options": "{}", "electorate_statuses": '["active"]'})  # fmt: skip
    for prefix in ("candidates", "balance_rules"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    for key in ("opens_at", "closes_at"):
        data[f"{key}_0"], data[f"{key}_1"] = "2030-01-01", "10:00:00"
    data["closes_at_0"] = "2030-01-02"
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.content[:3000]
    assert Ballot.objects.get(pk=ballot.pk).title == "Renamed"
    assert AuditEntry.objects.filter(action="ballot.update", subject=f"ballot:{ballot.pk}").exists()


def test_print_letters_action_gives_the_letters_once(world, officer_client):
    ballot = world.ballot("irv")
    bs.open_ballot(ballot=ballot, actor=world.officer)
    for member in world.members[:3]:
        from omov.ballots.models import Voter

        Voter.objects.filter(ballot=ballot, member=member).update(channel="post")
    response = _act(officer_client, "action_print_letters", ballot)
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/html") and "no-store" in response["Cache-Control"]
    assert text.count("one-time voting credential") == 3 and text.count('class="letter"') == 3
    assert 'href="/static/ballots/letters.css"' in text  # one letter a printed page:
    assert "break-after: page" in _static("omov/ballots/static/ballots/letters.css")
    again = _act(officer_client, "action_print_letters", ballot)
    assert "No letters to print." in again.content.decode()


def test_the_papers_admin_is_read_only(world, officer_client):
    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    bs.cast(credential=tokens[0], paper=[1])
    paper = Paper.objects.get()
    assert officer_client.get("/admin/ballots/paper/").status_code == 200
    response = officer_client.post(f"/admin/ballots/paper/{paper.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Paper.objects.count() == 1


def test_nobody_reads_a_paper_in_the_admin_before_the_close(world):
    """While voting is open a paper's content is a running tally and its position the order of casting: the
    admin shows neither to the ballot's officer, its scrutineer or a superuser, by list, sort, search, filter or
    the paper's own page; from the close they read them."""
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat"))
    bs.appoint_scrutineer(ballot=ballot, user=world.scrutineer, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    bs.cast(credential=tokens[0], paper=[3, 1])
    bs.cast(credential=tokens[1], paper=[2])
    papers = list(Paper.objects.order_by("position"))
    readers = [world.officer, world.scrutineer, world.admin]

    def pages(paper: Paper) -> list[str]:
        return [
            "/admin/ballots/paper/",
            "/admin/ballots/paper/?o=-2",  # newest first
            f"/admin/ballots/paper/?ballot__id__exact={ballot.pk}",
            f"/admin/ballots/paper/?q={paper.tracker}",
            f"/admin/ballots/paper/{paper.pk}/change/",
            f"/admin/ballots/paper/{paper.pk}/history/",
        ]

    for user in readers:
        client = Client()
        client.force_login(user)
        for paper in papers:
            for url in pages(paper):
                response = client.get(url, follow=True)
                text = response.content.decode().replace(f'value="{paper.tracker}"', "")  # the search box
                assert paper.tracker not in text and paper.entry_hash not in text, (user, url)
                assert _content(paper) not in text, (user, url)
        listing = client.get("/admin/ballots/paper/").content.decode()
        assert f"ballot__id__exact={ballot.pk}" not in listing  # the filter offers no ballot still open

    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    for user in readers:
        client = Client()
        client.force_login(user)
        listing = client.get("/admin/ballots/paper/").content.decode()
        assert all(p.tracker in listing for p in papers), user
        page = client.get(f"/admin/ballots/paper/{papers[0].pk}/change/")
        assert page.status_code == 200 and _content(papers[0]) in page.content.decode()


def _content(paper: Paper) -> str:
    """The paper's content as an HTML page would show it."""
    import html

    return html.escape(bytes(paper.content).decode())


def test_member_import_from_the_admin_runs_as_a_job(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(world.admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = b"membership_number,name,unit,joined_on\nZ1,Zed,B1,2020-01-01\n"
    response = client.post(
        "/admin/members/member/import/",
        {"organisation": world.org.pk, "file": SimpleUploadedFile("m.csv", csv, content_type="text/csv")},
    )
    assert response.status_code == 302
    job = Job.objects.get(kind="import-members")
    assert job.state == "succeeded" and job.result["created"] == 1


def _static(path: str) -> str:
    """A static file of the tree (the pages link their styles: the Content-Security-Policy allows none inline)."""
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / path).read_text(encoding="utf-8")
