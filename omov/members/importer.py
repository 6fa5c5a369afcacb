"""The members CSV import: validate every row, then write all of it (or none of it) in batches.

The file is UTF-8 CSV with a header row. Columns (any order; only the first four are required):
    membership_number, name, unit, joined_on, email, status, category, arrears, gender, postal, address, postcode
`unit` is a unit's code; `joined_on` is YYYY-MM-DD; `status` is active / lapsed / suspended (default active);
`category` is member / registered_supporter / affiliated_supporter (default member); `arrears` is an amount
owed (default 0); `postal` is yes/no (default no); `address` is the postal address's lines (house, street, town;
one a line inside the quoted cell, or separated by " | "), printed on credential letters above `postcode`.
A re-import matches members by membership number.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, transaction

from omov.members.addresses import address_problem, clean_address
from omov.members.emails import normalise_email
from omov.members.models import Member, Organisation, Unit
from omov.members.names import name_problem

ProgressFn = Callable[[str, int, int], None]  # (phase, done, total)

REQUIRED = ("membership_number", "name", "unit", "joined_on")
OPTIONAL = ("email", "status", "category", "arrears", "gender", "postal", "address", "postcode")
FIELDS = (
    "name", "email", "unit_id", "joined_on", "status", "category", "arrears", "gender", "postal", "address", "postcode"
)
BATCH = 5000
MAX_REPORTED = 1000  # bad rows listed in full; beyond this only counted

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)  # ASCII digits: `\d` also takes other scripts' digits
# An amount in ASCII digits with at most two decimal places, below 100,000,000: Decimal() also takes 1_0, +5,
# nan, 1e2 and other scripts' digits, and quantize() silently rounded 3.505 to 3.50.
_AMOUNT = re.compile(r"[0-9]{1,8}(?:\.[0-9]{1,2})?", re.ASCII)
_validate_email = EmailValidator()
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}
_STATUSES = set(Member.Status.values)
_CATEGORIES = set(Member.Category.values)


@dataclass(frozen=True)
class RowError:
    """One bad row: its line in the file, its membership number (if any) and what is wrong."""

    line: int
    membership_number: str
    message: str

    def __str__(self) -> str:
        who = f" (membership number {self.membership_number})" if self.membership_number else ""
        return f"line {self.line}{who}: {self.message}"


@dataclass
class ImportReport:
    """What an import found and did."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_error and self.bad == 0

    def summary(self) -> dict[str, int | bool]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad": self.bad,
            "dry_run": self.dry_run,
            "written": self.written,
        }

    def describe(self) -> str:
        """A human summary followed by every bad row."""
        if self.file_error:
            return f"Nothing imported: {self.file_error}"
        verb = "would be" if self.dry_run or not self.written else "were"
        head = (
            f"{self.rows} rows: {self.created} new, {self.updated} updated, {self.unchanged} unchanged members "
            f"{verb} written; {self.bad} bad rows."
        )
        if self.bad and not self.written:
            head += " Nothing was imported: fix the rows below (or use --skip-bad to import the good rows)."
        elif self.bad:
            head += " The bad rows below were skipped."
        lines = [head, *(str(e) for e in self.errors)]
        if self.bad > len(self.errors):
            lines.append(f"... and {self.bad - len(self.errors)} more bad rows")
        return "\n".join(lines)


def is_email(text: str) -> bool:
    """Django's own EmailValidator (as the sign-in form uses), within the 254 characters the column holds, and
    without control or direction characters (the validator lets U+0080-U+FFFF through in a domain, for IDNs)."""
    if len(text) > 254 or name_problem(text):
        return False
    try:
        _validate_email(text)
    except ValidationError:
        return False
    return True


def _cut(text: str, limit: int = 60) -> str:
    """A value quoted in a row's error, cut short: a cell of a megabyte is not repeated back in full."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _db_values(values: tuple[object, ...]) -> tuple[object, ...]:
    """Values as the database driver takes them: dates as ISO text, amounts as decimal text."""
    return tuple(v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v for v in values)


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return max(0, sum(1 for _ in f) - 1)


def _not_utf8(path: Path) -> str:
    """Where a file first stops being UTF-8, as a line and column, and what to do about it. (A quoted field may
    span lines; the line counted here is the file's own line, which is what an editor shows.)"""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = raw[exc.start]
                guess = raw.decode("cp1252", errors="replace").rstrip("\r\n")
                return (
                    f"line {number}: the file is not UTF-8 text (byte 0x{byte:02X} at column {exc.start + 1}, "
                    f"in {guess[:60]!r}); it looks like Latin-1 or Windows-1252, as older spreadsheets save CSV: "
                    "save it again as 'CSV UTF-8' (or convert it, e.g. iconv -f cp1252 -t utf-8)"
                )
    return "the file is not UTF-8 text: save it as 'CSV UTF-8'"


def import_members_csv(
    *,
    organisation: Organisation,
    path: Path,
    update: bool,
    dry_run: bool,
    skip_bad: bool,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Validate, then write (see the module docstring). Called by `omov.members.services.import_members`."""
    report = ImportReport(dry_run=dry_run)
    if not path.is_file():
        report.file_error = f"no such file: {path}"
        return report
    try:
        total = _count_lines(path)
    except OSError as exc:
        report.file_error = f"cannot read {path}: {exc.strerror or exc}"
        return report
    units = dict(Unit.objects.filter(organisation=organisation).values_list("code", "pk"))
    existing: dict[str, tuple[object, ...]] = {}
    for row in Member.objects.filter(organisation=organisation).values_list("membership_number", "pk", *FIELDS):
        existing[row[0]] = row[1:]
    today = dt.date.today()
    seen: dict[str, int] = {}
    creates: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []

    def bad(line: int, number: str, message: str) -> None:
        report.bad += 1
        if len(report.errors) < MAX_REPORTED:
            report.errors.append(RowError(line, number, message))

    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        report.file_error = f"cannot read {path}: {exc}"
        return report
    with handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            report.file_error = "the file is empty (it needs a header row)"
            return report
        except UnicodeDecodeError:
            report.file_error = _not_utf8(path)
            return report
        except csv.Error as exc:
            report.file_error = f"cannot read the header row: {exc}"
            return report
        missing = [c for c in REQUIRED if c not in header]
        unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
        if missing or unknown or len(set(header)) != len(header):
            parts = []
            if missing:
                parts.append(f"missing column(s): {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown column(s): {', '.join(unknown)}")
            if len(set(header)) != len(header):
                parts.append("a column is named twice")
            report.file_error = (
                "the header row is wrong: " + "; ".join(parts) + f". Expected columns: {', '.join(REQUIRED + OPTIONAL)}"
            )
            return report
        col = {name: header.index(name) for name in header}
        width = len(header)
        get = {
            name: (lambda r, i=col[name]: r[i].strip()) if name in col else (lambda r: "")
            for name in REQUIRED + OPTIONAL
        }
        line = 1
        try:
            for raw in reader:
                line = reader.line_num
                report.rows += 1
                if progress and report.rows % 10000 == 0:
                    progress("checking", report.rows, total)
                if len(raw) != width:
                    if not any(x.strip() for x in raw):
                        report.rows -= 1  # a blank line is not a row
                        continue
                    bad(
                        line,
                        raw[col["membership_number"]].strip() if len(raw) > col["membership_number"] else "",
                        f"has {len(raw)} fields, the header has {width}",
                    )
                    continue
                number = get["membership_number"](raw)
                problems: list[str] = []
                if not number:
                    problems.append("membership_number is empty")
                elif len(number) > 40:
                    problems.append("membership_number is longer than 40 characters")
                elif problem := name_problem(number, "membership_number"):
                    problems.append(problem)
                elif number in seen:
                    problems.append(f"membership number {number} is also on line {seen[number]}")
                name = get["name"](raw)
                if not name:
                    problems.append("name is empty")
                elif len(name) > 200:
                    problems.append("name is longer than 200 characters")
                elif problem := name_problem(name):
                    problems.append(problem)
                email = normalise_email(get["email"](raw))  # stored as sign-in matches it (members/emails.py)
                if email and not is_email(email):
                    problems.append(f"email {_cut(email)} is not an email address")
                code = get["unit"](raw)
                unit_id = units.get(code)
                if unit_id is None:
                    problems.append(f"unit {_cut(code)} does not exist" if code else "unit is empty")
                joined_text = get["joined_on"](raw)
                joined = None
                if not _DATE.fullmatch(joined_text):
                    problems.append(f"joined_on {_cut(joined_text)} is not a date (YYYY-MM-DD)")
                else:
                    try:
                        joined = dt.date.fromisoformat(joined_text)
                    except ValueError:
                        problems.append(f"joined_on {joined_text!r} is not a real date")
                    else:
                        if joined > today:
                            problems.append(f"joined_on {joined_text} is in the future")
                status = get["status"](raw).lower() or "active"
                if status not in _STATUSES:
                    problems.append(f"status {_cut(status)} is not one of {', '.join(sorted(_STATUSES))}")
                category = get["category"](raw).lower() or "member"
                if category not in _CATEGORIES:
                    problems.append(f"category {_cut(category)} is not one of {', '.join(sorted(_CATEGORIES))}")
                arrears_text = get["arrears"](raw) or "0"
                if _AMOUNT.fullmatch(arrears_text):
                    arrears = Decimal(arrears_text).quantize(Decimal("0.01"))
                else:
                    problems.append(f"arrears {_cut(arrears_text)} is not an amount of 0 or more below 100,000,000, "
                                    "in digits 0-9 with at most two decimal places (such as 3.50)")
                    arrears = Decimal(0)
                gender = get["gender"](raw)
                if len(gender) > 50:
                    problems.append("gender is longer than 50 characters")
                elif problem := name_problem(gender, "gender"):
                    problems.append(problem)
                postal_text = get["postal"](raw).lower()
                if postal_text not in _TRUE and postal_text not in _FALSE:
                    problems.append(f"postal {_cut(postal_text)} is not yes or no")
                postal = postal_text in _TRUE
                # A spreadsheet's cell takes line breaks (quoted); " | " is the way to write lines on one line.
                address = clean_address(get["address"](raw).replace(" | ", "\n"))
                postcode = get["postcode"](raw)
                if problem := address_problem(address, postcode):
                    problems.append(problem)
                if number and number not in seen:
                    seen[number] = line
                if problems:
                    bad(line, number, "; ".join(problems))
                    continue
                old = existing.get(number)
                if old is not None and "address" not in col and "postcode" not in col:
                    # A file from before addresses were kept says nothing about them: it does not erase them.
                    address, postcode = str(old[-2]), str(old[-1])
                values = (name, email, unit_id, joined, status, category, arrears, gender, postal, address, postcode)
                if old is None:
                    creates.append((number, *values))
                elif tuple(old[1:]) == values:
                    report.unchanged += 1
                elif not update:
                    changed = [f for f, a, b in zip(FIELDS, old[1:], values, strict=True) if a != b]
                    bad(
                        line,
                        number,
                        f"this member already exists with a different {', '.join(changed)} "
                        "(use --update to change existing members)",
                    )
                else:
                    updates.append((*values, old[0]))
        except UnicodeDecodeError:
            report.file_error = _not_utf8(path)  # the reader decodes ahead in blocks: find the line itself
            return report
        except csv.Error as exc:
            report.file_error = f"line {line + 1}: cannot read the file as CSV ({exc})"
            return report

    report.created, report.updated = len(creates), len(updates)
    if progress:
        progress("checking", report.rows, report.rows)
    if dry_run or (report.bad and not skip_bad):
        return report
    todo = len(creates) + len(updates)
    done = 0
    # Plain parameterised executemany: the ORM's bulk_create costs ~30 µs of Python per row, this a tenth.
    meta = Member._meta
    qn = connection.ops.quote_name
    columns = [meta.get_field(f).column for f in FIELDS]
    insert = (
        f"INSERT INTO {qn(meta.db_table)} ({qn('organisation_id')}, {qn('membership_number')}, "
        + ", ".join(qn(c) for c in columns)
        + ") VALUES ("
        + ", ".join(["%s"] * (len(columns) + 2))
        + ")"
    )
    update = (
        f"UPDATE {qn(meta.db_table)} SET " + ", ".join(f"{qn(c)} = %s" for c in columns) + f" WHERE {qn('id')} = %s"
    )
    org_id = organisation.pk
    with transaction.atomic(), connection.cursor() as cursor:
        if creates and connection.vendor == "postgresql":
            # COPY streams the new rows in one command: several times faster than batched INSERTs.
            copy_sql = (
                f"COPY {qn(meta.db_table)} ({qn('organisation_id')}, {qn('membership_number')}, "
                + ", ".join(qn(c) for c in columns)
                + ") FROM STDIN"
            )
            with cursor.cursor.copy(copy_sql) as copy:
                for row in creates:
                    copy.write_row((org_id, *row))
                    done += 1
                    if progress and done % BATCH == 0:
                        progress("writing", done, todo)
            creates = []
        for i in range(0, len(creates), BATCH):
            cursor.executemany(
                insert, [(org_id, *_db_values(row[0:1]), *_db_values(row[1:])) for row in creates[i : i + BATCH]]
            )
            done += len(creates[i : i + BATCH])
            if progress:
                progress("writing", done, todo)
        for i in range(0, len(updates), BATCH):
            cursor.executemany(update, [(*_db_values(row[:-1]), row[-1]) for row in updates[i : i + BATCH]])
            done += len(updates[i : i + BATCH])
            if progress:
                progress("writing", done, todo)
    report.written = True
    return report
