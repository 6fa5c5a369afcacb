"""Volunteer sign-up forms and petitions: an organiser creates one for a unit; anyone signs it on its public
page; every submission passes the moderation pipeline (`omov.core.screening`) and is accepted, held for an
organiser, or filed as spam (never dropped); a petition's signature counts once its signer confirms their email
address (double opt-in); volunteers who ask to join become join requests for the membership officer.

The audit log is permanent, so its entries carry ids and counts only, never a signer's name or address."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import re
import uuid
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from omov.audit.services import record
from omov.core import screening
from omov.core.actors import actor_label
from omov.core.jobs import enqueue
from omov.members.emails import normalise_email
from omov.members.importer import is_email
from omov.members.models import Unit
from omov.organising.errors import InvalidInput, RateLimited, WrongState
from omov.organising.models import SignUpForm, Submission
from omov.organising.services._common import require_organiser, site_url

# A UK postcode ("SW1A 1AA", "M1 1AE", "B33 8TH"); elsewhere a short code of letters, digits and spaces.
_UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")
_POSTCODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]$")
_PHONE = re.compile(r"^\+?[\d ()-]{6,25}$")
MAX_MESSAGE = 1000
DEFAULT_CONSENT = (
    "I agree that {unit} may keep my name, email address and postcode (and phone number if I gave it) to "
    "contact me about this campaign. I can ask for them to be erased at any time."
)


@transaction.atomic
def create_form(
    *,
    unit: Unit,
    kind: str,
    title: str,
    text: str,
    actor: Any,
    consent: str = "",
    interests: str = "",
    ask_phone: bool = True,
    offer_join: bool = True,
    target: int = 0,
) -> SignUpForm:
    """A new volunteer sign-up form or petition of `unit`, open at once on its public page."""
    require_organiser(actor, unit, "create sign-up forms and petitions")
    title = " ".join(title.split())
    text = text.replace("\r\n", "\n").strip()
    consent = " ".join((consent or DEFAULT_CONSENT.format(unit=unit.name)).split())
    if kind not in SignUpForm.Kind.values:
        raise InvalidInput(f"a form is one of: {', '.join(SignUpForm.Kind.labels)}")
    if not title or len(title) > 200:
        raise InvalidInput("give a title of at most 200 characters")
    if not text:
        raise InvalidInput("say what people sign: the petition's text, or what volunteers will do")
    if target < 0 or (kind == SignUpForm.Kind.PETITION and target == 0):
        raise InvalidInput("a petition needs a target: the number of signatures you aim for")
    choices = [line.strip() for line in interests.splitlines() if line.strip()]
    if any(len(c) > 100 for c in choices) or len(choices) > 30:
        raise InvalidInput("at most 30 interests, each at most 100 characters")
    form = SignUpForm.objects.create(
        unit=unit, kind=kind, title=title, text=text, consent=consent, interests="\n".join(choices),
        ask_phone=ask_phone, offer_join=offer_join, target=target if kind == SignUpForm.Kind.PETITION else 0,
        created_by=actor_label(actor)[:150],
    )  # fmt: skip
    record(
        actor=actor,
        action="organising.form.create",
        subject=f"signup-form:{form.pk}",
        details={"unit": unit.pk, "kind": kind, "title": title, "target": form.target},
    )
    return form


@transaction.atomic
def close_form(*, form: SignUpForm, actor: Any) -> SignUpForm:
    """Close a form or petition: it takes no more submissions; its count and page stay. Cannot be undone."""
    require_organiser(actor, form.unit, "close this form")
    form = SignUpForm.objects.select_for_update().get(pk=form.pk)
    if form.state == SignUpForm.State.CLOSED:
        raise WrongState("this form is already closed")
    form.state, form.closed_at = SignUpForm.State.CLOSED, timezone.now()
    form.save(update_fields=["state", "closed_at"])
    record(
        actor=actor,
        action="organising.form.close",
        subject=f"signup-form:{form.pk}",
        details={"signatures": Submission.objects.filter(form=form, **COUNTED).count()},
    )
    return form


COUNTED = {"moderation": Submission.Moderation.ACCEPTED, "confirmed_at__isnull": False, "erased": False}


def ip_key(ip: str) -> str:
    """A keyed hash of an IP address: enough to see a burst from one address, not enough to recover it."""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]


def _postcode(text: str) -> str:
    code = " ".join(text.upper().split())
    if _UK_POSTCODE.match(code):
        compact = code.replace(" ", "")
        return f"{compact[:-3]} {compact[-3:]}"
    if not _POSTCODE.match(code):
        raise InvalidInput("give your postcode (for example SW1A 1AA)")
    return code


@transaction.atomic
def submit(
    *,
    form: SignUpForm,
    name: str,
    email: str,
    postcode: str,
    consent: bool,
    actor: Any,
    phone: str = "",
    interests: list[str] | None = None,
    message: str = "",
    wants_to_join: bool = False,
    user_ip: str = "127.0.0.1",
    now: dt.datetime | None = None,
) -> Submission:
    """Sign a petition or a volunteer form. Screened first: accepted, held for an organiser, or spam (kept,
    never counted); refused only when the same address sends too fast. A petition's signature counts once its
    signer confirms their email (a link is emailed); a volunteer's sign-up counts at once and is confirmed by
    email. The same email signs a form once: a second time changes nothing (and reveals nothing)."""
    now = now or timezone.now()
    form = SignUpForm.objects.select_for_update().select_related("unit").get(pk=form.pk)
    if form.state != SignUpForm.State.OPEN:
        raise WrongState("this form is closed: it takes no more signatures")
    name = " ".join(name.split())
    email = normalise_email(email)
    phone = " ".join(phone.split()) if form.ask_phone else ""
    message = message.replace("\r\n", "\n").strip()
    if not name or len(name) > 200:
        raise InvalidInput("give your name (at most 200 characters)")
    if not is_email(email):
        raise InvalidInput("give an email address we can write to")
    postcode = _postcode(postcode)
    if phone and not _PHONE.match(phone):
        raise InvalidInput("give a phone number of digits (with + and spaces if you like), or leave it empty")
    if len(message) > MAX_MESSAGE:
        raise InvalidInput(f"a message has at most {MAX_MESSAGE} characters (this one has {len(message)})")
    choices = form.interest_choices
    chosen = [c for c in (interests or []) if c in choices]
    if len(chosen) != len(interests or []):
        raise InvalidInput("choose interests from the list: reload the page")
    if not consent:
        raise InvalidInput("tick the box to agree to the consent wording: we cannot keep your details without it")
    existing = Submission.objects.filter(form=form, email=email).first()
    if existing is not None:
        return existing
    key = ip_key(user_ip)
    recent = list(
        Submission.objects.filter(form=form, ip_key=key, created_at__gte=now - dt.timedelta(hours=1)).values_list(
            "created_at", flat=True
        )
    )
    text = "\n".join(part for part in (name, message, " ".join(chosen)) if part)
    verdict = screening.screen(
        text, recent=recent, now=now, author=name, author_email=email, user_ip=user_ip,
        organisation_id=form.unit.organisation_id,
    )  # fmt: skip
    if verdict.verdict == screening.REFUSE:
        raise RateLimited("too many signatures from your connection just now: wait a minute and try again")
    moderation = {screening.SPAM: Submission.Moderation.SPAM, screening.HOLD: Submission.Moderation.HELD}.get(
        verdict.verdict, Submission.Moderation.ACCEPTED
    )
    volunteer = form.kind == SignUpForm.Kind.VOLUNTEER
    try:
        with transaction.atomic():
            sub = Submission.objects.create(
                form=form, name=name, email=email, postcode=postcode, phone=phone, interests=chosen,
                message=message, consent_text=form.consent, moderation=moderation, reasons=list(verdict.reasons),
                join=Submission.JoinState.REQUESTED if (wants_to_join and form.offer_join) else "",
                ip_key=key, created_at=now, confirmed_at=now if volunteer else None,
            )  # fmt: skip
    except IntegrityError:  # the same address at the same moment
        return Submission.objects.get(form=form, email=email)
    record(
        actor=actor,
        action="organising.form.submit",
        subject=f"signup-form:{form.pk}",
        details={"submission": sub.pk, "moderation": moderation, "reasons": list(verdict.reasons)},
    )
    if moderation != Submission.Moderation.SPAM:
        enqueue("omov.organising.send_submission_mail", sub.pk)
    return sub


@transaction.atomic
def confirm_submission(*, token: str, actor: Any, now: dt.datetime | None = None) -> Submission:
    """The signer followed the link in their email: their signature counts (if screening accepted it)."""
    try:
        key = uuid.UUID(str(token))
    except ValueError:
        key = None
    sub = Submission.objects.select_for_update().select_related("form").filter(token=key, erased=False).first()
    if key is None or sub is None:
        raise InvalidInput("this confirmation link is not valid: copy the whole link from the email")
    if sub.confirmed_at is None:
        sub.confirmed_at = min(now or timezone.now(), timezone.now())
        sub.save(update_fields=["confirmed_at"])
        record(
            actor=actor,
            action="organising.form.confirm",
            subject=f"signup-form:{sub.form_id}",
            details={"submission": sub.pk},
        )
    return sub


@transaction.atomic
def moderate_submission(*, submission: Submission, decision: str, actor: Any) -> Submission:
    """An organiser's decision on a held (or spam) submission: "accept" (it counts, once confirmed) or "spam"."""
    require_organiser(actor, submission.form.unit, "review submissions")
    target = {"accept": Submission.Moderation.ACCEPTED, "spam": Submission.Moderation.SPAM}.get(decision)
    if target is None:
        raise InvalidInput("the decision is accept or spam")
    if submission.erased:
        raise WrongState("this submission was erased")
    was = submission.moderation
    if was != target:
        submission.moderation = target
        submission.save(update_fields=["moderation"])
        record(
            actor=actor,
            action="organising.form.moderate",
            subject=f"signup-form:{submission.form_id}",
            details={"submission": submission.pk, "from": was, "to": target},
        )
        if target == Submission.Moderation.ACCEPTED and submission.mailed_at is None:
            enqueue("omov.organising.send_submission_mail", submission.pk)
    return submission


@transaction.atomic
def handle_join_request(*, submission: Submission, actor: Any) -> Submission:
    """The membership officer (an organiser of the unit, or an administrator) has dealt with a request to join."""
    require_organiser(actor, submission.form.unit, "handle join requests")
    if submission.join != Submission.JoinState.REQUESTED:
        raise WrongState("this is not a request to join waiting for an answer")
    submission.join = Submission.JoinState.HANDLED
    submission.save(update_fields=["join"])
    record(
        actor=actor,
        action="organising.join.handle",
        subject=f"signup-form:{submission.form_id}",
        details={"submission": submission.pk},
    )
    return submission


@transaction.atomic
def erase_submission(*, submission: Submission, actor: Any, reason: str = "request") -> Submission:
    """Erase one signer's personal data on request (UK GDPR art. 17): their signature is withdrawn (no longer
    counted); the blank row stays, and the audit entry says whether it had counted. Cannot be undone."""
    require_organiser(actor, submission.form.unit, "erase submissions")
    if submission.erased:
        raise WrongState("this submission was already erased")
    counted = submission.counts
    Submission.objects.filter(pk=submission.pk).update(
        name="", email=f"erased-{submission.pk}@invalid", postcode="", phone="", interests=[], message="",
        ip_key="", erased=True, join="",
    )  # fmt: skip
    record(
        actor=actor,
        action="organising.form.erase",
        subject=f"signup-form:{submission.form_id}",
        details={"submission": submission.pk, "reason": reason[:200], "counted": counted},
    )
    submission.refresh_from_db()
    return submission


@transaction.atomic
def export_submissions(*, form: SignUpForm, actor: Any) -> str:
    """The form's accepted, unerased submissions as CSV (name, email, postcode, phone, interests, message, join
    request, consent wording, when). Every export is written to the audit log with how many rows."""
    require_organiser(actor, form.unit, "export sign-ups")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "postcode", "phone", "interests", "message", "wants_to_join", "confirmed_at",
                     "consent"])  # fmt: skip
    rows = 0
    for sub in form.submissions.filter(moderation=Submission.Moderation.ACCEPTED, erased=False).order_by("pk"):
        writer.writerow([
            sub.name, sub.email, sub.postcode, sub.phone, "; ".join(sub.interests), sub.message,
            "yes" if sub.join else "", sub.confirmed_at.isoformat() if sub.confirmed_at else "", sub.consent_text,
        ])  # fmt: skip
        rows += 1
    record(actor=actor, action="organising.form.export", subject=f"signup-form:{form.pk}", details={"rows": rows})
    return out.getvalue()


def send_submission_mail(*, submission_id: int) -> bool:
    """Email a signer once: a petition's confirmation link, or a volunteer's thanks. Called by the background job."""
    sub = Submission.objects.select_related("form", "form__unit").filter(pk=submission_id).first()
    if sub is None or sub.erased or sub.mailed_at is not None or sub.moderation == Submission.Moderation.SPAM:
        return False
    form = sub.form
    if form.kind == SignUpForm.Kind.PETITION:
        link = site_url(f"/organising/confirm/{sub.token}/")
        subject = f"Confirm your signature: {form.title}"
        body = (
            f"Dear {sub.name},\n\nThank you for signing “{form.title}” ({form.unit.name}).\n\n"
            f"Your signature counts once you confirm that this is your email address:\n{link}\n\n"
            "If you did not sign, ignore this email: nothing is counted without the confirmation.\n"
        )
    else:
        subject = f"Thank you for signing up: {form.title}"
        body = (
            f"Dear {sub.name},\n\nThank you for signing up to “{form.title}” ({form.unit.name}). An organiser "
            "will be in touch.\n\nYou agreed to this:\n" + sub.consent_text + "\n\n"
            "To have your details erased, reply to this email.\n"
        )
    mail.EmailMessage(subject=subject, body=body, to=[sub.email]).send(fail_silently=False)
    Submission.objects.filter(pk=sub.pk).update(mailed_at=timezone.now())
    return True
