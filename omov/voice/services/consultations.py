"""Consultations: questions, electorate, opening to publishing, answers and their moderation."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from omov.audit.services import record
from omov.members.models import Member, Organisation, Unit
from omov.voice.errors import AlreadyDone, InvalidInput, NotAllowed, WrongState
from omov.voice.models import (
    Answer,
    Consultation,
    NamedResponse,
    Participation,
    Question,
    Response,
)
from omov.voice.selectors import consultation_is_open, in_electorate, key_hash
from omov.voice.services._common import MAX_TEXT_ANSWER, MAX_TITLE, C, _member_actor, _require_officer
from omov.voice.services.discussion import thread_for_consultation
from omov.voice.services.moderation import get_pipeline


@transaction.atomic
def create_consultation(
    *,
    organisation: Organisation,
    title: str,
    actor: Any,
    unit: Unit | None = None,
    description: str = "",
    anonymous: bool = True,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
) -> Consultation:
    """A new draft consultation (anonymous unless told otherwise)."""
    _require_officer(actor, unit, "create a consultation")
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"a consultation needs a title of at most {MAX_TITLE} characters")
    c = Consultation.objects.create(
        organisation=organisation,
        unit=unit,
        title=title,
        description=description,
        anonymous=anonymous,
        opens_at=opens_at,
        closes_at=closes_at,
        electorate_statuses=["active"],
    )
    thread_for_consultation(consultation=c)
    record(
        actor=actor,
        action="consultation.create",
        subject=f"consultation:{c.pk}",
        details={"title": title, "anonymous": anonymous},
    )
    return c


def _lock_consultation(c: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=c.pk)


LIKERT_DEFAULT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


@transaction.atomic
def add_question(
    *, consultation: Consultation, actor: Any, kind: str, text: str, options: Sequence[str] = (), required: bool = False
) -> Question:
    """Add a question to a draft consultation."""
    _require_officer(actor, consultation.unit, "change a consultation")
    locked = _lock_consultation(consultation)
    if locked.state != C.DRAFT:
        raise WrongState("questions can be changed only while the consultation is a draft")
    if kind not in Question.Kind.values:
        raise InvalidInput(f"a question's kind is one of: {', '.join(Question.Kind.values)}")
    text = text.strip()
    if not text:
        raise InvalidInput("a question needs a text")
    opts = [" ".join(str(o).split()) for o in options if str(o).strip()]
    if kind == Question.Kind.LIKERT and not opts:
        opts = list(LIKERT_DEFAULT)
    if kind == Question.Kind.TEXT:
        opts = []
    elif len(opts) < 2 or len(set(opts)) != len(opts):
        raise InvalidInput("a choice question needs at least two different options")
    number = locked.questions.count() + 1
    q = Question.objects.create(
        consultation=locked, number=number, kind=kind, text=text, options=opts, required=required
    )
    record(
        actor=actor,
        action="consultation.question",
        subject=f"consultation:{locked.pk}",
        details={"number": number, "kind": kind},
    )
    return q


@transaction.atomic
def set_consultation_electorate(
    *,
    consultation: Consultation,
    actor: Any,
    units: Iterable[Unit] = (),
    statuses: Iterable[str] = ("active",),
    freeze_date: dt.date | None = None,
    allow_arrears: bool = False,
    supporters_allowed: bool = False,
) -> Consultation:
    """Who may answer: the same electorate rule as ballots (units and those below, statuses, freeze date...)."""
    _require_officer(actor, consultation.unit, "change a consultation")
    locked = _lock_consultation(consultation)
    if locked.state != C.DRAFT:
        raise WrongState("the electorate can be changed only while the consultation is a draft")
    units, statuses = list(units), list(statuses)
    if not statuses or any(s not in Member.Status.values for s in statuses):
        raise InvalidInput(f"statuses must be some of {', '.join(Member.Status.values)}")
    if any(u.organisation_id != locked.organisation_id for u in units):
        raise InvalidInput("every unit of the electorate must belong to the consultation's organisation")
    locked.electorate_statuses, locked.freeze_date = statuses, freeze_date
    locked.allow_arrears, locked.supporters_allowed = allow_arrears, supporters_allowed
    locked.save()
    locked.electorate_units.set(units)
    record(
        actor=actor,
        action="consultation.electorate",
        subject=f"consultation:{locked.pk}",
        details={
            "units": [u.code for u in units],
            "statuses": statuses,
            "freeze_date": str(freeze_date) if freeze_date else None,
        },
    )
    consultation.refresh_from_db()
    return locked


def _move_consultation(consultation: Consultation, *, to: str, allowed: Sequence[str], actor: Any) -> Consultation:
    _require_officer(actor, consultation.unit, "run a consultation")
    locked = _lock_consultation(consultation)
    if locked.state not in allowed:
        raise WrongState(
            f"{locked.title!r} is {locked.state}; only a consultation that is {' or '.join(allowed)} can become {to}"
        )
    old, locked.state = locked.state, to
    locked.save(update_fields=["state"])
    record(
        actor=actor, action=f"consultation.{to}", subject=f"consultation:{locked.pk}", details={"from": old, "to": to}
    )
    consultation.state = to
    return locked


@transaction.atomic
def open_consultation(*, consultation: Consultation, actor: Any) -> Consultation:
    """draft → open (needs questions and a closing time)."""
    if not consultation.questions.exists():
        raise WrongState("a consultation needs at least one question before it opens")
    if not consultation.closes_at:
        raise WrongState("set when the consultation closes (closes_at) before opening it")
    return _move_consultation(consultation, to=C.OPEN, allowed=[C.DRAFT], actor=actor)


@transaction.atomic
def close_consultation(*, consultation: Consultation, actor: Any) -> Consultation:
    """open → closed: no more answers or changes."""
    return _move_consultation(consultation, to=C.CLOSED, allowed=[C.OPEN], actor=actor)


@transaction.atomic
def publish_consultation(*, consultation: Consultation, actor: Any) -> Consultation:
    """closed → published: results (and the free-text answers moderation accepted) become public."""
    return _move_consultation(consultation, to=C.PUBLISHED, allowed=[C.CLOSED], actor=actor)


def _clean_answer(q: Question, value: Any) -> Any:
    """The stored value of an answer, or InvalidInput saying what is wrong with it."""
    n = len(q.options)
    label = f"question {q.number}"

    def index(v: Any) -> int:
        try:
            i = int(v)
        except (TypeError, ValueError):
            raise InvalidInput(f"{label}: {v!r} is not one of the options") from None
        if not 0 <= i < n:
            raise InvalidInput(f"{label}: option {i} does not exist")
        return i

    if q.kind in (Question.Kind.SINGLE, Question.Kind.LIKERT):
        return index(value)
    if q.kind == Question.Kind.MULTIPLE:
        values = value if isinstance(value, list | tuple) else [value]
        chosen = sorted({index(v) for v in values})
        return chosen
    if q.kind == Question.Kind.RANKING:
        values = value if isinstance(value, list | tuple) else [value]
        ranks = [index(v) for v in values]
        if len(set(ranks)) != len(ranks):
            raise InvalidInput(f"{label}: an option can be ranked only once")
        return ranks
    text = str(value).strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise InvalidInput(f"{label}: an answer has at most {MAX_TEXT_ANSWER} characters")
    return text


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


@transaction.atomic
def answer_consultation(
    *,
    consultation: Consultation,
    member: Member,
    answers: Mapping[int, Any],
    key: str = "",
    now: dt.datetime | None = None,
) -> str:
    """A member answers (or, with their key, changes their answers) while the consultation is open.

    `answers` maps question numbers to values: an option index (single, Likert), a list of indexes (multiple;
    ranking in rank order) or text. Returns the response's edit key: new on the first answer (the member keeps
    it; only its hash is stored), the same one on an edit. Free text passes the moderation pipeline and is
    published only if accepted. An anonymous response is never linked to its member.
    """
    now = now or timezone.now()
    locked = _lock_consultation(consultation)
    if not consultation_is_open(locked, now):
        early = locked.state == C.DRAFT or (locked.opens_at is not None and now < locked.opens_at)
        raise WrongState(
            f"{locked.title!r} is not open yet"
            if early
            else f"{locked.title!r} is closed: answers can no longer be given or changed"
        )
    if not in_electorate(consultation=locked, member=member):
        raise NotAllowed(f"you are not in the electorate of {locked.title!r}, so you cannot answer it")
    questions = {q.number: q for q in locked.questions.all()}
    unknown = set(int(k) for k in answers) - set(questions)
    if unknown:
        raise InvalidInput(f"no such question: {', '.join(map(str, sorted(unknown)))}")
    cleaned: dict[int, Any] = {}
    for number, q in questions.items():
        raw = answers.get(number, answers.get(str(number)))  # type: ignore[call-overload]
        if _empty(raw):
            if q.required:
                raise InvalidInput(f"question {number} needs an answer")
            continue
        cleaned[number] = _clean_answer(q, raw)
        if _empty(cleaned[number]):
            del cleaned[number]
    answered = Participation.objects.filter(consultation=locked, member=member).exists()
    if answered:
        if locked.anonymous:
            if not key:
                raise AlreadyDone(
                    "you have already answered; to change your answers, give the edit key you were "
                    "shown when you answered"
                )
            response = Response.objects.filter(consultation=locked, key_hash=key_hash(key)).first()
            if response is None:
                raise NotAllowed("this edit key does not match a response to this consultation")
        else:
            response = Response.objects.get(consultation=locked, named__member=member)
        response.answers.all().delete()
        action = "consultation.answer.edit"
    else:
        key = secrets.token_urlsafe(16)
        Participation.objects.create(consultation=locked, member=member)
        response = Response.objects.create(consultation=locked, key_hash=key_hash(key))
        if not locked.anonymous:
            NamedResponse.objects.create(response=response, member=member)
        action = "consultation.answer"
    pipeline = get_pipeline(locked.organisation_id)
    for number, value in cleaned.items():
        q = questions[number]
        status, moderation = "", {}
        if q.kind == Question.Kind.TEXT:
            verdict = pipeline.screen(value)
            status = Answer.TextStatus.ACCEPTED if verdict.verdict == "accept" else Answer.TextStatus.HELD
            moderation = verdict.as_dict()
        Answer.objects.create(response=response, question=q, value=value, text_status=status, moderation=moderation)
    # The audit entry says that the member answered, never which response is theirs.
    record(actor=_member_actor(member), action=action, subject=f"consultation:{locked.pk}", details={})
    return key


@transaction.atomic
def moderate_answer(*, answer: Answer, actor: Any, accept: bool, reason: str) -> Answer:
    """An officer accepts or rejects a held free-text answer (accepted ones are published with the results)."""
    consultation = answer.response.consultation
    _require_officer(actor, consultation.unit, "moderate answers")
    if not reason.strip():
        raise InvalidInput("give a reason for the decision")
    if answer.question.kind != Question.Kind.TEXT:
        raise InvalidInput("only free-text answers are moderated")
    answer.text_status = Answer.TextStatus.ACCEPTED if accept else Answer.TextStatus.REJECTED
    answer.save(update_fields=["text_status"])
    record(
        actor=actor,
        action="consultation.answer.moderate",
        subject=f"consultation:{consultation.pk}",
        details={"answer": answer.pk, "accepted": accept, "reason": reason},
    )
    return answer
