"""Two middlewares: the Content-Security-Policy header on every response, and the refusal of NUL characters.

Refuse a request whose form fields or query string carry a NUL character, before any view reads them.

PostgreSQL cannot store NUL in text, so a NUL typed into any field (a comment, a motion, a sign-in address,
a nomination form) would otherwise be a server error there, while SQLite would quietly store it, and a lookup
such as `email__iexact` might match the address without it. No honest form ever sends one. Django's own form
fields refuse NUL (ProhibitNullCharactersValidator), but most of our views read request.POST directly.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY on every response that has none (Django 5.2 has no CSP of its own;
    6.0 brings one). The policy allows scripts and styles from our own origin only: no template carries an
    inline <script>, an on*= handler or a style attribute (tests/web/test_csp.py checks every page), so an
    injected script or style in a comment, a motion or a candidate's statement would not run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(
                "The request contained a NUL character (code 0), which no field accepts. Remove it and try again.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_nul(data: object) -> bool:
    lists = getattr(data, "lists", None)
    if lists is None:
        return False
    return any("\x00" in key or any("\x00" in str(v) for v in values) for key, values in lists())
