"""Volunteer sign-up forms and petitions: screened by the moderation pipeline (accepted, held, spam — never
dropped), double opt-in for petition signatures, join requests, erasure; and waiting lists for full events."""

from __future__ import annotations

import pytest
from django.core import mail

from omov.audit.models import AuditEntry
from omov.core import screening
from omov.core.actors import ANONYMOUS
from omov.members.services import user_for_member
from omov.organising import selectors
from omov.organising import services as os_
from omov.organising.errors import EventFull, InvalidInput, NotAllowed, RateLimited, WrongState
from omov.organising.models import Rsvp, SignUpForm, Submission


@pytest.fixture
def petition(org):
    return os_.create_form(
        unit=org.b1, kind="petition", title="Save the number 7 bus", text="We call on the council to keep it.",
        target=100, actor=org.officer,
    )  # fmt: skip


@pytest.fixture
def volunteers(org):
    return os_.create_form(
        unit=org.b1, kind="volunteer", title="Volunteer with B one", text="Help us win the by-election.",
        interests="Canvassing\nLeafleting\nPhone banking", actor=org.officer,
    )  # fmt: skip


def _sign(form, n=0, **kw):
    args = dict(form=form, name=f"Pat Signer {n}", email=f"pat{n}@example.org", postcode="sw1a1aa", consent=True,
                actor=ANONYMOUS, user_ip=f"192.0.2.{n % 250}")  # fmt: skip
    args.update(kw)
    return os_.submit(**args)


def test_only_an_organiser_creates_forms_and_a_petition_needs_a_target(org):
    with pytest.raises(NotAllowed):
        os_.create_form(unit=org.b1, kind="petition", title="T", text="x", target=5, actor=org.member_user)
    with pytest.raises(InvalidInput, match="target"):
        os_.create_form(unit=org.b1, kind="petition", title="T", text="x", actor=org.officer)
    form = os_.create_form(unit=org.b1, kind="volunteer", title="T", text="x", actor=org.officer)
    assert "B one may keep my name" in form.consent


def test_a_petition_signature_counts_only_once_its_email_is_confirmed(org, petition):
    sub = _sign(petition)
    assert sub.moderation == "accepted" and sub.postcode == "SW1A 1AA"
    assert selectors.signature_count(petition) == 0
    assert len(mail.outbox) == 1 and f"/organising/confirm/{sub.token}/" in mail.outbox[0].body
    os_.confirm_submission(token=str(sub.token), actor=ANONYMOUS)
    os_.confirm_submission(token=str(sub.token), actor=ANONYMOUS)  # twice is once
    assert selectors.signature_count(petition) == 1
    assert selectors.signatures_over_time(petition)["values"] == [1]
    assert _sign(petition).pk == sub.pk and len(mail.outbox) == 1  # the same email signs once
    with pytest.raises(InvalidInput, match="not valid"):
        os_.confirm_submission(token="not-a-token", actor=ANONYMOUS)
    entries = AuditEntry.objects.filter(action__startswith="organising.form")
    assert not any("Pat" in str(e.details) or "example.org" in str(e.details) for e in entries)


def test_a_volunteer_sign_up_needs_consent_and_valid_details_and_may_ask_to_join(org, volunteers):
    with pytest.raises(InvalidInput, match="consent"):
        _sign(volunteers, consent=False)
    with pytest.raises(InvalidInput, match="postcode"):
        _sign(volunteers, postcode="!!")
    with pytest.raises(InvalidInput, match="interests from the list"):
        _sign(volunteers, interests=["Astrology"])
    sub = _sign(volunteers, interests=["Leafleting"], phone="+44 7700 900123", wants_to_join=True)
    assert sub.counts and sub.join == "requested" and "Thank you for signing up" in mail.outbox[0].subject
    assert list(selectors.join_requests_for(user=org.officer)) == [sub]
    os_.handle_join_request(submission=sub, actor=org.officer)
    assert not selectors.join_requests_for(user=org.officer).exists()
    with pytest.raises(WrongState):
        os_.handle_join_request(submission=sub, actor=org.officer)


def test_spam_is_kept_and_not_counted_and_held_text_waits_for_an_organiser(org, petition, monkeypatch):
    verdicts = iter(
        [screening.Screened(screening.SPAM, ("spam:score",)), screening.Screened(screening.HOLD, ("abuse",))]
    )
    monkeypatch.setattr(screening, "_SCREENERS", [lambda text, **kw: next(verdicts)])
    spam = _sign(petition, 1, message="cheap pills http://x.example http://y.example")
    held = _sign(petition, 2)
    assert Submission.objects.get(pk=spam.pk).moderation == "spam" and held.moderation == "held"
    assert len(mail.outbox) == 1  # spam gets no email; held gets the confirmation link
    os_.confirm_submission(token=str(held.token), actor=ANONYMOUS)
    assert selectors.signature_count(petition) == 0  # held: not counted until an organiser accepts it
    with pytest.raises(NotAllowed):
        os_.moderate_submission(submission=held, decision="accept", actor=org.member_user)
    os_.moderate_submission(submission=held, decision="accept", actor=org.officer)
    assert selectors.signature_count(petition) == 1


def test_the_real_pipeline_screens_signatures(org, petition):
    sub = _sign(petition, 3, message="I use this bus every day to get to work.")
    assert sub.moderation == "accepted"
    spam = _sign(petition, 4, message="BUY CHEAP VIAGRA NOW!!! http://spam.example/a http://spam.example/b "
                                       "http://spam.example/c click here free money casino")  # fmt: skip
    assert spam.moderation in ("spam", "held") and spam.reasons


def test_a_flood_from_one_address_is_refused_and_nothing_is_lost(org, petition, settings):
    settings.OMOV_MODERATION = {"rate_hard": 2, "rate_soft": 1}
    from omov.voice.services.moderation import reset_pipeline

    reset_pipeline()
    try:
        _sign(petition, 1, user_ip="198.51.100.7")
        assert _sign(petition, 2, user_ip="198.51.100.7").moderation == "held"
        with pytest.raises(RateLimited):
            _sign(petition, 3, user_ip="198.51.100.7")
    finally:
        reset_pipeline()
    assert Submission.objects.filter(form=petition).count() == 2


def test_closing_a_petition_stops_signatures_and_keeps_the_count(org, petition):
    sub = _sign(petition)
    os_.confirm_submission(token=str(sub.token), actor=ANONYMOUS)
    os_.close_form(form=petition, actor=org.officer)
    with pytest.raises(WrongState, match="closed"):
        _sign(petition, 5)
    with pytest.raises(WrongState):
        os_.close_form(form=SignUpForm.objects.get(pk=petition.pk), actor=org.officer)
    assert selectors.signature_count(petition) == 1


def test_erasing_a_signer_blanks_them_and_withdraws_their_signature(org, petition):
    sub = _sign(petition)
    os_.confirm_submission(token=str(sub.token), actor=ANONYMOUS)
    os_.erase_submission(submission=sub, actor=org.officer, reason="email of 3 June")
    sub.refresh_from_db()
    assert (sub.name, sub.postcode, sub.erased) == ("", "", True)
    assert selectors.signature_count(petition) == 0
    assert Submission.objects.filter(form=petition).count() == 1
    with pytest.raises(WrongState):
        os_.erase_submission(submission=sub, actor=org.officer)


# Waiting lists --------------------------------------------------------------------------------------------------


def test_a_full_event_keeps_a_waiting_list_and_a_cancellation_promotes_the_first(org, make_event):
    event = make_event(capacity=1)
    first = os_.rsvp(event=event, member=org.members[0], actor=org.member_user)
    second, third = org.members[1], org.members[2]
    with pytest.raises(EventFull, match="waiting list"):
        os_.rsvp(event=event, member=second, actor=user_for_member(member=second))
    w2 = os_.rsvp(event=event, member=second, actor=user_for_member(member=second), waiting_list=True)
    w3 = os_.rsvp(event=event, member=third, actor=user_for_member(member=third), waiting_list=True)
    assert (w2.state, w3.state) == ("waiting", "waiting")
    assert "number 2 on the waiting list" in mail.outbox[-1].body and not mail.outbox[-1].attachments
    mail.outbox.clear()
    os_.cancel_rsvp(place=first, actor=org.member_user)
    w2.refresh_from_db()
    w3.refresh_from_db()
    assert (w2.state, w3.state) == ("going", "waiting") and w2.promoted_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [second.email]
    assert "A place came up" in mail.outbox[0].body and mail.outbox[0].attachments
    assert list(os_.waiting_list_of(event)) == [w3]
    os_.cancel_rsvp(place=w3, actor=user_for_member(member=third))  # leaving the waiting list promotes no one
    assert Rsvp.objects.filter(event=event, state="going").count() == 1


def test_a_public_sign_up_can_wait_too(org, make_event):
    event = make_event(capacity=1, audience="public")
    os_.sign_up(event=event, name="A", email="a@example.org", actor=ANONYMOUS)
    place = os_.sign_up(event=event, name="B", email="b@example.org", actor=ANONYMOUS, waiting_list=True)
    assert place.state == "waiting" and place.waiting_since is not None
    assert mail.outbox[-1].subject == "Waiting list: Branch meeting" and mail.outbox[-1].to == ["b@example.org"]
