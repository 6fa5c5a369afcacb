"""A walk list as a printable PDF walk sheet (A4): who is on the sheet and where, then the doors in walking order
with empty boxes to fill in at the door. Rendering only: the service (services.canvass.walk_sheet) checks who may
have it and writes the export to the audit log."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from urllib.parse import quote_plus
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

MAP_SEARCH = "https://www.openstreetmap.org/search?query="
# A UK postcode: outward code (AB1, AB12, A1A, ...) and inward code (9AA).
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Door:
    """One door: its house and the electors registered there (name, elector number), in register order."""

    house: str
    electors: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SheetHeader:
    list_name: str
    walk_name: str
    session: str
    canvasser: str
    printed: dt.date
    map_url: str


def map_url(street: str, addresses: list[str]) -> str:
    """An OpenStreetMap search for the street and its postcode (the most common one on the sheet) or, without one,
    its area (what follows the street in the first address: "12 High Street, Town" -> "High Street, Town")."""
    postcodes: dict[str, int] = {}
    for address in addresses:
        m = _POSTCODE.search(address)
        if m:
            code = f"{m.group(1)} {m.group(2)}".upper()
            postcodes[code] = postcodes.get(code, 0) + 1
    if postcodes:
        where = max(postcodes, key=lambda c: (postcodes[c], c))
    else:
        parts = [p.strip() for p in (addresses[0] if addresses else "").split(",") if p.strip()]
        after = next((i for i, p in enumerate(parts) if street and street.lower() in p.lower()), None)
        where = ", ".join(parts[after + 1 :]) if after is not None else ""
    query = ", ".join(p for p in (street, where) if p)
    return MAP_SEARCH + quote_plus(query)


def group_doors(electors: list[tuple[str, str, str]]) -> list[Door]:
    """(house, name, elector number) in walking order -> doors: consecutive electors of one house share a row;
    an elector without a house number is a door of their own."""
    doors: list[Door] = []
    for house, name, number in electors:
        if doors and house and doors[-1].house == house:
            doors[-1].electors.append((name, number))
        else:
            doors.append(Door(house=house, electors=[(name, number)]))
    return doors


COLUMNS = ("House", "Name(s)", "Elector no.", "Outcome", "Intention", "Poster", "Join", "Notes")
_WIDTHS = (22 * mm, 44 * mm, 24 * mm, 18 * mm, 18 * mm, 12 * mm, 10 * mm, 38 * mm)  # 186 mm: A4 less margins


def render(header: SheetHeader, doors: list[Door], *, compress: bool = True) -> bytes:
    """The walk sheet as PDF bytes. `compress=False` leaves the page streams readable (for tests)."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("cell", fontSize=9, leading=11)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Walk sheet: {header.walk_name}",
        author="omov",
        pageCompression=1 if compress else 0,
        invariant=1,
    )
    url = escape(header.map_url, {'"': "&quot;"})
    story = [
        Paragraph(escape(header.walk_name), styles["Heading1"]),
        Paragraph(
            f"<b>List:</b> {escape(header.list_name)}<br/><b>Session:</b> {escape(header.session)}<br/>"
            f"<b>Canvasser:</b> {escape(header.canvasser)}<br/><b>Printed:</b> {header.printed.isoformat()}",
            styles["BodyText"],
        ),
        Paragraph(f'<b>Map:</b> <a href="{url}" color="blue">{url}</a>', small),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[object]] = [list(COLUMNS)]
    for door in doors:
        names = "<br/>".join(escape(n) for n, _ in door.electors)
        numbers = "<br/>".join(escape(num) for _, num in door.electors)
        rows.append([Paragraph(escape(door.house) or "—", small), Paragraph(names, small),
                     Paragraph(numbers, small), "", "", "", "", ""])  # fmt: skip
    table = Table(rows, colWidths=_WIDTHS, repeatRows=1, rowHeights=None)
    table.setStyle(
        TableStyle([
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 8),
        ])
    )  # fmt: skip
    story.append(table if doors else Paragraph("No doors on this walk list.", styles["BodyText"]))
    doc.build(story)
    return out.getvalue()
