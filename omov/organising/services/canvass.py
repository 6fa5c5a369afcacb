"""Canvassing: importing electors, cutting walk lists, assigning them, recording doors, exporting.

The audit log is permanent and hash-chained, so its entries about canvassing carry ids and counts only: never a
name, an address or a voting intention, which must be erasable."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from omov.audit.services import record
from omov.core.actors import actor_label
from omov.members.models import Member, Unit
from omov.organising import walksheet
from omov.organising.errors import InvalidInput, NotAllowed, WrongState
from omov.organising.models import DEFAULT_SCALE, DoorRecord, Elector, ElectorList, Event, WalkList
from omov.organising.selectors import house_key, house_side, may_canvass
from omov.organising.services._common import require_organiser

REQUIRED_COLUMNS = ("elector_number", "name", "address", "polling_district")
MAX_ROWS = 200_000
_NUMBERED = re.compile(r"^(\d+[A-Za-z]?)\s+(.+)$")


def split_address(address: str) -> tuple[str, str]:
    """(house, street) from an address line: "12A High Street, Town" -> ("12A", "High Street");
    "Flat 3, 12 High Street" -> ("Flat 3, 12", "High Street"); "Rose Cottage, Mill Lane" -> ("Rose Cottage",
    "Mill Lane")."""
    parts = [p.strip() for p in address.split(",") if p.strip()]
    for i, part in enumerate(parts):
        m = _NUMBERED.match(part)
        if m:
            return ", ".join([*parts[:i], m.group(1)]), m.group(2)
    if len(parts) >= 2:
        return parts[0], parts[1]
    return "", parts[0] if parts else ""


_EXTRA_CELLS = "\x00extra"  # DictReader's key for cells beyond the header's columns


def _rows(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row with the line it starts on, its column names folded; a row that is not one is refused."""
    while True:
        start = reader.line_num + 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput(f"line {start}: cannot be read as CSV ({exc})") from None
        if _EXTRA_CELLS in raw:
            raise InvalidInput(f"line {start}: more cells than the header's {len(reader.fieldnames or [])} columns")
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if any("\x00" in v for v in row.values()):
            raise InvalidInput(f"line {start}: a NUL character, which no name or address has")
        yield start, row


# The layouts an import reads: omov's own columns, or a register extract as a council's electoral registration
# software writes it (Xpress, Idox Eros, Democracy Counts). A council's column names vary in case, spacing and
# wording, so they are matched folded ("Elector Number Prefix", "ELECTOR_NUMBER_PREFIX" and "electornumberprefix"
# are one) against a few known names each. Dates of birth and elector markers are never read into the list.
LAYOUTS = {
    "omov": "omov's columns: elector_number, name, address, polling_district",
    "council": "a council's register extract (Xpress, Idox Eros, Democracy Counts)",
}
_COUNCIL_NAMES = {
    "prefix": ("electornumberprefix", "pdcode", "pollingdistrict", "pollingdistrictcode", "prefix"),
    "number": ("electornumber", "electorno", "number"),
    "suffix": ("electornumbersuffix", "electorsuffix", "suffix"),
    "name": ("electorname", "fullname", "name"),
    "surname": ("electorsurname", "surname", "lastname"),
    "forename": ("electorforename", "electorforenames", "forename", "forenames", "firstname"),
    "middle": ("electormiddlename", "electormiddlenames", "middlename", "middlenames"),
    "postcode": ("postcode", "electorpostcode", "addresspostcode"),
}
_COUNCIL_ADDRESS = re.compile(r"^(?:elector|registered|property)?address(?:line)?([1-9])$")


def _fold(column: str) -> str:
    return re.sub(r"[^a-z0-9]", "", column.lower())


def _council_columns(columns: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """(role -> the header's column, the address columns in order, the roles missing) for a council's extract."""
    folded = {_fold(c): c for c in columns}
    found = {role: next((folded[n] for n in names if n in folded), "") for role, names in _COUNCIL_NAMES.items()}
    found = {role: column for role, column in found.items() if column}
    lines = sorted(
        ((int(m.group(1)), column) for f, column in folded.items() if (m := _COUNCIL_ADDRESS.match(f))),
    )
    missing = [
        label
        for label, ok in (
            ("Elector Number Prefix", "prefix" in found),
            ("Elector Number", "number" in found),
            ("Elector Name (or Elector Surname and Elector Forename)",
             "name" in found or ("surname" in found and "forename" in found)),
            ("Address1", bool(lines)),
        )
        if not ok
    ]  # fmt: skip
    return found, [column for _, column in lines], missing


def council_elector(row: dict[str, str], found: dict[str, str], lines: list[str]) -> tuple[str, str, str, str]:
    """(elector number, name, address, polling district) from a row of a council's extract: the number is
    prefix-number, with "/suffix" when the suffix is not 0 (as on nomination papers); the address is the non-empty
    address lines and the postcode."""
    prefix, number = row.get(found["prefix"], ""), row.get(found["number"], "")
    suffix = row.get(found["suffix"], "") if "suffix" in found else ""
    elector_number = "-".join(p for p in (prefix, number) if p)
    if suffix.strip("0"):
        elector_number += f"/{suffix}"
    name = row.get(found["name"], "") if "name" in found else ""
    if not name:
        parts = (row.get(found.get(role, ""), "") for role in ("forename", "middle", "surname"))
        name = " ".join(p for p in parts if p)
    address = [row[c] for c in lines if row.get(c)]
    postcode = row.get(found["postcode"], "") if "postcode" in found else ""
    if postcode and postcode.replace(" ", "").upper() not in {a.replace(" ", "").upper() for a in address}:
        address.append(postcode)
    return elector_number, " ".join(name.split()), ", ".join(address), prefix


def detect_layout(columns: list[str]) -> str:
    """ "omov" or "council" for a CSV's header; InvalidInput naming the columns missing for each when neither."""
    folded = {c.strip().lower() for c in columns}
    own_missing = [c for c in REQUIRED_COLUMNS if c not in folded]
    if not own_missing:
        return "omov"
    _, _, council_missing = _council_columns(columns)
    if not council_missing:
        return "council"
    raise InvalidInput(
        "the CSV's columns are not a layout omov reads: omov's own needs "
        f"{', '.join(REQUIRED_COLUMNS)} (missing: {', '.join(own_missing)}); a council's register extract needs "
        f"Elector Number Prefix, Elector Number, Elector Name, Address1 (missing: {', '.join(council_missing)})"
    )


@transaction.atomic
def import_electors(
    *,
    unit: Unit,
    name: str,
    csv_text: str,
    retain_until: dt.date,
    actor: Any,
    intention_scale: str = DEFAULT_SCALE,
    layout: str = "auto",
) -> ElectorList:
    """A new elector list for `unit` from a CSV in one of the LAYOUTS ("auto": told by the header): omov's own
    columns elector_number, name, address, polling_district (and optionally street and house, else read from the
    address), or a council's register extract. All rows or none. A date of birth is never stored."""
    require_organiser(actor, unit, "import electors")
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("give the list a name (e.g. the ward and the date of the register)")
    if retain_until <= timezone.localdate():
        raise InvalidInput("the retention date must be in the future: the list's personal data are erased after it")
    scale = [line.strip() for line in intention_scale.splitlines() if line.strip()]
    if len(scale) < 2:
        raise InvalidInput("a voting-intention scale needs at least two answers, one a line")
    if layout not in ("auto", *LAYOUTS):
        raise InvalidInput(f"the layout is one of: auto, {', '.join(LAYOUTS)}")
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")), restkey=_EXTRA_CELLS)
    try:
        header = [(c or "").strip().lower() for c in reader.fieldnames or []]
    except csv.Error as exc:
        raise InvalidInput(f"line 1: the header cannot be read as CSV ({exc})") from None
    if layout == "auto":
        layout = detect_layout(header)
    found: dict[str, str] = {}
    lines: list[str] = []
    if layout == "omov":
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InvalidInput(
                f"the CSV needs the columns {', '.join(REQUIRED_COLUMNS)}; missing: {', '.join(missing)}"
            )
    else:
        found, lines, missing = _council_columns(header)
        if missing:
            raise InvalidInput(f"this is not a council's register extract omov reads; missing: {', '.join(missing)}")
    elector_list = ElectorList.objects.create(
        unit=unit,
        name=name,
        retain_until=retain_until,
        intention_scale="\n".join(scale),
        created_by=actor_label(actor)[:150],
    )
    rows: list[tuple[Any, ...]] = []
    for line, row in _rows(reader):
        if layout == "omov":
            number, person, address, district = (
                row["elector_number"],
                row["name"],
                row["address"],
                row["polling_district"],
            )
            house, street = row.get("house", ""), row.get("street", "")
        else:
            number, person, address, district = council_elector(row, found, lines)
            house = street = ""
        if not person or not address:
            raise InvalidInput(f"line {line}: every elector needs a name and an address")
        if not street:
            house, street = split_address(address)
        rows.append((
            elector_list.pk, number[:40], person[:200], address[:300], street[:200], house[:40], district[:20], 0,
            False,
        ))  # fmt: skip
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"a list holds at most {MAX_ROWS} electors: split the area")
    if not rows:
        raise InvalidInput("the CSV has no electors")
    _insert_electors(rows)
    record(
        actor=actor,
        action="organising.electors.import",
        subject=f"elector-list:{elector_list.pk}",
        details={
            "unit": unit.pk, "electors": len(rows), "retain_until": retain_until.isoformat(), "layout": layout,
        },
    )  # fmt: skip
    return elector_list


# A register is 100,000 rows: written a few hundred rows a statement, without a model instance per row (import)
# or a CASE per row (Django's bulk_update), which took minutes.
_ELECTOR_COLUMNS = (
    "elector_list_id", "elector_number", "name", "address", "street", "house", "polling_district", "position",
    "erased",
)  # fmt: skip


def _insert_electors(rows: list[tuple[Any, ...]], batch: int = 500) -> None:
    """COPY on PostgreSQL; elsewhere INSERT ... VALUES (...), (...), 500 electors a statement (4,500 parameters,
    under SQLite's limit)."""
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in _ELECTOR_COLUMNS)
    row = "(" + ", ".join(["%s"] * len(_ELECTOR_COLUMNS)) + ")"
    if connection.vendor == "postgresql":  # COPY: PostgreSQL's bulk load, in this transaction
        connection.ensure_connection()
        with (
            connection.connection.cursor() as raw,
            raw.copy(f"COPY {q(Elector._meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for r in rows:
                copy.write_row(r)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = f"INSERT INTO {q(Elector._meta.db_table)} ({columns}) VALUES {', '.join([row] * len(chunk))}"
            cursor.execute(sql, [value for r in chunk for value in r])


def _place_electors(updates: list[tuple[int, int, int]], batch: int = 1000) -> None:
    """PostgreSQL: COPY into a temporary table and one UPDATE ... FROM it. Elsewhere UPDATE ... FROM (VALUES (id,
    walk list, position), ...), 1,000 electors a statement (SQLite 3.33+ takes UPDATE ... FROM, and names a VALUES
    list's columns column1, column2, ...)."""
    q = connection.ops.quote_name
    table = q(Elector._meta.db_table)
    if connection.vendor == "postgresql":  # COPY into a temporary table, then one UPDATE joined to it
        connection.ensure_connection()
        with connection.connection.cursor() as raw:
            raw.execute("CREATE TEMPORARY TABLE omov_cut (id bigint, walk bigint, pos integer) ON COMMIT DROP")
            with raw.copy("COPY omov_cut (id, walk, pos) FROM STDIN") as copy:
                for u in updates:
                    copy.write_row(u)
            raw.execute(
                f"UPDATE {table} SET {q('walk_list_id')} = c.walk, {q('position')} = c.pos "  # noqa: S608
                f"FROM omov_cut c WHERE {table}.{q('id')} = c.id"
            )
            raw.execute("DROP TABLE omov_cut")
        return
    with connection.cursor() as cursor:
        for start in range(0, len(updates), batch):
            chunk = updates[start : start + batch]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {q('walk_list_id')} = v.column2, {q('position')} = v.column3 "  # noqa: S608
                f"FROM (VALUES {values}) AS v WHERE {table}.{q('id')} = v.column1",
                [value for u in chunk for value in u],
            )


@transaction.atomic
def cut_walk_lists(*, elector_list: ElectorList, actor: Any, split_sides: bool = True) -> list[WalkList]:
    """Cut the electors not yet on a walk list into walk lists: one per street (per side of it, odd and even,
    when `split_sides`), doors in natural house-number order (2, 2A, 4, 10)."""
    require_organiser(actor, elector_list.unit, "cut walk lists")
    if elector_list.erased_at is not None:
        raise WrongState("this list's personal data were erased at its retention date")
    groups: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    todo = elector_list.electors.filter(walk_list__isnull=True, erased=False).values_list(
        "pk", "street", "house", "name"
    )
    for pk, street, house, name in todo.iterator(chunk_size=10_000):
        side = (house_side(house) or "odd") if split_sides else WalkList.Side.BOTH
        groups[(street, side)].append((pk, house, name))
    keys = sorted(groups)
    new = [
        WalkList(
            elector_list=elector_list,
            street=street,
            side=side,
            name=(street or "(no street)") if side == WalkList.Side.BOTH else f"{street or '(no street)'}, {side} side",
        )
        for street, side in keys
    ]
    if connection.features.can_return_rows_from_bulk_insert:  # PostgreSQL, SQLite 3.35+: one statement
        made = WalkList.objects.bulk_create(new)
    else:
        made = [WalkList.objects.create(**{f: getattr(w, f) for f in ("elector_list", "street", "side", "name")})
                for w in new]  # fmt: skip
    updates: list[tuple[int, int, int]] = []
    for walk_list, key in zip(made, keys, strict=True):
        doors = sorted(groups[key], key=lambda d: (house_key(d[1]), d[2]))
        updates += [(pk, walk_list.pk, position) for position, (pk, _, _) in enumerate(doors, start=1)]
    _place_electors(updates)
    record(
        actor=actor,
        action="organising.walklists.cut",
        subject=f"elector-list:{elector_list.pk}",
        details={"walk_lists": len(made), "split_sides": split_sides},
    )
    return made


@transaction.atomic
def assign_walk_list(
    *, walk_list: WalkList, actor: Any, session: Event | None = None, canvasser: Any = None
) -> WalkList:
    """Give a walk list to a canvass session and/or a canvasser (who may then open it and record doors)."""
    unit = walk_list.elector_list.unit
    require_organiser(actor, unit, "assign walk lists")
    if session is not None and (
        session.kind != Event.Kind.CANVASS or session.unit.organisation_id != unit.organisation_id
    ):
        raise InvalidInput("a walk list goes to a canvass session of the organisation")
    walk_list.session, walk_list.canvasser = session, canvasser
    walk_list.save(update_fields=["session", "canvasser"])
    record(
        actor=actor,
        action="organising.walklist.assign",
        subject=f"elector-list:{walk_list.elector_list_id}",
        details={
            "walk_list": walk_list.pk,
            "session": session.pk if session else None,
            "canvasser": canvasser.get_username() if canvasser else None,
        },
    )
    return walk_list


@transaction.atomic
def record_door(
    *,
    walk_list: WalkList,
    elector: Elector,
    outcome: str,
    actor: Any,
    client_id: uuid.UUID | str | None = None,
    intention: int | None = None,
    issues: str = "",
    wants_poster: bool = False,
    wants_to_join: bool = False,
    recorded_at: dt.datetime | None = None,
) -> tuple[DoorRecord, bool]:
    """Record what happened at a door; (the record, whether it is new). The phone's outbox sends a record until
    it is acknowledged, so the same `client_id` sent twice is stored once."""
    if not may_canvass(user=actor, walk_list=walk_list):
        raise NotAllowed("only the walk list's canvasser or an organiser of its unit can record doors on it")
    try:
        client_id = uuid.UUID(str(client_id)) if client_id else uuid.uuid4()
    except ValueError:
        raise InvalidInput("the record's id is not valid: reload the page") from None
    existing = DoorRecord.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.elector_id != elector.pk:
            raise InvalidInput("this record's id was used for another door: reload the page")
        return existing, False
    elector_list = walk_list.elector_list
    if elector_list.erased_at is not None or elector.erased:
        raise WrongState("this list's personal data were erased: there is nothing to record against")
    if elector.walk_list_id != walk_list.pk:
        raise InvalidInput("this door is not on this walk list")
    if outcome not in DoorRecord.Outcome.values:
        raise InvalidInput(f"the outcome is one of: {', '.join(DoorRecord.Outcome.labels)}")
    if intention is not None and not (1 <= intention <= len(elector_list.scale)):
        raise InvalidInput("choose a voting intention from the list")
    if outcome != DoorRecord.Outcome.SPOKE and (intention or wants_poster or wants_to_join):
        raise InvalidInput("an intention, a poster or joining are recorded only when you spoke to someone")
    now = timezone.now()
    when = recorded_at if recorded_at is not None and recorded_at <= now else now
    door = DoorRecord.objects.create(
        elector=elector,
        walk_list=walk_list,
        outcome=outcome,
        intention=intention,
        issues=issues.strip()[:500],
        wants_poster=wants_poster,
        wants_to_join=wants_to_join,
        recorded_at=when,
        recorded_by=actor_label(actor)[:150],
        client_id=client_id,
    )
    record(
        actor=actor,
        action="organising.door",
        subject=f"elector-list:{elector_list.pk}",
        details={"walk_list": walk_list.pk, "door": door.pk},
    )
    return door, True


@transaction.atomic
def export_list(*, elector_list: ElectorList, actor: Any) -> str:
    """The list with each elector's latest door record, as CSV. Every export is written to the audit log."""
    require_organiser(actor, elector_list.unit, "export canvass data")
    if elector_list.erased_at is not None:
        raise WrongState("this list's personal data were erased at its retention date: there is nothing to export")
    scale = elector_list.scale
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "elector_number",
            "name",
            "address",
            "polling_district",
            "walk_list",
            "outcome",
            "intention",
            "issues",
            "wants_poster",
            "wants_to_join",
            "recorded_at",
        ]
    )
    latest: dict[int, DoorRecord] = {}
    for door in DoorRecord.objects.filter(elector__elector_list=elector_list).order_by("recorded_at"):
        latest[door.elector_id] = door
    rows = 0
    for e in elector_list.electors.filter(erased=False).select_related("walk_list").order_by("walk_list", "position"):
        door = latest.get(e.pk)
        writer.writerow([
            e.elector_number, e.name, e.address, e.polling_district, e.walk_list.name if e.walk_list else "",
            door.get_outcome_display() if door else "",
            scale[door.intention - 1] if door and door.intention else "",
            door.issues if door else "", "yes" if door and door.wants_poster else "",
            "yes" if door and door.wants_to_join else "", door.recorded_at.isoformat() if door else "",
        ])  # fmt: skip
        rows += 1
    record(actor=actor, action="organising.export", subject=f"elector-list:{elector_list.pk}", details={"rows": rows})
    return out.getvalue()


@transaction.atomic
def walk_sheet(*, walk_list: WalkList, actor: Any, compress: bool = True) -> bytes:
    """The walk list as a printable PDF walk sheet (omov.organising.walksheet). For the unit's organisers; every
    sheet is an export, written to the audit log with ids and counts only."""
    elector_list = walk_list.elector_list
    require_organiser(actor, elector_list.unit, "print walk sheets")
    if elector_list.erased_at is not None:
        raise WrongState("this list's personal data were erased at its retention date: there is nothing to print")
    electors = list(
        walk_list.electors.filter(erased=False)
        .order_by("position", "pk")
        .values_list("house", "name", "elector_number", "address")
    )
    doors = walksheet.group_doors([(h, n, num) for h, n, num, _ in electors])
    session = walk_list.session
    canvasser = walk_list.canvasser
    member = Member.objects.filter(user=canvasser).first() if canvasser is not None else None
    header = walksheet.SheetHeader(
        list_name=elector_list.name,
        walk_name=walk_list.name,
        session=f"{session.title}, {timezone.localtime(session.starts_at):%d %b %Y %H:%M}" if session else "—",
        canvasser=(f"{member.name} ({member.membership_number})" if member else canvasser.get_username())
        if canvasser is not None
        else "—",
        printed=timezone.localdate(),
        map_url=walksheet.map_url(walk_list.street, [a for *_, a in electors]),
    )
    pdf = walksheet.render(header, doors, compress=compress)
    record(
        actor=actor,
        action="organising.walksheet",
        subject=f"elector-list:{elector_list.pk}",
        details={"walk_list": walk_list.pk, "doors": len(doors), "electors": len(electors)},
    )
    return pdf
