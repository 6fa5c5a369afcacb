"""The members' and officers' pages through the Django test client: every page renders, invalid papers get
clear messages and change nothing, CSRF-less posts are refused, reused credentials and casts after the close
say so, and the officer's buttons drive close → count → publish."""

from __future__ import annotations

import html as htmllib
import json
import re
import shlex

import pytest
from django.core import mail
from django.test import Client

from omov.ballots import services as bs
from omov.ballots.models import Ballot, Credential, Paper
from omov.core.actors import SystemActor

pytestmark = pytest.mark.django_db


def open_with_tokens(world, method="scottish", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"), **kw):
    """An open ballot and the credentials emailed to its voters (membership order)."""
    mail.outbox.clear()
    ballot = world.ballot(method, seats=seats, candidates=candidates, **kw)
    bs.start_opening(ballot=ballot, actor=world.officer)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN
    tokens = [re.search(r"credential=([A-Z2-7-]+)", m.body).group(1) for m in mail.outbox]
    assert len(tokens) == 12
    return ballot, tokens


def counts(ballot):
    return Paper.objects.filter(ballot=ballot).count(), Credential.objects.filter(ballot=ballot, spent=True).count()


def test_ranked_paper_renders_numbers_labels_and_credential_box(world, client):
    ballot, tokens = open_with_tokens(world)
    page = client.get(f"/ballots/{ballot.pk}/vote/?c={tokens[0]}")
    assert page.status_code == 200
    html = page.content.decode()
    for n, name in enumerate(["Ann", "Bob", "Cat", "Dan"], start=1):
        assert f'id="rank_{n}" name="rank_{n}"' in html
        assert f'<label for="rank_{n}">' in html and name in html
    assert "<fieldset" in html and "<legend>Rank the candidates (2 to be elected)</legend>" in html
    assert f'value="{tokens[0]}"' in html  # ?c= fills the credential in


def test_review_shows_the_order_then_cast_stores_one_paper_and_shows_the_receipt(world, client):
    ballot, tokens = open_with_tokens(world)
    form = {"rank_2": "1", "rank_4": "2", "rank_1": "3", "rank_3": "", "credential": tokens[0].lower()}
    confirm = client.post(f"/ballots/{ballot.pk}/vote/", {**form, "action": "review"})
    assert confirm.status_code == 200
    assert re.findall(
        r"<li><span class=\"visually-hidden\">Preference </span>(\w+)</li>", confirm.content.decode()
    ) == ["Bob", "Dan", "Ann"]
    assert counts(ballot) == (0, 0)  # the confirm step casts nothing
    receipt = client.post(f"/ballots/{ballot.pk}/vote/", {**form, "action": "cast"})
    assert receipt.status_code == 200
    tracker = re.search(r'id="tracker">([0-9a-f]{64})<', receipt.content.decode()).group(1)
    paper = Paper.objects.get(ballot=ballot)
    assert paper.tracker == tracker and json.loads(bytes(paper.content))["ranking"] == [2, 4, 1]
    assert counts(ballot) == (1, 1)
    assert f"/ballots/{ballot.pk}/papers/" in receipt.content.decode()


def test_change_shows_the_paper_again_filled_in(world, client):
    ballot, tokens = open_with_tokens(world)
    page = client.post(f"/ballots/{ballot.pk}/vote/",
                       {"rank_3": "1", "rank_1": "2", "credential": tokens[0], "action": "change"})  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 200 and 'name="rank_3" value="1"' in html and 'name="rank_1" value="2"' in html
    assert "error-summary" not in html and counts(ballot) == (0, 0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rank_1": "1", "rank_2": "1"}, "You gave preference 1 to both Ann and Bob"),
        ({"rank_1": "1", "rank_2": "3"}, "Your preferences skip 2"),
        ({}, "Your paper is empty"),
        ({"rank_1": "1", "rank_9": "2"}, "There is no candidate number 9 on this ballot"),
        ({"rank_1": "one"}, "Write a whole number from 1 to 4 beside Ann"),
        ({"rank_1": "7"}, "7 is more than the number of candidates (4)"),
    ],
)
def test_invalid_ranked_papers_get_clear_messages_and_change_nothing(world, client, fields, message):
    ballot, tokens = open_with_tokens(world)
    for action in ("review", "cast"):
        page = client.post(f"/ballots/{ballot.pk}/vote/", {**fields, "credential": tokens[0], "action": action})
        assert page.status_code == 400
        html = page.content.decode()
        assert message in html
        assert 'role="alert"' in html and "Your paper has not been cast yet" in html
    assert counts(ballot) == (0, 0)


def test_ranking_more_than_allowed_is_refused(world, client):
    ballot, tokens = open_with_tokens(world, method="irv", seats=1, candidates=("Ann", "Bob", "Cat"))
    Ballot.objects.filter(pk=ballot.pk).update(max_choices=2)  # set-up detail, fixed before opening in real use
    page = client.post(
        f"/ballots/{ballot.pk}/vote/",
        {"rank_1": "1", "rank_2": "2", "rank_3": "3", "credential": tokens[0], "action": "cast"},
    )
    assert page.status_code == 400 and "You may rank at most 2 candidates; you ranked 3" in page.content.decode()
    assert counts(ballot) == (0, 0)


def test_bloc_paper_ticks_up_to_the_seats(world, client):
    ballot, tokens = open_with_tokens(world, method="bloc", seats=2)
    html = client.get(f"/ballots/{ballot.pk}/vote/").content.decode()
    assert html.count('type="checkbox"') == 4 and "Choose up to 2" in html
    url = f"/ballots/{ballot.pk}/vote/"
    too_many = client.post(url, {"mark": ["1", "2", "3"], "credential": tokens[0], "action": "review"})
    assert (
        too_many.status_code == 400
        and "Too many marks: you may choose at most 2; you ticked 3" in too_many.content.decode()
    )
    empty = client.post(url, {"credential": tokens[0], "action": "cast"})
    assert empty.status_code == 400 and "Your paper is empty: tick a candidate" in empty.content.decode()
    unknown = client.post(url, {"mark": ["1", "8"], "credential": tokens[0], "action": "cast"})
    assert "There is no candidate number 8" in unknown.content.decode()
    assert counts(ballot) == (0, 0)
    ok = client.post(url, {"mark": ["3", "1"], "credential": tokens[0], "action": "cast"})
    assert ok.status_code == 200 and "Your vote is cast" in ok.content.decode()
    assert json.loads(bytes(Paper.objects.get(ballot=ballot).content))["marks"] == [1, 3]


def test_yes_no_paper_is_one_choice(world, client):
    ballot, tokens = open_with_tokens(world, method="fptp", seats=1, candidates=("Yes", "No"))
    html = client.get(f"/ballots/{ballot.pk}/vote/").content.decode()
    assert html.count('type="radio"') == 2 and "Choose one" in html
    both = client.post(f"/ballots/{ballot.pk}/vote/", {"mark": ["1", "2"], "credential": tokens[1], "action": "cast"})
    assert both.status_code == 400 and "you may choose at most 1" in both.content.decode()
    confirm = client.post(f"/ballots/{ballot.pk}/vote/", {"mark": "2", "credential": tokens[1], "action": "review"})
    assert "You chose:" in confirm.content.decode() and "<li>No</li>" in confirm.content.decode()


def test_missing_or_malformed_credential_is_explained(world, client):
    ballot, _ = open_with_tokens(world)
    url = f"/ballots/{ballot.pk}/vote/"
    none = client.post(url, {"rank_1": "1", "action": "review"})
    assert none.status_code == 400 and "Enter the voting credential" in none.content.decode()
    bad = client.post(url, {"rank_1": "1", "credential": "hello", "action": "cast"})
    assert bad.status_code == 400 and "That is not a ballot credential" in bad.content.decode()
    forged = client.post(url, {"rank_1": "1", "credential": "A" * 32, "action": "cast"})
    assert forged.status_code == 400 and "This credential is not valid" in forged.content.decode()
    assert counts(ballot) == (0, 0)


def test_a_reused_credential_says_so(world, client):
    ballot, tokens = open_with_tokens(world)
    url = f"/ballots/{ballot.pk}/vote/"
    assert client.post(url, {"rank_1": "1", "credential": tokens[2], "action": "cast"}).status_code == 200
    for action in ("review", "cast"):
        again = client.post(url, {"rank_2": "1", "credential": tokens[2], "action": action})
        assert again.status_code in (400, 403)
        assert "already been used to vote" in again.content.decode()
    assert counts(ballot) == (1, 1)


def test_a_credential_of_another_ballot_is_refused(world, client):
    first, tokens = open_with_tokens(world)
    second, _ = open_with_tokens(world, method="irv", seats=1, candidates=("X", "Y"))
    page = client.post(f"/ballots/{second.pk}/vote/", {"rank_1": "1", "credential": tokens[0], "action": "cast"})
    assert "for a different ballot" in page.content.decode()
    assert counts(second) == (0, 0) and counts(first) == (0, 0)


def test_a_cast_after_the_close_says_so(world, client):
    ballot, tokens = open_with_tokens(world)
    url = f"/ballots/{ballot.pk}/vote/"
    confirm = client.post(url, {"rank_1": "1", "credential": tokens[0], "action": "review"})
    assert confirm.status_code == 200
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)  # while the voter is on the confirm step
    late = client.post(url, {"rank_1": "1", "credential": tokens[0], "action": "cast"})
    assert late.status_code == 409
    assert "Voting is not open" in late.content.decode() and "Nothing was recorded" in late.content.decode()
    assert counts(ballot) == (0, 0)
    assert "papers can be cast only while it is open" in client.get(url).content.decode()


def test_voting_forms_refuse_posts_without_csrf_token(world):
    ballot, tokens = open_with_tokens(world)
    strict = Client(enforce_csrf_checks=True)
    page = strict.post(f"/ballots/{ballot.pk}/vote/", {"rank_1": "1", "credential": tokens[0], "action": "cast"})
    assert page.status_code == 403 and "Nothing was changed" in page.content.decode()
    assert counts(ballot) == (0, 0)
    strict.force_login(world.officer)
    close = strict.post(f"/ballots/{ballot.pk}/officer/close/")
    assert close.status_code == 403
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN


def test_the_same_forms_pass_with_their_csrf_token(world):
    ballot, tokens = open_with_tokens(world)
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(f"/ballots/{ballot.pk}/vote/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    ok = strict.post(
        f"/ballots/{ballot.pk}/vote/",
        {"rank_1": "1", "credential": tokens[0], "action": "cast", "csrfmiddlewaretoken": token},
    )
    assert ok.status_code == 200 and counts(ballot) == (1, 1)


def chart_of(html):
    """The chart's figures as the page hands them to results.js."""
    return json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S).group(1))


def cast_some(ballot, tokens):
    papers = [[2, 1], [2, 3], [1], [1, 2], [3, 4], [2, 4], [2], [1, 3, 4]]  # Bob 4, Ann 3: quota 3
    return [bs.cast(credential=t, paper=p, ballot_id=ballot.pk).tracker for t, p in zip(tokens, papers, strict=False)]


def test_officer_closes_counts_and_publishes_from_the_ballot_page(world, client):
    ballot, tokens = open_with_tokens(world)
    trackers = cast_some(ballot, tokens)
    client.force_login(world.officer)
    page = client.get(f"/ballots/{ballot.pk}/")
    assert 'id="officer-close"' in page.content.decode() and "open-ballot" in page.content.decode()
    for action, state in (("close", "closed"), ("count", "counted"), ("publish", "published")):
        response = client.post(f"/ballots/{ballot.pk}/officer/{action}/", {"confirm": "yes", "early": "yes"})
        assert response.status_code == 302
        ballot.refresh_from_db()
        assert ballot.state == state
    page = client.get(f"/ballots/{ballot.pk}/")
    html = page.content.decode()
    assert "The result is published" in html
    assert re.findall(r"<ol class=\"elected\" id=\"elected\"><li>(\w+)</li><li>(\w+)</li>", html) == [("Bob", "Ann")]
    assert len(trackers) == 8
    jobs = client.get(f"/ballots/{ballot.pk}/jobs.json").json()
    assert {j["kind"] for j in jobs["jobs"]} >= {"open-ballot", "count"} and jobs["state"] == "published"


def test_an_illegal_step_is_explained_and_changes_nothing(world, client):
    ballot, _ = open_with_tokens(world)
    client.force_login(world.officer)
    response = client.post(f"/ballots/{ballot.pk}/officer/publish/", follow=True)
    assert "Cannot publish &#x27;scottish ballot&#x27;: it is open" in response.content.decode()
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN


def test_only_its_officers_may_press_the_buttons(world, client):
    ballot, _ = open_with_tokens(world)
    client.force_login(world.other_officer)
    assert client.post(f"/ballots/{ballot.pk}/officer/close/").status_code == 403
    assert "officer-close" not in client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert client.get(f"/ballots/{ballot.pk}/jobs.json").status_code == 403
    client.force_login(world.scrutineer)
    bs.appoint_scrutineer(ballot=ballot, user=world.scrutineer, actor=world.officer)
    assert client.post(f"/ballots/{ballot.pk}/officer/close/").status_code == 403
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN


def published(world, client):
    ballot, tokens = open_with_tokens(world)
    trackers = cast_some(ballot, tokens)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.start_count(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    return ballot, trackers


def test_result_page_shows_elected_turnout_sheet_chart_and_downloads(world, client):
    ballot, _ = published(world, client)
    html = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert 'id="turnout">66.7%' in html and 'id="papers-count">8<' in html  # 8 papers, 12 on the roll
    assert 'class="omov-count-sheet"' in html  # the engine's HTML sheet
    assert 'id="totals-chart"' in html and "omov/vendor/chart.umd.min.js" in html
    chart = chart_of(html)
    assert [c["name"] for c in chart["candidates"]] == ["Ann", "Bob", "Cat", "Dan"]
    assert chart["candidates"][1]["totals"][0] == 4.0  # Bob's first preferences
    assert "officer-" not in html  # the public sees no buttons


def test_downloads_recount_to_the_same_result(world, client, tmp_path):
    from omov.count import count, preset, read_blt

    ballot, _ = published(world, client)
    blt = client.get(f"/ballots/{ballot.pk}/papers.blt")
    assert blt.status_code == 200 and "attachment" in blt["Content-Disposition"]
    path = tmp_path / "b.blt"
    path.write_bytes(blt.content)
    sheet = client.get(f"/ballots/{ballot.pk}/sheet.json").json()
    recount = count(read_blt(path), preset("scottish"), seats=2, seed=sheet["seed"])
    assert list(recount.elected_names) == sheet["elected"] == ballot.result.elected
    csv = client.get(f"/ballots/{ballot.pk}/sheet.csv")
    assert csv.status_code == 200 and "Ann" in csv.content.decode()
    lines = client.get(f"/ballots/{ballot.pk}/papers.jsonl").content.decode().splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 8 and all(set(r) == {"tracker", "paper"} for r in rows)
    assert [r["tracker"] for r in rows] == sorted(r["tracker"] for r in rows)


def test_tracker_lookup_finds_a_cast_paper_and_not_a_made_up_one(world, client):
    ballot, trackers = published(world, client)
    page = client.get(f"/ballots/{ballot.pk}/papers/").content.decode()
    listed = re.findall(r'<td class="hash">([0-9a-f]{64})</td>', page)
    assert listed == sorted(trackers) != trackers  # in tracker order, not the order of casting
    found = client.get(f"/ballots/{ballot.pk}/papers/", {"tracker": trackers[3].upper() + " "}).content.decode()
    assert f"Yes: tracker <code>{trackers[3]}</code> is on the list" in found
    assert f'href="/ballots/{ballot.pk}/papers/proof/{trackers[3]}" id="proof-link"' in found
    missing = client.get(f"/ballots/{ballot.pk}/papers/", {"tracker": "0" * 64})
    assert "No paper with the tracker" in missing.content.decode()


def test_a_voters_inclusion_proof_is_served_once_published(world, client):
    """/ballots/N/papers/proof/TRACKER: the tracker's leaf in the sorted list and its audit path to the root the
    close recorded; 404 for a tracker not on the list or before publication, 400 for what is not a tracker."""
    from omov import check
    from omov.ballots.selectors import closing_head

    ballot, tokens = open_with_tokens(world)
    trackers = cast_some(ballot, tokens)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    assert client.get(f"/ballots/{ballot.pk}/papers/proof/{trackers[0]}").status_code == 404
    bs.start_count(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    root = closing_head(ballot=ballot).root
    for tracker in trackers:
        proof = client.get(f"/ballots/{ballot.pk}/papers/proof/{tracker.upper()}").json()
        assert proof["tracker"] == tracker and proof["root"] == root and proof["tree_size"] == 8
        assert proof["leaf_index"] == sorted(trackers).index(tracker)
        assert check.check_proof(proof, tracker, root, 8).ok
    assert client.get(f"/ballots/{ballot.pk}/papers/proof/{'0' * 64}").status_code == 404
    assert client.get(f"/ballots/{ballot.pk}/papers/proof/not-a-tracker").status_code == 400


def test_the_ballot_page_shows_the_root_from_the_close(world, client):
    """The root is public from the close, before any count, so it can be noted down and compared later."""
    from omov.ballots.selectors import closing_head

    ballot, tokens = open_with_tokens(world)
    cast_some(ballot, tokens)
    assert 'id="papers-root"' not in client.get(f"/ballots/{ballot.pk}/").content.decode()
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    root = closing_head(ballot=ballot).root
    assert f'<code class="hash" id="papers-root">{root}</code>' in client.get(f"/ballots/{ballot.pk}/").content.decode()


def test_the_list_of_papers_shows_its_root_at_the_close_and_the_chain_check_holds_it(world, client):
    """The close writes the list's length, the Merkle root over its sorted trackers and the private chain's head
    into the audit log; the published list must give that root, and the server's own check holds both."""
    from omov.audit.models import AuditEntry
    from omov.ballots.models import Paper
    from omov.ballots.papers import papers_root
    from omov.ballots.selectors import closing_head, verify_paper_chain

    ballot, trackers = published(world, client)
    last = Paper.objects.filter(ballot=ballot).order_by("position").last()
    close = AuditEntry.objects.get(subject=f"ballot:{ballot.pk}", action="ballot.close")
    assert close.details["papers"] == len(trackers) == last.position
    assert close.details["papers_head"] == last.entry_hash
    assert close.details["papers_root"] == papers_root(trackers)
    head = closing_head(ballot=ballot)
    assert head is not None and (head.papers, head.head_hash, head.audit_position, head.root) == (
        len(trackers), last.entry_hash, close.position, papers_root(trackers)
    )
    page = client.get(f"/ballots/{ballot.pk}/papers/").content.decode()
    assert f"held\n{len(trackers)} papers" in page and head.root in page
    assert last.entry_hash not in page  # the private chain's head is not published
    assert f"entry #{close.position}" in page
    assert verify_paper_chain(ballot=ballot).ok
    # Had the list been cut short or added to after the close, it would no longer end at the recorded head.
    # (Papers and audit entries are append-only, so the mismatch is made by a later close entry that says so.)
    from omov.audit.services import record

    record(actor=SystemActor("test"), action="ballot.close", subject=f"ballot:{ballot.pk}",
           details={"papers": len(trackers) - 1, "papers_head": last.previous_hash})  # fmt: skip
    check = verify_paper_chain(ballot=ballot)
    assert not check.ok
    assert check.problem.startswith(f"the list ends at #{len(trackers)}, but when voting closed it ended at "
                                    f"#{len(trackers) - 1}")  # fmt: skip
    # A close that recorded another root (papers' trackers changed since, with a chain rebuilt to match).
    record(actor=SystemActor("test"), action="ballot.close", subject=f"ballot:{ballot.pk}",
           details={"papers": len(trackers), "papers_head": last.entry_hash, "papers_root": "ab" * 32})  # fmt: skip
    check = verify_paper_chain(ballot=ballot)
    assert not check.ok and check.problem.startswith("the papers' trackers no longer give the root recorded when")


def test_results_and_papers_are_hidden_before_publication(world, client):
    ballot, tokens = open_with_tokens(world)
    cast_some(ballot, tokens)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.start_count(ballot=ballot, actor=world.officer)
    for url in ("papers.blt", "sheet.json", "sheet.csv", "papers.jsonl", "papers/"):
        assert client.get(f"/ballots/{ballot.pk}/{url}").status_code == 404
    assert "omov-count-sheet" not in client.get(f"/ballots/{ballot.pk}/").content.decode()
    client.force_login(world.officer)  # the officer previews the count before publishing it
    assert "counted, not yet published" in client.get(f"/ballots/{ballot.pk}/").content.decode()


def test_jobs_json_of_a_hidden_ballot_answers_as_a_missing_ballot(world, client):
    draft = world.ballot("irv", ready=False)
    missing = client.get("/ballots/999999/jobs.json")
    assert missing.status_code == 404
    for user in (None, world.other_officer, world.scrutineer):
        if user is not None:
            client.force_login(user)
        hidden = client.get(f"/ballots/{draft.pk}/jobs.json")
        assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()), user
    client.force_login(world.officer)
    assert client.get(f"/ballots/{draft.pk}/jobs.json").json()["state"] == "draft"


def test_not_even_a_superuser_or_the_officer_reads_the_papers_while_voting_is_open(world, client):
    ballot, tokens = open_with_tokens(world)
    cast_some(ballot, tokens)
    for user in (world.admin, world.officer):
        client.force_login(user)
        for url in ("papers.jsonl", "papers/", "papers.blt", f"papers/?tracker={Paper.objects.first().tracker}"):
            response = client.get(f"/ballots/{ballot.pk}/{url}")
            assert response.status_code == 404, (user, url)
            assert Paper.objects.first().tracker not in response.content.decode()


def test_member_home_lists_open_ballots_and_published_results(world, client):
    from omov.members.services import user_for_member

    done, _ = published(world, client)
    ballot, tokens = open_with_tokens(world, method="irv", seats=1, candidates=("X", "Y"))
    member = world.members[0]
    client.force_login(user_for_member(member=member))
    html = client.get("/").content.decode()
    assert f"Hello, {member.name}" in html
    assert f'href="/ballots/{ballot.pk}/vote/"' in html and f'href="/ballots/{done.pk}/"' in html
    assert "elected Bob, Ann" in html
    bs.cast(credential=tokens[0], paper=[1], ballot_id=ballot.pk)
    assert "you have voted" in client.get("/").content.decode()
    client.logout()
    public = client.get("/").content.decode()
    assert "Published results" in public and "Sign in" in public


def test_draft_ballots_are_not_shown_to_the_public(world, client):
    draft = world.ballot("irv", ready=False)
    assert client.get(f"/ballots/{draft.pk}/").status_code == 404
    assert client.get(f"/ballots/{draft.pk}/vote/").status_code == 404
    client.force_login(world.officer)
    assert client.get(f"/ballots/{draft.pk}/").status_code == 200


def test_yes_no_result_page_draws_bars_when_nothing_is_transferred(world, client):
    ballot, tokens = open_with_tokens(world, method="fptp", seats=1, candidates=("Yes", "No"))
    for token, choice in zip(tokens, [1, 1, 2, 1, 2], strict=False):
        bs.cast(credential=token, paper=[choice], ballot_id=ballot.pk)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.start_count(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    html = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert re.search(r'<ol class="elected" id="elected"><li>Yes</li></ol>', html)
    chart = chart_of(html)
    assert not chart["transfers"] and [c["totals"][0] for c in chart["candidates"]] == [3.0, 2.0]
    assert 'id="transfers-chart"' not in html  # nothing is transferred in a one-stage count
    assert 'id="turnout">41.7%' in html  # 5 of 12


def test_officer_sees_a_running_jobs_progress(world, client):
    from omov.audit.services import create_job, report_progress, start_job

    ballot, _ = open_with_tokens(world)
    job = create_job(kind="count", subject=f"ballot:{ballot.pk}", created_by=world.officer)
    start_job(job=job, total=400, message="counting")
    report_progress(job=job, done=100)
    client.force_login(world.officer)
    html = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert 'data-running="1"' in html and "omov/jobs.js" in html  # the page polls while a job runs
    assert re.search(r'<progress max="100" value="25" aria-label="count progress">25%</progress>', html)
    polled = client.get(f"/ballots/{ballot.pk}/jobs.json").json()
    running = [j for j in polled["jobs"] if j["id"] == str(job.pk)][0]
    assert (running["state"], running["percent"], running["finished"]) == ("running", 25, False)


def test_the_printed_recount_command_reproduces_a_constrained_result(world, client, tmp_path, capsys):
    """The command on the result page carries the rule, seats, seed and the balance rule's constraint, so that
    running it on the downloaded papers gives the published result (here the constraint changes the result)."""
    from omov.count.cli import main as omov_count

    mail.outbox.clear()
    ballot = world.ballot("scottish", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"), ready=False)
    ann, bob, cat, dan = ballot.candidates.order_by("number")
    bs.add_balance_rule(ballot=ballot, actor=world.officer, group="group_x", minimum=1, candidates=[cat, dan])
    bs.mark_ready(ballot=ballot, actor=world.officer)
    bs.start_opening(ballot=ballot, actor=world.officer)
    tokens = [re.search(r"credential=([A-Z2-7-]+)", m.body).group(1) for m in mail.outbox]
    cast_some(ballot, tokens)  # unconstrained, Bob and Ann would be elected
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.start_count(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    ballot.refresh_from_db()
    assert ({"Cat", "Dan"} & set(ballot.result.elected)) and len(ballot.result.elected) == 2

    html = client.get(f"/ballots/{ballot.pk}/").content.decode()
    command = re.search(r'<code class="cmd">(omov count [^<]+)</code>', html).group(1)
    args = shlex.split(htmllib.unescape(command))
    assert "--at-least" in args and "group_x=1" in args and "--seats" in args
    (tmp_path / args[2]).write_bytes(client.get(f"/ballots/{ballot.pk}/papers.blt").content)
    args[2] = str(tmp_path / args[2])
    assert omov_count([*args[2:], "--format", "json"]) == 0
    recount = json.loads(capsys.readouterr().out)
    assert recount["elected"] == ballot.result.elected


def test_every_page_links_the_parts_of_the_site_and_staff_also_get_the_administration(world, client):
    nav = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
    anonymous = nav.search(client.get("/").content.decode()).group(1)
    assert 'href="/nominations/">Nominations<' in anonymous and 'href="/voice/">Member voice<' in anonymous
    assert "/admin/" not in anonymous
    client.force_login(world.officer)  # a returning officer: staff
    officer = nav.search(client.get("/").content.decode()).group(1)
    assert 'href="/admin/">Administration<' in officer and ">My ballots<" in officer
    response = client.get("/ballots/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_signed_in_member_sees_their_own_name_not_an_account_code(world, client):
    from omov.members.services import user_for_member

    member = world.members[0]
    client.force_login(user_for_member(member=member))
    assert f'<span id="signed-in-as">{member.name}</span>' in client.get("/").content.decode()
    client.force_login(world.officer)  # not a member: the account's name
    assert f'<span id="signed-in-as">{world.officer.username}</span>' in client.get("/").content.decode()


def test_each_candidate_links_to_their_statement_and_discussion(world, client):
    ballot = world.ballot("irv")
    page = client.get(f"/ballots/{ballot.pk}/").content.decode()
    for c in ballot.candidates.order_by("number"):
        assert f'<a href="/voice/candidates/{c.pk}/" id="candidate-{c.number}-discussion">' in page
    from omov.members.services import user_for_member

    first = f"/voice/candidates/{ballot.candidates.get(number=1).pk}/"
    assert client.get(first).status_code == 302  # members' discussion: sign in first
    client.force_login(user_for_member(member=world.members[0]))
    thread = client.get(first)
    assert thread.status_code == 200 and "Ann" in thread.content.decode()


def test_the_audit_trail_is_for_observers_until_published_then_public_without_personal_details(world, client):
    from tests.conftest_django import open_and_issue

    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    voter = ballot.voters.first()
    bs.reissue_credential(voter=voter, actor=world.officer, reason="letter lost in the post")
    bs.cast(credential=tokens[1], paper=[1])
    assert client.get(f"/ballots/{ballot.pk}/trail/").status_code == 404  # not published: not for the public
    client.force_login(world.officer)
    page = client.get(f"/ballots/{ballot.pk}/trail/").content.decode()
    assert "ballot.credential.reissued" in page and voter.member.membership_number in page
    assert "letter lost in the post" in page
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.count_ballot(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    client.logout()
    page = client.get(f"/ballots/{ballot.pk}/trail/").content.decode()
    actions = re.findall(r"<code>(ballot\.[a-z.-]+)</code>", page)
    assert actions[0] == "ballot.create" and actions[-1] == "ballot.publish" and "ballot.close" in actions
    assert "ballot.credential.reissued" in actions and "withheld (personal data)" in page
    assert voter.member.membership_number not in page and "letter lost" not in page
    assert "papers_head:" in page  # the close's entry, as the papers page and omov check cite it
    assert 'id="trail-link"' in client.get(f"/ballots/{ballot.pk}/").content.decode()
