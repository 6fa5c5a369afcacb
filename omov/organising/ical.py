"""iCalendar (RFC 5545) for events: one event to download, or a unit's feed. Written here rather than with a
library because we need only VEVENT with a handful of properties, and the rules for them are short."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from omov.organising.models import Event

PRODID = "-//omov//organising//EN"


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75  # a continuation line starts with one space
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def utc(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form (RFC 5545 3.3.5, form #2)."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def vevent(event: Event, *, url: str = "", now: dt.datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}@omov",
        f"DTSTAMP:{utc(now)}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SUMMARY:{escape(event.title)}",
    ]
    description = event.description
    if event.link:
        description = f"{description}\n\nJoin online: {event.link}".strip()
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if event.place:
        lines.append(f"LOCATION:{escape(event.place)}")
    elif event.link:
        lines.append(f"LOCATION:{escape(event.link)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("STATUS:CANCELLED" if event.state == Event.State.CANCELLED else "STATUS:CONFIRMED")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Event], *, name: str = "", urls: dict[int, str] | None = None, now: dt.datetime) -> str:
    """A VCALENDAR holding `events`, as the bytes' text (CRLF line ends, folded)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for event in events:
        lines += vevent(event, url=(urls or {}).get(event.pk, ""), now=now)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
