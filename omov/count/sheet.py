"""The count sheet: one `Count`, several renderings (text, CSV, HTML, JSON) and a JSON reader.

Every rendering shows the same thing a returning officer's result sheet shows: the candidates as rows and the
stages as columns; for each stage its action (first preferences, surplus of X, exclusion of Y), each
candidate's change ("transfer") and total ("result"), the non-transferable papers, the loss of fractions, the
quota, who was elected or excluded, and the notes (ties and how they were broken, constraint decisions, the
seed of any lot).

Values are printed with the rule's decimal places (`Count.decimals`), truncated towards zero when a value has
more digits than that. A count in exact rationals (`decimals` None) is printed with `RATIONAL_PLACES` places,
or as whole numbers when every value in it is whole; its JSON keeps each exact value as "n/d" besides.
The JSON schema is documented in docs/count-sheet-schema.md; `SCHEMA` and `SCHEMA_VERSION` name it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, Literal, cast, get_args

from omov.count.errors import CountError
from omov.count.formats.csv_safety import neutralise_row
from omov.count.result import CandidateState, Count, Stage, StageKind

SCHEMA = "omov-count-sheet"
SCHEMA_VERSION = 1
RATIONAL_PLACES = 6
SheetFormat = Literal["text", "csv", "json", "html"]
FORMATS: tuple[SheetFormat, ...] = ("text", "csv", "json", "html")

_KINDS = frozenset(get_args(StageKind))
_NUMBER = re.compile(r"-?[0-9]{1,4000}(\.[0-9]{1,4000}|/[0-9]{1,4000})?")  # as `decimal` and `exact` write them
_STATES = frozenset(get_args(CandidateState))


# ---------------------------------------------------------------------------------------------------------
# numbers


def places(count: Count) -> int:
    """How many decimal places the sheet prints: the rule's, else whole numbers or RATIONAL_PLACES."""
    if count.decimals is not None:
        return count.decimals
    return 0 if all(v.denominator == 1 for v in _all_values(count)) else RATIONAL_PLACES


def _all_values(count: Count) -> Iterable[Fraction]:
    yield Fraction(count.valid)
    if count.quota is not None:
        yield Fraction(count.quota)
    for stage in count.stages:
        yield from stage.votes
        yield stage.non_transferable
        yield stage.loss
        yield stage.quota
        if stage.keep_factors is not None:
            yield from stage.keep_factors


def decimal(value: Fraction | int, digits: int) -> str:
    """`value` with exactly `digits` decimal places, truncated towards zero (as a count sheet records it)."""
    v = Fraction(value)
    scaled = abs(v.numerator) * 10**digits // v.denominator
    sign = "-" if v < 0 else ""
    if digits == 0:
        return f"{sign}{scaled}"
    text = str(scaled).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


def signed(value: Fraction, digits: int) -> str:
    """A change on the sheet: "+1.50", "-3.00", or "" for no change."""
    if value == 0:
        return ""
    return ("+" if value > 0 else "") + decimal(value, digits)


def exact(value: Fraction | int) -> str:
    """The exact value as "n/d" (or "n" when whole)."""
    v = Fraction(value)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def _is_exact(value: Fraction | int, digits: int) -> bool:
    return bool((Fraction(value) * 10**digits).denominator == 1)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------------------------------------------------
# the sheet as a grid, shared by the text, CSV and HTML renderings


def _changes(count: Count) -> list[tuple[list[Fraction], Fraction, Fraction]]:
    """Per stage: each candidate's change, and the change in non-transferable and in loss."""
    out = []
    prev_votes = [Fraction(0)] * len(count.candidates)
    prev_nt = prev_loss = Fraction(0)
    for stage in count.stages:
        out.append(
            (
                [v - p for v, p in zip(stage.votes, prev_votes, strict=True)],
                stage.non_transferable - prev_nt,
                stage.loss - prev_loss,
            )
        )
        prev_votes, prev_nt, prev_loss = list(stage.votes), stage.non_transferable, stage.loss
    return out


def _elected_at(count: Count) -> dict[int, int]:
    return {c: s.number for s in count.stages for c in s.elected}


def _excluded_at(count: Count) -> dict[int, int]:
    return {c: s.number for s in count.stages for c in s.excluded}


def result_of(count: Count, c: int) -> str:
    """One candidate's outcome in words: "elected 1st (stage 2)", "excluded (stage 4)", "withdrawn"."""
    if c in count.elected:
        order = _ordinal(count.elected.index(c) + 1)
        at = _elected_at(count).get(c)
        return f"elected {order}" + (f" (stage {at})" if at is not None else "")
    if c in count.withdrawn:
        return "withdrawn"
    at = _excluded_at(count).get(c)
    if at is not None:
        return f"excluded (stage {at})"
    return "not elected"


def _gone_before(count: Count, c: int, stage: Stage) -> bool:
    """Was c out of the count (withdrawn, or excluded at an earlier stage with nothing left) at `stage`?"""
    if c in count.withdrawn and stage.votes[c] == 0:
        return True
    at = _excluded_at(count).get(c)
    return at is not None and at < stage.number and stage.votes[c] == 0


def _show_loss(count: Count) -> bool:
    return any(s.loss != 0 for s in count.stages)


def _show_quota(count: Count) -> bool:
    return count.quota is not None or any(s.quota != 0 for s in count.stages)


def header_lines(count: Count) -> list[str]:
    """The lines above the table: title, rule, seats, papers, quota, seed."""
    digits = places(count)
    lines = []
    if count.title:
        lines.append(count.title)
    rule = count.rule if count.rule == count.method else f"{count.rule} ({count.method})"
    lines.append(f"Rule: {rule}    Seats: {count.seats}")
    lines.append(
        f"Papers: {count.papers}    Valid: {decimal(count.valid, digits)}    Invalid: {count.invalid}"
        + (f"    Quota: {decimal(count.quota, digits)}" if count.quota is not None else "")
    )
    if count.withdrawn:
        lines.append("Withdrawn: " + ", ".join(count.candidates[c] for c in count.withdrawn))
    lines.append(f"Seed: {count.seed}" if count.seed is not None else "Seed: (none)")
    return lines


def footer_lines(count: Count) -> list[str]:
    """The lines below the table: the elected in order, then every note."""
    elected = ", ".join(f"{i}. {count.candidates[c]}" for i, c in enumerate(count.elected, 1)) or "nobody"
    lines = [f"Elected: {elected}"]
    notes = note_lines(count)
    if notes:
        lines.append("Notes:")
        lines.extend(f"  {n}" for n in notes)
    return lines


def note_lines(count: Count) -> list[str]:
    """Every note of the count: the count's own, then each stage's, prefixed with the stage number."""
    out = list(count.notes)
    for stage in count.stages:
        out.extend(f"Stage {stage.number}: {note}" for note in stage.notes)
    return out


def stage_heading(stage: Stage) -> str:
    """A stage's column heading: its number and action."""
    return f"Stage {stage.number}: {stage.description}"


# ---------------------------------------------------------------------------------------------------------
# text (rich)


def render_text(count: Count, *, width: int | None = None) -> str:
    """The count sheet as a table for a terminal or a text file.

    With `width` (a terminal's), the stages are split across several tables that each fit; without, one
    table as wide as it needs to be.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table

    digits = places(count)
    changes = _changes(count)
    elected_at, excluded_at = _elected_at(count), _excluded_at(count)
    names = count.candidates

    def cell(c: int, k: int) -> str:
        stage = count.stages[k]
        if _gone_before(count, c, stage):
            return "-"
        parts = []
        if k > 0:
            parts.append(signed(changes[k][0][c], digits))
        parts.append(decimal(stage.votes[c], digits))
        if elected_at.get(c) == stage.number:
            parts.append("ELECTED")
        elif excluded_at.get(c) == stage.number:
            parts.append("EXCLUDED")
        return "\n".join(parts)

    def extra_rows(k: int) -> list[tuple[str, str]]:
        stage = count.stages[k]
        rows = [("Non-transferable", _pair(changes[k][1], stage.non_transferable, k, digits))]
        if _show_loss(count):
            rows.append(("Loss of fractions", _pair(changes[k][2], stage.loss, k, digits)))
        total = sum(stage.votes, Fraction(0)) + stage.non_transferable + stage.loss
        rows.append(("Total", decimal(total, digits)))
        if _show_quota(count):
            rows.append(("Quota", decimal(stage.quota, digits)))
        return rows

    def make_table(group: list[int]) -> Table:
        table = Table(box=box.SQUARE, show_lines=True, header_style="", pad_edge=True)
        table.add_column("Candidate", no_wrap=True)
        for k in group:
            table.add_column(
                stage_heading(count.stages[k]), justify="right", max_width=_column_width(count, k, digits)
            )
        last = bool(group) and group[-1] == len(count.stages) - 1
        if last:
            table.add_column("Result", no_wrap=True)
        for c in range(len(names)):
            row = [count.label(c), *(cell(c, k) for k in group)]
            if last:
                row.append(result_of(count, c))
            table.add_row(*row)
        if group:
            labels = [label for label, _ in extra_rows(group[0])]
            for i, label in enumerate(labels):
                row = [label, *(extra_rows(k)[i][1] for k in group)]
                if last:
                    row.append("")
                table.add_row(*row)
        return table

    page = width or 10_000
    out = io.StringIO()
    console = Console(
        file=out,
        width=page,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    groups: list[list[int]] = []
    if width is None:
        groups = [list(range(len(count.stages)))]
    else:
        for k in range(len(count.stages)):
            if groups and _table_width(make_table([*groups[-1], k]), console) <= width:
                groups[-1].append(k)
            else:
                groups.append([k])
    for line in header_lines(count):
        console.print(line)
    for group in groups:
        table = make_table(group)
        console.width = min(page, _table_width(table, console))
        console.print(table)
        console.width = page
    for line in footer_lines(count):
        console.print(line)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def _pair(change: Fraction, total: Fraction, k: int, digits: int) -> str:
    if k == 0:
        return decimal(total, digits)
    return "\n".join([signed(change, digits), decimal(total, digits)])


def _column_width(count: Count, k: int, digits: int) -> int:
    """Wide enough for the stage's numbers and a readable heading, never wider than that."""
    widest = max(
        [len(decimal(v, digits)) + 1 for v in count.stages[k].votes]
        + [len(decimal(count.stages[k].non_transferable, digits)) + 1, len("EXCLUDED")]
    )
    return max(widest, 14)


def _table_width(table: Any, console: Any) -> int:
    from rich.measure import Measurement

    measured = Measurement.get(console, console.options.update_width(100_000), table)
    return int(measured.maximum)


# ---------------------------------------------------------------------------------------------------------
# CSV


class _SafeWriter:
    """A csv.writer whose rows have their text cells neutralised (omov.count.formats.csv_safety)."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(neutralise_row(row))


def render_csv(count: Count) -> str:
    """The count sheet as CSV: one row per candidate, a change and a total column per stage, then notes.

    Text that a spreadsheet would run as a formula (a name starting with "=", "@", ...) gets a leading "'"
    (omov.count.formats.csv_safety); numbers are left as they are. The JSON sheet keeps every name exactly.
    """
    digits = places(count)
    changes = _changes(count)
    out = io.StringIO()
    # every text cell neutralised: a candidate's name or the title must never run as a spreadsheet formula
    w = _SafeWriter(csv.writer(out, lineterminator="\n"))
    header = ["Candidate"]
    for k, stage in enumerate(count.stages):
        if k > 0:
            header.append(f"{stage_heading(stage)} (change)")
        header.append(f"{stage_heading(stage)} (total)")
    header.append("Result")
    w.writerow(header)
    for c in range(len(count.candidates)):
        row = [count.label(c)]
        for k, stage in enumerate(count.stages):
            if k > 0:
                row.append(signed(changes[k][0][c], digits))
            row.append(decimal(stage.votes[c], digits))
        row.append(result_of(count, c))
        w.writerow(row)

    def line(label: str, change: Any, total: Any) -> None:
        row = [label]
        for k, stage in enumerate(count.stages):
            if k > 0:
                row.append("" if change is None else signed(change(k), digits))
            row.append(decimal(total(stage), digits))
        w.writerow([*row, ""])

    line("Non-transferable", lambda k: changes[k][1], lambda s: s.non_transferable)
    if _show_loss(count):
        line("Loss of fractions", lambda k: changes[k][2], lambda s: s.loss)
    line("Total", None, lambda s: sum(s.votes, Fraction(0)) + s.non_transferable + s.loss)
    if _show_quota(count):
        line("Quota", None, lambda s: s.quota)
    w.writerow([])
    w.writerow(["Title", count.title])
    w.writerow(["Rule", count.rule])
    w.writerow(["Method", count.method])
    w.writerow(["Seats", count.seats])
    w.writerow(["Papers", count.papers])
    w.writerow(["Valid", decimal(count.valid, digits)])
    w.writerow(["Invalid", count.invalid])
    w.writerow(["Quota", "" if count.quota is None else decimal(count.quota, digits)])
    w.writerow(["Seed", count.seed or ""])
    w.writerow(["Elected", *(count.candidates[c] for c in count.elected)])
    for note in note_lines(count):
        w.writerow(["Note", note])
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------
# HTML


def render_html(count: Count) -> str:
    """The count sheet as an HTML fragment: a <table class="omov-count-sheet"> and its notes; no assets."""
    digits = places(count)
    changes = _changes(count)
    elected_at, excluded_at = _elected_at(count), _excluded_at(count)
    e = html.escape
    out: list[str] = ['<div class="omov-count">']
    out.append('<table class="omov-count-sheet">')
    caption = e(count.title) if count.title else "Count sheet"
    out.append(f"<caption>{caption}</caption>")
    out.append("<thead><tr>")
    out.append('<th scope="col" class="candidate">Candidate</th>')
    for stage in count.stages:
        out.append(
            f'<th scope="col" class="stage stage-{e(stage.kind)}" data-stage="{stage.number}">'
            f'<span class="stage-number">Stage {stage.number}</span> '
            f'<span class="stage-action">{e(stage.description)}</span></th>'
        )
    out.append('<th scope="col" class="result">Result</th>')
    out.append("</tr></thead>")
    out.append("<tbody>")
    final = count.stages[-1].states if count.stages else ()
    for c, name in enumerate(count.candidates):
        state = final[c] if final else "continuing"
        out.append(f'<tr class="candidate state-{e(state)}">')
        party = count.parties[c] if c < len(count.parties) else ""
        party_html = f' <span class="omov-party">({e(party)})</span>' if party else ""
        out.append(f'<th scope="row">{e(name)}{party_html}</th>')
        for k, stage in enumerate(count.stages):
            classes = ["votes"]
            if elected_at.get(c) == stage.number:
                classes.append("elected-here")
            if excluded_at.get(c) == stage.number:
                classes.append("excluded-here")
            if _gone_before(count, c, stage):
                out.append(f'<td class="{" ".join([*classes, "gone"])}">-</td>')
                continue
            change = signed(changes[k][0][c], digits) if k > 0 else ""
            out.append(
                f'<td class="{" ".join(classes)}">'
                + (f'<span class="change">{e(change)}</span> ' if change else "")
                + f'<span class="total">{decimal(stage.votes[c], digits)}</span></td>'
            )
        out.append(f'<td class="result">{e(result_of(count, c))}</td>')
        out.append("</tr>")
    out.append("</tbody>")
    out.append("<tfoot>")

    def foot(label: str, css: str, change: Any, total: Any) -> None:
        out.append(f'<tr class="{css}"><th scope="row">{label}</th>')
        for k, stage in enumerate(count.stages):
            ch = signed(change(k), digits) if change is not None and k > 0 else ""
            out.append(
                '<td class="votes">'
                + (f'<span class="change">{ch}</span> ' if ch else "")
                + f'<span class="total">{decimal(total(stage), digits)}</span></td>'
            )
        out.append("<td></td></tr>")

    foot("Non-transferable", "non-transferable", lambda k: changes[k][1], lambda s: s.non_transferable)
    if _show_loss(count):
        foot("Loss of fractions", "loss", lambda k: changes[k][2], lambda s: s.loss)
    foot("Total", "total", None, lambda s: sum(s.votes, Fraction(0)) + s.non_transferable + s.loss)
    if _show_quota(count):
        foot("Quota", "quota", None, lambda s: s.quota)
    out.append("</tfoot>")
    out.append("</table>")
    out.append('<ul class="omov-count-facts">')
    out.extend(f"<li>{e(line)}</li>" for line in header_lines(count)[1 if count.title else 0 :])
    out.append("</ul>")
    out.append('<ol class="omov-count-elected">')
    out.extend(f"<li>{e(count.candidates[c])}</li>" for c in count.elected)
    out.append("</ol>")
    notes = note_lines(count)
    if notes:
        out.append('<ul class="omov-count-notes">')
        out.extend(f"<li>{e(n)}</li>" for n in notes)
        out.append("</ul>")
    out.append("</div>")
    return "\n".join(x for x in out if x) + "\n"


# ---------------------------------------------------------------------------------------------------------
# JSON


def _jsonable(value: Any) -> Any:
    if isinstance(value, Fraction):
        return exact(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "__dataclass_fields__"):
        return {k: _jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return str(value)


def to_dict(count: Count) -> dict[str, Any]:
    """The count sheet as a JSON-ready dict (schema: docs/count-sheet-schema.md)."""
    digits = places(count)
    names = count.candidates
    changes = _changes(count)
    rational = count.decimals is None

    def by_name(values: Sequence[Fraction], fmt: Any) -> dict[str, Any]:
        return {names[c]: fmt(v) for c, v in enumerate(values)}

    def dec(v: Fraction) -> str:
        return decimal(v, digits)

    stages = []
    for k, stage in enumerate(count.stages):
        entry: dict[str, Any] = {
            "number": stage.number,
            "action": stage.kind,
            "description": stage.description,
            "subjects": [names[c] for c in stage.subjects],
            "totals": by_name(stage.votes, dec),
            "changes": by_name(changes[k][0], dec),
            "non_transferable": dec(stage.non_transferable),
            "loss": dec(stage.loss),
            "quota": dec(stage.quota),
            "states": {names[c]: s for c, s in enumerate(stage.states)},
            "elected": [names[c] for c in stage.elected],
            "excluded": [names[c] for c in stage.excluded],
            "notes": list(stage.notes),
        }
        if stage.keep_factors is not None:
            entry["keep_factors"] = by_name(stage.keep_factors, exact)
        values = [*stage.votes, stage.non_transferable, stage.loss, stage.quota]
        if rational or not all(_is_exact(v, digits) for v in values):
            entry["exact"] = {
                "totals": by_name(stage.votes, exact),
                "non_transferable": exact(stage.non_transferable),
                "loss": exact(stage.loss),
                "quota": exact(stage.quota),
            }
        stages.append(entry)
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "title": count.title,
        "rule": count.rule,
        "method": count.method,
        "seats": count.seats,
        "decimals": count.decimals,
        "places": digits,
        "candidates": list(names),
        **({"parties": {names[c]: p for c, p in enumerate(count.parties) if p}} if any(count.parties) else {}),
        "withdrawn": [names[c] for c in count.withdrawn],
        "papers": count.papers,
        "valid": dec(count.valid),
        "invalid": count.invalid,
        "quota": None if count.quota is None else dec(count.quota),
        "elected": [names[c] for c in count.elected],
        "excluded": [names[c] for c in count.excluded],
        "seed": count.seed,
        "options": _jsonable(count.options),
        "notes": list(count.notes),
        "stages": stages,
    }
    top = [count.valid] + ([count.quota] if count.quota is not None else [])
    if rational or not all(_is_exact(v, digits) for v in top):
        doc["exact"] = {
            "valid": exact(count.valid),
            "quota": None if count.quota is None else exact(count.quota),
        }
    return doc


def render_json(count: Count, *, indent: int | None = 2, extra: dict[str, Any] | None = None) -> str:
    """The count sheet as JSON text (one line when `indent` is None); `extra` keys go first (e.g. "file")."""
    doc = {**(extra or {}), **to_dict(count)}
    return json.dumps(doc, indent=indent, ensure_ascii=False) + ("\n" if indent is not None else "")


def render(count: Count, fmt: str = "text", *, width: int | None = None) -> str:
    """The count sheet in format `fmt` (text, csv, json, html)."""
    if fmt == "text":
        return render_text(count, width=width)
    if fmt == "csv":
        return render_csv(count)
    if fmt == "json":
        return render_json(count)
    if fmt == "html":
        return render_html(count)
    raise CountError(f"unknown sheet format {fmt!r}; choose one of: {', '.join(FORMATS)}")


# ---------------------------------------------------------------------------------------------------------
# reading a published JSON sheet back


def from_dict(doc: dict[str, Any], *, source: str = "<json>") -> Count:
    """Rebuild a Count from a published JSON sheet, to check or re-render it (exact values where given)."""

    def fail(message: str) -> CountError:
        return CountError(f"not a count sheet: {message}", source=source)

    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise fail(f'expected "schema": "{SCHEMA}"')
    version = doc.get("version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise fail(f"schema version {version!r} is newer than this reader ({SCHEMA_VERSION})")
    try:
        names = [str(n) for n in doc["candidates"]]
        index = {n: i for i, n in enumerate(names)}

        def num(text: Any) -> Fraction:
            # ASCII only: Fraction() would also read other scripts' digits, "1_0" and " 5 "
            if not isinstance(text, str | int) or isinstance(text, bool) or not _NUMBER.fullmatch(str(text)):
                raise fail(f"expected a number such as 12.5 or 25/2, found {text!r}")
            return Fraction(str(text))

        def whole(value: Any, what: str) -> int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise fail(f'"{what}" must be a whole number, found {value!r}')
            return value

        def idx(name: str) -> int:
            if name not in index:
                raise fail(f"{name!r} is not one of the candidates")
            return index[name]

        top_exact = doc.get("exact") or {}
        stages = []
        for entry in doc["stages"]:
            ex = entry.get("exact") or {}
            totals = ex.get("totals") or entry["totals"]
            kind = entry["action"]
            if kind not in _KINDS:
                raise fail(f"unknown stage action {kind!r}")
            states = tuple(entry["states"][n] for n in names)
            if any(s not in _STATES for s in states):
                raise fail(f"unknown candidate state in stage {entry['number']}")
            keep = entry.get("keep_factors")
            stages.append(
                Stage(
                    number=whole(entry["number"], "number"),
                    kind=cast(StageKind, kind),
                    description=str(entry["description"]),
                    subjects=tuple(idx(n) for n in entry["subjects"]),
                    votes=tuple(num(totals[n]) for n in names),
                    non_transferable=num(ex.get("non_transferable", entry["non_transferable"])),
                    loss=num(ex.get("loss", entry["loss"])),
                    quota=num(ex.get("quota", entry["quota"])),
                    states=cast(tuple[CandidateState, ...], states),
                    elected=tuple(idx(n) for n in entry["elected"]),
                    excluded=tuple(idx(n) for n in entry["excluded"]),
                    notes=tuple(str(n) for n in entry["notes"]),
                    keep_factors=None if keep is None else tuple(num(keep[n]) for n in names),
                )
            )
        quota = top_exact.get("quota", doc["quota"])
        decimals = doc["decimals"]
        return Count(
            rule=str(doc["rule"]),
            method=str(doc["method"]),
            title=str(doc["title"]),
            candidates=tuple(names),
            seats=whole(doc["seats"], "seats"),
            papers=whole(doc["papers"], "papers"),
            valid=num(top_exact.get("valid", doc["valid"])),
            invalid=whole(doc["invalid"], "invalid"),
            quota=None if quota is None else num(quota),
            stages=tuple(stages),
            elected=tuple(idx(n) for n in doc["elected"]),
            decimals=None if decimals is None else whole(decimals, "decimals"),
            seed=None if doc["seed"] is None else str(doc["seed"]),
            withdrawn=tuple(idx(n) for n in doc.get("withdrawn", [])),
            notes=tuple(str(n) for n in doc.get("notes", [])),
            options=dict(doc.get("options") or {}),
            parties=_parties(doc.get("parties"), names, fail),
        )
    except KeyError as exc:
        raise fail(f"missing key {exc.args[0]!r}") from None
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        raise fail(str(exc)) from None


def _parties(value: Any, names: list[str], fail: Any) -> tuple[str, ...]:
    """The sheet's optional "parties" map (name -> party) as a tuple in candidate order; () when absent."""
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise fail('"parties" must map candidates\' names to their parties')
    unknown = [n for n in value if n not in names]
    if unknown:
        raise fail(f"{unknown[0]!r} is not one of the candidates")
    return tuple(str(value.get(n, "")) for n in names)


def from_json(text: str, *, source: str = "<json>") -> Count:
    """Rebuild a Count from a published JSON count sheet (see `from_dict`)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CountError(f"not valid JSON: {exc.msg}", source=source, line=exc.lineno) from None
    return from_dict(doc, source=source)
