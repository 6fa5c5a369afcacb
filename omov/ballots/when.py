"""How a ballot's times are written for people: in the organisation's time zone, with the zone named.

The organisation's time zone is the deployment's `TIME_ZONE` setting (`OMOV_TIME_ZONE`, e.g. Europe/London);
times are stored in UTC. Emails, letters, confirmation pages and refusals all write a time the same way, so
that what a member reads in an email is what the officer read on the page ("8 December 2026, 09:00 GMT").
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone
from django.utils.timesince import timeuntil

# Django's date format: day, month name, year, 24-hour time and the zone's abbreviation (GMT, BST, UTC).
WHEN_FORMAT = "j F Y, H:i T"


def when(at: dt.datetime | None, *, unset: str = "not set") -> str:
    """`at` in the organisation's time zone, as people read it."""
    if at is None:
        return unset
    return dateformat.format(timezone.localtime(at), WHEN_FORMAT)


def how_long_until(at: dt.datetime, *, now: dt.datetime | None = None) -> str:
    """How far ahead `at` is, roughly ("12 days, 3 hours"); "now" once it has come."""
    now = now or timezone.now()
    if at <= now:
        return "now"
    return timeuntil(at, now)
