"""The few views of the core: /healthz, magic-link sign-in, and a JSON cast endpoint. Views only translate HTTP
to service calls."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omov.ballots.errors import BallotError, PaperRefused
from omov.ballots.papers import MAX_PAPER_BYTES
from omov.core.jobs import enqueue
from omov.core.ratelimit import Hit, client_ip, limiter
from omov.web.signin import check_signin_token, signin_refusal


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 if the database answers (and the queue, unless jobs run in-process); 503 otherwise."""
    checks: dict[str, Any] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        ok = False
        checks["database"] = {"ok": False, "error": str(exc)[:200]}
    from omov.core.celery import app

    if app.conf.task_always_eager:
        checks["queue"] = {"ok": True, "mode": "in-process (eager)"}
    else:
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["queue"] = {"ok": True, "mode": "redis"}
        except Exception as exc:
            ok = False
            checks["queue"] = {"ok": False, "error": str(exc)[:200]}
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)


@never_cache
@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link by email. The answer is the same whether or not the address is known."""
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        if not email or "@" not in email or len(email) > 254:
            return render(request, "registration/signin.html", {"error": "Enter your email address."}, status=400)
        refused = signin_refusal(email=email, ip=client_ip(request))
        if refused is not None:  # nothing is looked up and nothing is sent; known or not, the same page
            response = render(
                request, "registration/signin_limited.html", {"minutes": refused.retry_minutes}, status=429
            )
            response["Retry-After"] = str(refused.retry_after)
            return response
        # Looked up and sent by a background job, so that a known address and an unknown one are answered
        # alike and as fast (omov/web/tasks.py); retried there if the mail server fails.
        enqueue("omov.web.send_signin_link", email, settings.SITE_URL or request.build_absolute_uri("/"))
        return render(request, "registration/signin_sent.html", {"email": email})
    return render(request, "registration/signin.html", {})


@never_cache
@require_http_methods(["GET", "POST"])
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """Follow a sign-in link. GET shows a button (so mail scanners that fetch links do not use it up);
    POST signs in."""
    user = check_signin_token(token=token)
    if user is None:
        return render(request, "registration/signin_invalid.html", {}, status=400)
    if request.method == "GET":
        # A person's name, not a username such as "m-1-100001" that no member recognises as theirs.
        member = getattr(user, "member", None)
        who = member.name if member is not None else (user.get_full_name() or user.get_username())
        return render(request, "registration/signin_confirm.html", {"who": who, "email": user.email})
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # updates last_login: link used up
    # Officers appointed for an organisation run things from omov's own pages; other staff from the admin.
    to_admin = user.is_staff and not user.appointments.exists()
    return redirect("/admin/" if to_admin else settings.LOGIN_REDIRECT_URL)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("signin")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A clear page (or JSON) when a form is posted without its CSRF token: nothing was changed."""
    message = (
        "This form could not be accepted because it did not carry its security token (CSRF). Nothing was "
        "changed. Reload the page and try again; make sure cookies are enabled."
    )
    if request.content_type == "application/json" or request.path.startswith("/api/"):
        return JsonResponse({"ok": False, "error": "csrf", "message": message}, status=403)
    return render(request, "registration/csrf_failure.html", {"message": message, "reason": reason}, status=403)


def _too_many(hit: Hit, message: str) -> JsonResponse:
    response = JsonResponse(
        {"ok": False, "error": "rate-limited", "message": message, "retry_after": hit.retry_after}, status=429
    )
    response["Retry-After"] = str(hit.retry_after)
    return response


def _refused(ip: str, status: int, error: str, message: str) -> JsonResponse:
    """A refused cast: counted against the address (`api-ip`, refusals only), and 429 past the allowance."""
    busy = limiter("api-ip").hit(ip)
    if not busy.allowed:
        return _too_many(busy, f"too many refused casts from your address: try again in {busy.retry_minutes} "
                               "minutes (a valid cast is always accepted)")  # fmt: skip
    return JsonResponse({"ok": False, "error": error, "message": message}, status=status)


@csrf_exempt  # authenticated by the credential in the body, never by a cookie; JSON only (no simple form post)
@require_POST
def api_cast(request: HttpRequest, ballot_id: int) -> JsonResponse:
    """POST /api/ballots/<id>/cast  {"credential": "...", "paper": [2, 1, 3]}  →  {"ok": true, "tracker": "..."}

    Rate limits count failures only, per client address, after the fact (omov/ballots/attempts.py): a valid cast
    is always accepted and touches no counter. Refused casts of any kind count against `api-ip`, wrong
    credentials also against `credential-ip` (shared with the voting page); past either allowance a refusal is
    answered 429 with Retry-After instead."""
    from omov.ballots.attempts import wrong_code, wrong_code_message
    from omov.ballots.services import cast

    ip = client_ip(request)
    body = _json_body(request, ip, MAX_PAPER_BYTES)
    if isinstance(body, JsonResponse):
        return body
    if not isinstance(body, dict) or "credential" not in body or "paper" not in body:
        return _refused(ip, 400, "bad-request", 'send {"credential": "...", "paper": [...]}')
    try:
        receipt = cast(credential=body["credential"], paper=body["paper"], ballot_id=ballot_id)
    except BallotError as exc:
        slowed = wrong_code(ip=ip, ballot_id=ballot_id, credential=body["credential"], refused=exc)
        if slowed is not None:
            limiter("api-ip").hit(ip)  # still a refused cast
            return _too_many(slowed, wrong_code_message(slowed))
        status = {"bad-credential": 403, "not-open": 409}.get(exc.code, 400)
        return _refused(ip, status, exc.code, str(exc))
    return JsonResponse({"ok": True, "tracker": receipt.tracker, "ballot": receipt.ballot_id})


def _json_body(request: HttpRequest, ip: str, limit: int) -> Any:
    """The request's JSON body, or the refusal to answer (415 not JSON, 413 over `limit` bytes, 400 unreadable)."""
    if request.content_type != "application/json":
        return _refused(ip, 415, "bad-request", "send JSON (application/json)")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # a nonsense length: Django reads no body either, and the empty body is refused below
    if length > limit:
        return _refused(ip, 413, "invalid-paper", "this paper is too large")
    try:
        return json.loads(request.body[: limit + 1] or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: thousands of nested brackets
        return _refused(ip, 400, "bad-request", "the body is not valid JSON")


@csrf_exempt  # authenticated by the credential in the body, never by a cookie; JSON only (no simple form post)
@require_POST
def api_cast_encrypted(request: HttpRequest, ballot_id: int) -> JsonResponse:
    """POST /api/ballots/<id>/cast-encrypted  {"credential": "...", "cast": <omov/cast-paper/v1 object>}  →
    {"ok": true, "tracker": "...", "position": n, "entry_hash": "..."}: a verifiable ballot's sealed paper, as the
    booth makes it (one request, no page rendered; docs/verifiable.md). A refused paper answers 400 with
    "error": "paper-refused" and "reason": the ballot box's rule; rate limits as for /cast."""
    from omov.ballots.attempts import wrong_code, wrong_code_message
    from omov.ballots.verifiable.services.casting import MAX_CAST_BYTES, cast_encrypted

    ip = client_ip(request)
    body = _json_body(request, ip, MAX_CAST_BYTES)
    if isinstance(body, JsonResponse):
        return body
    if not isinstance(body, dict) or not isinstance(body.get("credential"), str) or "cast" not in body:
        return _refused(ip, 400, "bad-request", 'send {"credential": "...", "cast": {...}}')
    try:
        receipt = cast_encrypted(credential=body["credential"], cast=body["cast"], ballot_id=ballot_id)
    except BallotError as exc:
        slowed = wrong_code(ip=ip, ballot_id=ballot_id, credential=body["credential"], refused=exc)
        if slowed is not None:
            limiter("api-ip").hit(ip)
            return _too_many(slowed, wrong_code_message(slowed))
        status = {"bad-credential": 403, "not-open": 409}.get(exc.code, 400)
        answer = _refused(ip, status, exc.code, str(exc))
        if isinstance(exc, PaperRefused) and answer.status_code != 429:
            answer = JsonResponse({"ok": False, "error": exc.code, "reason": exc.reason, "message": str(exc)},
                                  status=status)  # fmt: skip
        return answer
    return JsonResponse({"ok": True, "tracker": receipt.tracker, "ballot": receipt.ballot_id,
                         "position": receipt.position, "entry_hash": receipt.entry_hash})  # fmt: skip


@never_cache
@require_GET
def demo_mail(request: HttpRequest) -> HttpResponse:
    """The demo's outgoing mail (sign-in links, credentials), newest first: only when the demo's setting is on,
    where mail goes to a folder instead of anyone's inbox. Everywhere else there is no such page."""
    from email import message_from_bytes, policy
    from pathlib import Path

    from django.http import Http404

    if not getattr(settings, "DEMO", False):
        raise Http404("no such page")
    folder = Path(settings.EMAIL_FILE_PATH)
    mails = []
    # The file backend writes one file per connection, messages separated by a line of dashes.
    files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []
    for path in files[:50]:
        for chunk in reversed(path.read_bytes().split(b"-" * 79 + b"\n")):
            if chunk.strip():
                msg = message_from_bytes(chunk, policy=policy.default)
                body = msg.get_body(preferencelist=("plain",))
                mails.append({"to": msg["To"], "subject": msg["Subject"], "date": msg["Date"],
                              "body": body.get_content() if body else ""})  # fmt: skip
    return render(request, "demo_mail.html", {"mails": mails[:100], "folder": folder})
