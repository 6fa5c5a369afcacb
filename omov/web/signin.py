"""Magic-link sign-in: a signed, expiring, one-time link sent by email.

The link carries the user's id and a fingerprint of their last sign-in time, signed with SECRET_KEY and a
timestamp. It expires after SIGNIN_LINK_MAX_AGE seconds, and signing in changes the last sign-in time, so a
link works once (the same idea as Django's password-reset tokens). No table of tokens is kept.

Requests are rate-limited per address typed (so nobody can mail-bomb a member) and per client IP (so nobody can
probe many addresses); the limit is counted and answered the same way whether or not the address is known.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db.models import Q

from omov.core.actors import ANONYMOUS
from omov.core.ratelimit import Hit, limiter
from omov.members.emails import email_key

SALT = "omov.signin.v1"


def _fingerprint(user: Any) -> str:
    stamp = user.last_login.isoformat() if user.last_login else "never"
    return hashlib.sha256(f"{user.pk}:{stamp}:{user.password}".encode()).hexdigest()[:16]


def make_signin_token(*, user: Any) -> str:
    """A signed token for a one-time sign-in link."""
    return signing.TimestampSigner(salt=SALT).sign_object({"u": user.pk, "f": _fingerprint(user)})


def check_signin_token(*, token: str) -> Any:
    """The user a sign-in token is for, or None if it is forged, expired or already used."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=settings.SIGNIN_LINK_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("f") != _fingerprint(user):
        return None
    return user


def signin_url(*, user: Any, base: str = "") -> str:
    """The absolute sign-in link for a user (base: SITE_URL, or the current request's host)."""
    from django.urls import reverse

    root = base or settings.SITE_URL or "http://127.0.0.1:8000"
    return root.rstrip("/") + reverse("signin-link", args=[make_signin_token(user=user)])


def recipients_for_email(email: str) -> list[tuple[Any, str]]:
    """Who may sign in with this address, and the address on record to mail the link to: a staff user with it,
    else a user who holds an office (an appointment through the organisation's roles, or a trustee's seat on a
    verifiable ballot: officers and trustees need not be staff or members), else a member with it (given a user
    if needed).

    The address is matched by the rule in omov.members.emails (ASCII case only, never a Unicode look-alike),
    and the link goes to the address stored for that person, never to the address as typed: whoever types a
    look-alike of someone's address must not receive their link.
    """
    from omov.members.emails import matching_email
    from omov.members.models import Member
    from omov.members.services import user_for_member

    User = get_user_model()
    staff = matching_email(User.objects.filter(is_active=True, is_staff=True).order_by("pk"), email)
    if staff:
        return [(staff[0], staff[0].email)]
    office = Q(appointments__isnull=False) | Q(trustee_of__isnull=False)
    holders = matching_email(User.objects.filter(office, is_active=True).distinct().order_by("pk"), email)
    if holders:
        return [(holders[0], holders[0].email)]
    members = matching_email(Member.objects.exclude(status=Member.Status.SUSPENDED).order_by("pk"), email)
    return [(user_for_member(member=m), m.email) for m in members[:1]]


def send_signin_link(*, email: str, base: str = "") -> bool:
    """Email a sign-in link to the stored address if the address is known; say nothing either way (no account
    enumeration)."""
    recipients = recipients_for_email(email)
    for user, address in recipients:
        link = signin_url(user=user, base=base)
        minutes = settings.SIGNIN_LINK_MAX_AGE // 60
        send_mail(
            "Your sign-in link",
            f"Use this link to sign in. It works once, for {minutes} minutes:\n\n{link}\n\n"
            "If you did not ask for it, ignore this message.",
            None,
            [address],
        )
    return bool(recipients)


def email_fingerprint(email: str) -> str:
    """A keyed hash of an address, for the audit log: checkable by whoever holds SECRET_KEY, not readable."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"omov.signin.email:" + email_key(email).encode(), hashlib.sha256).hexdigest()[:16]


def signin_refusal(*, email: str, ip: str) -> Hit | None:
    """Count a request for a sign-in link; the limit it went over (None if within both).

    Counted before the address is looked up, and the same for known and unknown addresses, so the answer says
    nothing about who is a member. The first refusal of each window is written to the audit log (once per
    window, not once per request: a flood must not flood the log).
    """
    from omov.audit.services import record

    checks = [
        ("signin-ip", ip, f"ip:{ip}"),
        ("signin-email", email_key(email), f"email:{email_fingerprint(email)}"),
    ]
    for scope, ident, subject in checks:
        hit = limiter(scope).hit(ident)
        if not hit.allowed:
            if hit.first_refusal:
                record(
                    actor=ANONYMOUS,
                    action="signin.rate-limited",
                    subject=subject,
                    details={"scope": scope, "ip": ip, "limit": settings.RATELIMITS[scope]},
                )
            return hit
    return None
