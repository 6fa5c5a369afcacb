"""Member-voice pages. Views only translate HTTP to service calls; every error is a VoiceError shown to the
person, and nothing is written outside omov.voice.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omov.ballots.models import Candidate
from omov.members.models import Member, Unit
from omov.members.selectors import member_for_user
from omov.voice import selectors, services
from omov.voice.errors import VoiceError
from omov.voice.models import Comment, Consultation, Motion, Question, Report, Thread
from omov.voice.permissions import moderation_scope

KEY_COOKIE = "omov_consultation_{}"


def _member(request: HttpRequest) -> Member | None:
    return member_for_user(user=request.user)


def _need_member(request: HttpRequest) -> Member:
    member = _member(request)
    if member is None:
        raise VoiceError("you are signed in, but not as a member: only members can do this")
    return member


def _is_officer_somewhere(user: Any) -> bool:
    """Does `user` moderate anything (a superuser, a `VoiceOfficer`, or a member-voice officer or administrator
    appointed through the organisation's roles)?"""
    return bool(moderation_scope(user))


def _waiting(user: Any) -> int:
    from omov.voice.queue_views import waiting_comments

    return waiting_comments(user).count()


def _id(text: str | None) -> int:
    """An object's id from a form or query string, or 404: "abc", "²" or a 50-digit number name no object."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise Http404("no such object")
    return int(text)


def _in_organisation(request: HttpRequest, organisation_id: int) -> bool:
    """Is this organisation the reader's (as a member, or as a member-voice officer of one of its units)? Member
    voice is an organisation's own business: another organisation's members neither read nor report it."""
    allowed = selectors.organisations_for(request.user)
    return allowed is None or organisation_id in allowed


def _candidate_in_scope(request: HttpRequest, candidate: Candidate) -> bool:
    """A candidate's discussion: for the ballot's organisation, and for the ballot's officers and scrutineers."""
    from omov.ballots.permissions import is_observer

    return _in_organisation(request, candidate.ballot.organisation_id) or is_observer(
        actor=request.user, ballot=candidate.ballot
    )


def _thread_visible(request: HttpRequest, thread: Thread, member: Member | None) -> bool:
    """May this reader see the thread? Not another organisation's, nor a draft motion's (only its proposer sees
    the motion, and it has no thread yet), nor a draft consultation's (only its officers), nor that of a
    candidate on a ballot the reader may not know of (a draft or cancelled ballot)."""
    from omov.ballots.permissions import is_visible

    if thread.candidate_id:
        if not _candidate_in_scope(request, thread.candidate):
            return False
    elif not _in_organisation(request, thread.organisation_id):
        return False
    if thread.motion_id:
        motion = thread.motion
        return motion.state != Motion.State.DRAFT or (member is not None and motion.proposer_id == member.pk)
    if thread.consultation_id:
        c = thread.consultation
        return c.state != Consultation.State.DRAFT or services.is_voice_officer(actor=request.user, unit=c.unit)
    return is_visible(actor=request.user, ballot=thread.candidate.ballot)


def _comment_visible(request: HttpRequest, comment: Comment, member: Member | None) -> bool:
    """A comment is seen by others once accepted; a held one by its author (and moderators, in the admin)."""
    if not _thread_visible(request, comment.thread, member):
        return False
    return comment.status == Comment.Status.ACCEPTED or (member is not None and comment.author_id == member.pk)


def thread_url(thread: Thread) -> str:
    if thread.motion_id:
        return reverse("voice:motion", args=[thread.motion_id]) + "#discussion"
    if thread.consultation_id:
        return reverse("voice:consultation", args=[thread.consultation_id]) + "#discussion"
    return reverse("voice:candidate", args=[thread.candidate_id]) + "#discussion"


def _thread_context(
    request: HttpRequest,
    thread: Thread | None,
    member: Member | None,
    post_url: str = "",
    comment_form: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The discussion part of a page. A thread not started yet (a candidate nobody has discussed) shows no
    comments and a form that starts it: a GET only reads, the first comment's POST creates the thread.

    `comment_form` is a refused post shown again: {"error", "body", "parent"} (parent: the comment replied to,
    or None for the comment box), so that the member's text is kept beside the reason it was refused. A
    suspended member is shown the suspension instead of the box (posting would only be refused)."""
    comments = selectors.visible_comments(thread=thread, member=member) if thread is not None else []
    return {
        "thread": thread,
        "post_url": reverse("voice:comment-post", args=[thread.pk]) if thread is not None else post_url,
        "comments": comments,
        "report_reasons": Report.Reason.choices,
        "max_length": services.moderation_settings().max_length,
        "comment_form": comment_form or {},
        "suspension": services.is_suspended(member=member) if member is not None else None,
        "discussion_here": True,  # voice/_messages.html leaves the discussion's messages to the discussion
    }


# A message about the discussion (a comment posted, changed or reported) is shown inside the discussion section,
# where the redirect to #discussion lands, not at the top of the page (out of view on a phone).
DISCUSSION = "discussion"


def _sentence(text: str) -> str:
    """A service's refusal ("you cannot post until ...") as a sentence shown on its own."""
    return text[:1].upper() + text[1:]


# Home -------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The member's motions and consultations."""
    member = _member(request)
    motions = list(selectors.motions_for_member(member=member)[:50]) if member else []
    drafts = list(Motion.objects.filter(proposer=member, state=Motion.State.DRAFT)) if member else []
    open_consultations = []
    if member:
        now = timezone.now()
        for c in Consultation.objects.filter(organisation=member.organisation, state=Consultation.State.OPEN):
            if services.consultation_is_open(c, now) and services.in_electorate(consultation=c, member=member):
                open_consultations.append(c)
    published = Consultation.objects.filter(state=Consultation.State.PUBLISHED)
    allowed = selectors.organisations_for(request.user)
    if allowed is not None:
        published = published.filter(organisation_id__in=allowed)
    officer = request.user.is_authenticated and _is_officer_somewhere(request.user)
    return render(
        request,
        "voice/index.html",
        {
            "member": member,
            "motions": motions,
            "drafts": drafts,
            "consultations": open_consultations,
            "published": published[:20],
            "officer": officer,
            "waiting_count": _waiting(request.user) if officer else 0,
            "looked_after": list(selectors.motions_for_officer(user=request.user)[:50]) if officer else [],
            "running": list(selectors.consultations_for_officer(user=request.user)[:20]) if officer else [],
        },
    )


# Motions ----------------------------------------------------------------------------------------------------


def _member_units(member: Member) -> list[Unit]:
    ids = [int(x) for x in member.unit.path.strip("/").split("/") if x]
    return sorted(Unit.objects.filter(pk__in=ids), key=lambda u: -u.depth)


@login_required
@require_http_methods(["GET", "POST"])
def motion_new(request: HttpRequest) -> HttpResponse:
    """Draft a motion (or an amendment, with ?amends=ID) in one of the member's units."""
    member = _member(request)
    if member is None:
        messages.error(request, "Only members can propose motions.")
        return redirect("voice:index")
    units = _member_units(member)
    amends = None
    amends_id = request.POST.get("amends") or request.GET.get("amends")
    if amends_id:
        amends = get_object_or_404(Motion, pk=_id(amends_id), organisation_id=member.organisation_id)
        if amends.state == Motion.State.DRAFT and amends.proposer_id != member.pk:
            raise Http404("no such motion")  # a draft is its proposer's alone, as on its own page
        units = [amends.unit]
    form = {"title": "", "text": "", "unit": str(units[0].pk) if units else ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("title", "text", "unit")}
        try:
            unit = next((u for u in units if str(u.pk) == form["unit"]), None)
            if unit is None:
                raise VoiceError("choose one of your units")
            motion = services.draft_motion(
                member=member, unit=unit, title=form["title"], text=form["text"], amends=amends
            )
            if request.POST.get("publish"):
                services.publish_motion(motion=motion, member=member)
                messages.success(request, "Your motion is published and collecting support.")
            else:
                messages.success(request, "Your draft is saved. Publish it when it is ready.")
            return redirect("voice:motion", motion.pk)
        except VoiceError as exc:
            return render(
                request,
                "voice/motion_new.html",
                {"units": units, "form": form, "error": str(exc), "amends": amends},
                status=400,
            )
    return render(request, "voice/motion_new.html", {"units": units, "form": form, "amends": amends})


@login_required
@require_GET
def motion_detail(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = get_object_or_404(
        Motion.objects.select_related("unit", "proposer", "amends", "composited_into"), pk=motion_id
    )
    member = _member(request)
    if not _in_organisation(request, motion.organisation_id):
        raise Http404("no such motion")
    if motion.state == Motion.State.DRAFT and (member is None or motion.proposer_id != member.pk):
        raise Http404("no such motion")
    return _motion_page(request, motion, member)


def _motion_page(
    request: HttpRequest, motion: Motion, member: Member | None, comment_form: dict[str, Any] | None = None
) -> HttpResponse:
    supporters = motion.supports.count()
    supports = member is not None and motion.supports.filter(member=member).exists()
    now = timezone.now()
    open_for_support = motion.state in (Motion.State.SUPPORT, Motion.State.QUALIFIED) and not (
        motion.support_deadline and now >= motion.support_deadline
    )
    thread = selectors.find_thread(motion=motion) if motion.state != Motion.State.DRAFT else None
    ctx: dict[str, Any] = {
        "motion": motion,
        "member": member,
        "supporters": supporters,
        "supports": supports,
        "open_for_support": open_for_support,
        "can_support": open_for_support and member is not None and services.member_in_unit(member, motion.unit),
        "is_proposer": member is not None and motion.proposer_id == member.pk,
        "is_officer": services.is_voice_officer(actor=request.user, unit=motion.unit),
        "amendments": motion.amendments.exclude(state=Motion.State.DRAFT),
        "composited_from": motion.composited_from.all(),
        "progress": min(100, round(100 * supporters / motion.threshold)) if motion.threshold else 100,
    }
    if thread is not None:
        ctx.update(_thread_context(request, thread, member, comment_form=comment_form))
    return render(request, "voice/motion.html", ctx, status=400 if comment_form else 200)


def _motion_action(request: HttpRequest, motion_id: int, action: str) -> HttpResponse:
    motion = get_object_or_404(Motion, pk=motion_id)
    if not _in_organisation(request, motion.organisation_id):
        raise Http404("no such motion")
    try:
        member = _need_member(request)
        if action == "support":
            services.support_motion(motion=motion, member=member)
            messages.success(request, "You support this motion. You can withdraw until the deadline.")
        elif action == "unsupport":
            services.withdraw_support(motion=motion, member=member)
            messages.success(request, "Your support is withdrawn.")
        elif action == "publish":
            services.publish_motion(motion=motion, member=member)
            messages.success(request, "Your motion is published and collecting support.")
        elif action == "withdraw":
            services.withdraw_motion(motion=motion, member=member)
            messages.success(request, "Your motion is withdrawn.")
    except VoiceError as exc:
        messages.error(request, str(exc))
    return redirect("voice:motion", motion.pk)


@login_required
@require_POST
def motion_support(request: HttpRequest, motion_id: int) -> HttpResponse:
    return _motion_action(request, motion_id, "support")


@login_required
@require_POST
def motion_unsupport(request: HttpRequest, motion_id: int) -> HttpResponse:
    return _motion_action(request, motion_id, "unsupport")


@login_required
@require_POST
def motion_publish(request: HttpRequest, motion_id: int) -> HttpResponse:
    return _motion_action(request, motion_id, "publish")


@login_required
@require_POST
def motion_withdraw(request: HttpRequest, motion_id: int) -> HttpResponse:
    return _motion_action(request, motion_id, "withdraw")


def _timetable_from(request: HttpRequest) -> tuple[dt.datetime, int]:
    try:
        days = int(request.POST.get("days", "7"))
    except ValueError:
        raise VoiceError("the number of days must be a whole number") from None
    if not 1 <= days <= 90:
        raise VoiceError("a member vote lasts between 1 and 90 days")
    return timezone.now(), days


@login_required
@require_http_methods(["GET", "POST"])
def motion_vote(request: HttpRequest, motion_id: int) -> HttpResponse:
    """Officers: put a qualified motion to a member vote (click one: this page; click two: confirm)."""
    motion = get_object_or_404(Motion, pk=motion_id)
    if not services.is_voice_officer(actor=request.user, unit=motion.unit):
        return HttpResponseForbidden("Only a member-voice officer of this unit can put a motion to a vote.")
    if request.method == "POST":
        try:
            opens_at, days = _timetable_from(request)
            ballot = services.put_motion_to_vote(motion=motion, actor=request.user, opens_at=opens_at, days=days)
        except VoiceError as exc:
            messages.error(request, str(exc))
            return redirect("voice:motion", motion.pk)
        messages.success(request, f"The ballot {ballot.title!r} is ready: open it from the ballot's page.")
        return redirect("ballot", ballot.pk)
    return render(request, "voice/vote_confirm.html", {"what": motion.title, "kind": "motion", "object": motion})


# Consultations -------------------------------------------------------------------------------------------------


def _posted_answers(request: HttpRequest, questions: list[Question]) -> dict[int, Any]:
    answers: dict[int, Any] = {}
    for q in questions:
        name = f"q{q.number}"
        if q.kind == Question.Kind.MULTIPLE:
            answers[q.number] = request.POST.getlist(name)
        elif q.kind == Question.Kind.RANKING:
            ranks = []
            for i in range(len(q.options)):
                raw = request.POST.get(f"{name}_{i}", "").strip()
                if raw:
                    try:
                        ranks.append((int(raw), i))
                    except ValueError:
                        raise VoiceError(f"question {q.number}: ranks are numbers (1, 2, 3...)") from None
            positions = [r for r, _ in ranks]
            if len(set(positions)) != len(positions):
                raise VoiceError(f"question {q.number}: give each option a different rank")
            answers[q.number] = [i for _, i in sorted(ranks)]
        else:
            answers[q.number] = request.POST.get(name, "")
    return answers


def _current_answers(c: Consultation, member: Member | None, key: str) -> dict[int, Any]:
    """The member's current answers, to prefill the form: by their edit key (anonymous) or by name."""
    from omov.voice.models import Answer, Response

    if c.anonymous:
        response = Response.objects.filter(consultation=c, key_hash=services.key_hash(key)).first() if key else None
    else:
        response = Response.objects.filter(consultation=c, named__member=member).first()
    if response is None:
        return {}
    return {n: v for n, v in Answer.objects.filter(response=response).values_list("question__number", "value")}


def _question_forms(questions: list[Question], current: dict[int, Any]) -> list[dict[str, Any]]:
    forms = []
    for q in questions:
        value = current.get(q.number)
        chosen = set(value) if isinstance(value, list) else {value}
        ranks = {i: pos for pos, i in enumerate(value, start=1)} if isinstance(value, list) else {}
        options = [
            {"index": i, "label": label, "checked": i in chosen, "rank": ranks.get(i, "")}
            for i, label in enumerate(q.options)
        ]
        forms.append({"q": q, "options": options, "text": value if q.kind == Question.Kind.TEXT and value else ""})
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def consultation_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Answer (or change an answer to) a consultation; says before the form whether answers are anonymous."""
    c = get_object_or_404(Consultation, pk=consultation_id)
    if not _in_organisation(request, c.organisation_id):
        raise Http404("no such consultation")
    if c.state == Consultation.State.DRAFT and not services.is_voice_officer(actor=request.user, unit=c.unit):
        raise Http404("no such consultation")
    member = _member(request)
    questions = list(c.questions.all())
    now = timezone.now()
    answered = member is not None and c.participations.filter(member=member).exists()
    error = ""
    if request.method == "POST":
        try:
            if member is None:
                raise VoiceError("only members can answer consultations")
            answers = _posted_answers(request, questions)
            key = services.answer_consultation(
                consultation=c, member=member, answers=answers, key=request.POST.get("key", "").strip()
            )
        except VoiceError as exc:
            error = str(exc)
        else:
            response = render(request, "voice/answered.html", {"consultation": c, "key": key, "edited": answered})
            if c.anonymous:
                max_age = int((c.closes_at - now).total_seconds()) + 86400 if c.closes_at else 90 * 86400
                response.set_cookie(
                    KEY_COOKIE.format(c.pk),
                    key,
                    max_age=max_age,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
    return _consultation_page(request, c, member, error=error)


def _consultation_page(
    request: HttpRequest,
    c: Consultation,
    member: Member | None,
    error: str = "",
    comment_form: dict[str, Any] | None = None,
) -> HttpResponse:
    questions = list(c.questions.all())
    is_open = services.consultation_is_open(c, timezone.now())
    eligible = member is not None and services.in_electorate(consultation=c, member=member)
    answered = member is not None and c.participations.filter(member=member).exists()
    cookie_key = request.COOKIES.get(KEY_COOKIE.format(c.pk), "")
    ctx = {
        "consultation": c,
        "questions": _question_forms(questions, _current_answers(c, member, cookie_key) if answered else {}),
        "member": member,
        "is_open": is_open,
        "eligible": eligible,
        "answered": answered,
        "cookie_key": cookie_key,
        "error": error,
        "posted": request.POST if request.method == "POST" and error else {},
        "is_officer": services.is_voice_officer(actor=request.user, unit=c.unit),
    }
    thread = selectors.find_thread(consultation=c)
    if thread is not None:
        ctx.update(_thread_context(request, thread, member, comment_form=comment_form))
    return render(request, "voice/consultation.html", ctx, status=400 if error or comment_form else 200)


def _can_see_results(request: HttpRequest, c: Consultation) -> bool:
    return c.state == Consultation.State.PUBLISHED or services.is_voice_officer(actor=request.user, unit=c.unit)


@require_GET
def consultation_results(request: HttpRequest, consultation_id: int) -> HttpResponse:
    c = get_object_or_404(Consultation, pk=consultation_id)
    if not _can_see_results(request, c):
        raise Http404("the results are not published yet")
    results = selectors.consultation_results(consultation=c)
    charts = [
        {"id": f"chart-q{r.question.number}", "title": r.question.text, **r.chart()}
        for r in results
        if r.question.kind != Question.Kind.TEXT
    ]
    return render(
        request,
        "voice/results.html",
        {"consultation": c, "results": results, "charts": charts, "respondents": c.responses.count()},
    )


@require_GET
def consultation_results_csv(request: HttpRequest, consultation_id: int) -> HttpResponse:
    c = get_object_or_404(Consultation, pk=consultation_id)
    if not _can_see_results(request, c):
        raise Http404("the results are not published yet")
    response = HttpResponse(selectors.results_csv(consultation=c), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultation-{c.pk}-results.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def question_vote(request: HttpRequest, question_id: int) -> HttpResponse:
    """Officers: put a consultation's choice question to a member vote (two clicks)."""
    q = get_object_or_404(Question, pk=question_id)
    if not services.is_voice_officer(actor=request.user, unit=q.consultation.unit):
        return HttpResponseForbidden("Only a member-voice officer can set up a member vote.")
    if request.method == "POST":
        try:
            opens_at, days = _timetable_from(request)
            ballot = services.position_vote_from_question(question=q, actor=request.user, opens_at=opens_at, days=days)
        except VoiceError as exc:
            messages.error(request, str(exc))
            return redirect("voice:consultation", q.consultation_id)
        messages.success(request, f"The ballot {ballot.title!r} is ready: open it from the ballot's page.")
        return redirect("ballot", ballot.pk)
    return render(request, "voice/vote_confirm.html", {"what": q.text, "kind": "question", "object": q})


# Candidates' statements -------------------------------------------------------------------------------------


@login_required
@require_GET
def candidate_thread(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.select_related("ballot"), pk=candidate_id)
    from omov.ballots.permissions import is_visible

    if not is_visible(actor=request.user, ballot=candidate.ballot) or not _candidate_in_scope(request, candidate):
        raise Http404("no such candidate")
    return _candidate_page(request, candidate, _member(request))


def _candidate_page(
    request: HttpRequest, candidate: Candidate, member: Member | None, comment_form: dict[str, Any] | None = None
) -> HttpResponse:
    thread = selectors.find_thread(candidate=candidate)  # None until someone comments: a GET never writes
    start = reverse("voice:candidate-comment", args=[candidate.pk])
    ctx = {
        "candidate": candidate,
        "member": member,
        **_thread_context(request, thread, member, post_url=start, comment_form=comment_form),
    }
    return render(request, "voice/candidate.html", ctx, status=400 if comment_form else 200)


@login_required
@require_POST
def candidate_comment_post(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """The first comment on a candidate: the service starts the discussion thread and posts, in one transaction."""
    candidate = get_object_or_404(Candidate.objects.select_related("ballot"), pk=candidate_id)
    from omov.ballots.permissions import is_visible

    if not is_visible(actor=request.user, ballot=candidate.ballot) or not _candidate_in_scope(request, candidate):
        raise Http404("no such candidate")
    try:
        comment = services.comment_on_candidate(
            candidate=candidate,
            author=_need_member(request),
            body=request.POST.get("body", ""),
            user_ip=request.META.get("REMOTE_ADDR", "127.0.0.1"),
        )
    except VoiceError as exc:
        refused = {"error": _sentence(str(exc)), "body": request.POST.get("body", ""), "parent": None}
        return _candidate_page(request, candidate, _member(request), comment_form=refused)
    messages.success(request, POSTED_TEXT[comment.status], extra_tags=DISCUSSION)
    return redirect(reverse("voice:candidate", args=[candidate.pk]) + "#discussion")


# Comments ---------------------------------------------------------------------------------------------------

POSTED_TEXT = {
    Comment.Status.ACCEPTED: "Your comment is posted.",
    Comment.Status.HELD: "Your comment is awaiting review by a moderator; you will be told the outcome.",
    Comment.Status.SPAM: "Your comment is awaiting review by a moderator; you will be told the outcome.",
}


@login_required
@require_POST
def comment_post(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(Thread, pk=thread_id)
    if not _thread_visible(request, thread, _member(request)):
        raise Http404("no such discussion")
    parent = None
    try:
        member = _need_member(request)
        if request.POST.get("parent"):
            parent = get_object_or_404(Comment, pk=_id(request.POST["parent"]), thread=thread)
        comment = services.post_comment(
            thread=thread,
            author=member,
            body=request.POST.get("body", ""),
            parent=parent,
            user_ip=request.META.get("REMOTE_ADDR", "127.0.0.1"),
        )
    except VoiceError as exc:
        # Shown again with the member's text kept, the reason beside the box (the form's action lands there).
        refused = {"error": _sentence(str(exc)), "body": request.POST.get("body", ""), "parent": parent}
        return _thread_page(request, thread, refused)
    messages.success(request, POSTED_TEXT[comment.status], extra_tags=DISCUSSION)
    return redirect(thread_url(thread))


def _thread_page(request: HttpRequest, thread: Thread, comment_form: dict[str, Any]) -> HttpResponse:
    """The page a thread belongs to (a motion, consultation or candidate), with a refused comment shown again."""
    member = _member(request)
    if thread.motion_id:
        return _motion_page(request, thread.motion, member, comment_form=comment_form)
    if thread.consultation_id:
        return _consultation_page(request, thread.consultation, member, comment_form=comment_form)
    return _candidate_page(request, thread.candidate, member, comment_form=comment_form)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("thread"), pk=comment_id)
    member = _member(request)
    if member is None or comment.author_id != member.pk:
        return HttpResponseForbidden("Only the author can edit a comment.")
    if request.method == "POST":
        try:
            services.edit_comment(comment=comment, author=member, body=request.POST.get("body", ""))
        except VoiceError as exc:
            return render(
                request,
                "voice/comment_edit.html",
                {"comment": comment, "error": str(exc), "body": request.POST.get("body", "")},
                status=400,
            )
        messages.success(request, POSTED_TEXT[comment.status].replace("posted", "changed"), extra_tags=DISCUSSION)
        return redirect(thread_url(comment.thread))
    return render(request, "voice/comment_edit.html", {"comment": comment, "body": comment.body})


@login_required
@require_POST
def comment_report(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("thread"), pk=comment_id)
    if not _comment_visible(request, comment, _member(request)):
        raise Http404("no such comment")  # one cannot report what one cannot see
    try:
        member = _need_member(request)
        services.report_comment(
            comment=comment, reporter=member, reason=request.POST.get("reason", ""), note=request.POST.get("note", "")
        )
    except VoiceError as exc:
        messages.error(request, _sentence(str(exc)), extra_tags=DISCUSSION)
    else:
        messages.success(
            request, "Thank you: the comment is reported and a moderator will look at it.", extra_tags=DISCUSSION
        )
    return redirect(thread_url(comment.thread))


# Abuse statistics (officers) ----------------------------------------------------------------------------------


def _abuse_rows(request: HttpRequest) -> tuple[list[selectors.AbuseRow], dict[str, Any]]:
    """The abuse statistics a moderator may see: the targets in the units they look after (and those below), or
    a whole organisation for an organisation-wide officer or administrator (everything for a superuser).
    Statistics name the people abuse was aimed at, so a branch's officer sees only theirs."""
    period = request.GET.get("period", "week")
    if period not in ("day", "week", "month"):
        period = "week"
    try:
        days = max(1, min(3660, int(request.GET.get("days", "365"))))
    except ValueError:
        days = 365
    scope = moderation_scope(request.user)
    unit = None
    if request.GET.get("unit"):
        unit = Unit.objects.filter(pk=_id(request.GET["unit"])).first()
        if unit is None or not scope.covers_unit(unit):
            raise Http404("no such unit among those you look after")
    org = unit.organisation if unit else None
    if org is None and scope.organisations:
        from omov.members.models import Organisation

        org = Organisation.objects.filter(pk__in=scope.organisations).order_by("pk").first()
    if org is None and scope.units:
        org = scope.units[0].organisation
    if org is None and scope.everything:
        member = _member(request)
        org = member.organisation if member else None
        if org is None:
            from omov.members.models import Organisation

            org = Organisation.objects.order_by("pk").first()
    within = None if (scope.everything or (org is not None and org.pk in scope.organisations)) else [
        u for u in scope.units if org is not None and u.organisation_id == org.pk
    ]
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        selectors.abuse_statistics(organisation=org, since=since, period=period, unit=unit, within=within)
        if org
        else []
    )
    return rows, {"period": period, "days": days, "unit": unit, "organisation": org, "within": within}


@login_required
@require_GET
def abuse_stats(request: HttpRequest) -> HttpResponse:
    if not _is_officer_somewhere(request.user):
        return HttpResponseForbidden("Only member-voice officers can see the abuse statistics.")
    rows, params = _abuse_rows(request)
    units = Unit.objects.filter(organisation=params["organisation"]) if params["organisation"] else Unit.objects.none()
    if params["within"] is not None:
        units = units.filter(selectors.under(params["within"]))
    return render(
        request,
        "voice/abuse.html",
        {
            "rows": rows,
            "by_target": selectors.abuse_by(rows, "target"),
            "by_role": selectors.abuse_by(rows, "role"),
            "by_unit": selectors.abuse_by(rows, "unit"),
            "series": selectors.abuse_series(rows),
            "units": units,
            "query": request.GET.urlencode(),
            **params,
        },
    )


@login_required
@require_GET
def abuse_stats_csv(request: HttpRequest) -> HttpResponse:
    if not _is_officer_somewhere(request.user):
        return HttpResponseForbidden("Only member-voice officers can see the abuse statistics.")
    rows, _ = _abuse_rows(request)
    response = HttpResponse(selectors.abuse_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="abuse-statistics.csv"'
    return response


# The organisation's spam model (officers) ---------------------------------------------------------------------


def _spam_model_org(request: HttpRequest, orgs: list[Any]) -> Any:
    wanted = request.GET.get("organisation") or request.POST.get("organisation")
    if not wanted:
        return orgs[0]
    pk = _id(wanted)
    for org in orgs:
        if org.pk == pk:
            return org
    raise Http404("no such organisation among those you moderate")


@login_required
@require_GET
def spam_model(request: HttpRequest) -> HttpResponse:
    """The organisation's spam model: what it learnt from the officers' decisions, how it does on the most
    recent ones (held out), when it was trained, and a button to retrain it now (a background job)."""
    orgs = selectors.spam_model_organisations(request.user)
    if not orgs:
        return HttpResponseForbidden("Only member-voice officers can see the spam model.")
    org = _spam_model_org(request, orgs)
    conf = services.moderation_settings()
    return render(
        request,
        "voice/spam_model.html",
        {
            "organisation": org,
            "organisations": orgs,
            "min_decisions": conf.adapt_min_decisions,
            "holdout_percent": round(conf.adapt_holdout * 100),
            **selectors.spam_model_overview(org),
        },
    )


@login_required
@require_POST
def spam_model_retrain(request: HttpRequest) -> HttpResponse:
    orgs = selectors.spam_model_organisations(request.user)
    if not orgs:
        return HttpResponseForbidden("Only member-voice officers can retrain the spam model.")
    org = _spam_model_org(request, orgs)
    try:
        job = services.request_spam_retrain(organisation=org, actor=request.user)
    except VoiceError as exc:
        messages.error(request, str(exc))
    else:
        job.refresh_from_db()
        messages.success(request, f"Retraining queued ({job.state}).")
    return redirect(f"{reverse('voice:spam-model')}?organisation={org.pk}")
