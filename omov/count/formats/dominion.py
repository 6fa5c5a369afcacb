"""Dominion Democracy Suite cast vote records (JSON), as RCTab reads them: a folder with `CvrExport.json` (or
several `CvrExport_N.json`, one a batch) and the manifests `ContestManifest.json` and `CandidateManifest.json`.

    ContestManifest.json    {"List": [{"Description": "Mayor", "Id": 7, "VoteFor": 1, "NumOfRanks": 4}, ...]}
    CandidateManifest.json  {"List": [{"Description": "Ann", "Id": 31, "ContestId": 7, "Type": "Regular"}, ...]}
    CvrExport.json          {"ElectionId": "...", "Sessions": [
                               {"TabulatorId": 3, "BatchId": 12, "RecordId": 5,
                                "Original": {"IsCurrent": true, "Cards": [{"Contests": [
                                   {"Id": 7, "Marks": [{"CandidateId": 31, "Rank": 1, "IsAmbiguous": false,
                                                        "IsVote": true}, ...]}]}]},
                                "Modified": {...}}, ...]}

Reading: the contest is the only one in ContestManifest, else the one `CvrRules.contest` names (its Id or its
Description); its candidates are those of CandidateManifest with its ContestId, in the manifest's order (a
write-in position, Type "WriteIn", is a candidate like any other, under its Description). A session counts as
its `Modified` reading when that is the current one (`IsCurrent`), else its `Original`; a session with neither
current is skipped. The contest's marks are gathered from every card (`Cards`, or `Contests` directly, as older
exports have it); an ambiguous mark (`IsAmbiguous`) or one that is not a vote (`IsVote` false) is passed over;
`Rank` (1 if absent) places the mark. Two candidates at one rank are an overvote, a rank with none skipped:
`CvrRules`. The contest's `VoteFor` is the seats and its `Description` the title.

Writing (`write_dominion(profile, folder)`): the two manifests, `CvrExport.json` with one session a paper, and
one-entry `PrecinctManifest.json` and `PrecinctPortionManifest.json` for readers that want them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from omov.count.errors import CountError
from omov.count.formats.blt import decode
from omov.count.formats.cvr import CvrRules, Papers, Path_, Tally, clean, load_json, pick_contest, resolve, unique
from omov.count.profile import Profile

ProgressFn = Callable[[int, int], None]
EXPORT = "CvrExport.json"
CONTEST_MANIFEST = "ContestManifest.json"
CANDIDATE_MANIFEST = "CandidateManifest.json"
VERSION = "5.10.50.85"


def _find(folder: Path, name: str) -> Path | None:
    for p in sorted(folder.iterdir()):
        if p.name.casefold() == name.casefold() and p.is_file():
            return p
    return None


def is_export_name(name: str) -> bool:
    """Whether a file name is a Dominion CVR export's (CvrExport.json, CvrExport_12.json)."""
    folded = name.casefold()
    return folded.startswith("cvrexport") and folded.endswith(".json")


def _read(path: Path) -> str:
    try:
        return decode(path.read_bytes())
    except OSError as exc:
        raise CountError(f"cannot read the file: {exc.strerror}", source=str(path)) from None


def read_dominion(
    path: str | os.PathLike[str],
    *,
    rules: CvrRules | None = None,
    tally: Tally | None = None,
    progress: ProgressFn | None = None,
) -> Profile:
    """Read a Dominion export (its folder, or its CvrExport.json with the manifests beside it) into a Profile."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    try:
        if p.is_dir():
            exports = [f for f in sorted(folder.iterdir()) if f.is_file() and is_export_name(f.name)]
            if not exports:
                raise CountError(f"the folder has no {EXPORT} (a Dominion cast vote record export)", source=str(p))
        else:
            exports = [p]
        found = {name: _find(folder, name) for name in (CONTEST_MANIFEST, CANDIDATE_MANIFEST)}
    except OSError as exc:
        raise CountError(f"cannot read the folder: {exc.strerror}", source=str(folder)) from None
    for name, where in found.items():
        if where is None:
            raise CountError(f"no {name} beside the cast vote records; Dominion exports need it", source=str(folder))
    contest_path, candidate_path = found[CONTEST_MANIFEST], found[CANDIDATE_MANIFEST]
    assert contest_path is not None and candidate_path is not None
    return parse_dominion(
        [(str(f), _read(f)) for f in exports],
        (str(contest_path), _read(contest_path)),
        (str(candidate_path), _read(candidate_path)),
        rules=rules,
        tally=tally,
        progress=progress,
    )


def _manifest(source: str, text: str) -> tuple[Path_, list[Any]]:
    top = Path_(source)
    doc = top.obj(load_json(text, source), 'a manifest object with a "List"')
    entries = doc.get("List")
    if not isinstance(entries, list):
        raise (top / "List").error("expected a list of entries")
    return top / "List", entries


def parse_dominion(
    exports: Sequence[tuple[str, str]],
    contest_manifest: tuple[str, str],
    candidate_manifest: tuple[str, str],
    *,
    rules: CvrRules | None = None,
    tally: Tally | None = None,
    progress: ProgressFn | None = None,
) -> Profile:
    """Parse a Dominion export (the CvrExport texts and the two manifests, each with its file name)."""
    rules = rules or CvrRules()
    lp, entries = _manifest(*contest_manifest)
    contests: list[tuple[str, str, dict[str, Any]]] = []
    for k, raw in enumerate(entries):
        ep = lp / k
        entry = ep.obj(raw, "a contest entry")
        ident = (ep / "Id").text(entry.get("Id"), "the contest's Id")
        name = clean((ep / "Description").text(entry.get("Description", ""), "the contest's name"))
        contests.append((ident, name, entry))
    chosen = pick_contest([(i, n) for i, n, _ in contests], rules.contest, source=contest_manifest[0])
    contest_id, title, contest = contests[chosen]
    cp = lp / chosen
    seats = contest.get("VoteFor")
    seats = (cp / "VoteFor").whole(seats, "a whole number of seats, 1 or more", 1) if seats is not None else None

    lp, entries = _manifest(*candidate_manifest)
    ids: list[str] = []
    names: list[str] = []
    writeins: set[str] = set()
    for k, raw in enumerate(entries):
        ep = lp / k
        entry = ep.obj(raw, "a candidate entry")
        if (ep / "ContestId").text(entry.get("ContestId"), "the candidate's ContestId") != contest_id:
            continue
        ident = (ep / "Id").text(entry.get("Id"), "the candidate's Id")
        if ident in ids:
            raise (ep / "Id").error(f"the candidate Id {ident!r} is used twice in this contest")
        ids.append(ident)
        names.append(clean((ep / "Description").text(entry.get("Description", ""), "the candidate's name")))
        if entry.get("Type") == "WriteIn":
            writeins.add(ident)
    if not ids:
        raise CountError(f"no candidate of contest {contest_id!r} in the manifest", source=candidate_manifest[0])
    names = unique(names, ids)
    name_of = dict(zip(ids, names, strict=True))

    papers = Papers(names, source=exports[0][0] if exports else candidate_manifest[0])
    for source, text in exports:
        top = Path_(source)
        doc = top.obj(load_json(text, source), 'a CVR export object with "Sessions"')
        sessions = doc.get("Sessions")
        if not isinstance(sessions, list):
            raise (top / "Sessions").error("expected a list of sessions")
        papers.source = source
        total = len(sessions)
        tick = max(1, total // 200)
        for n, raw in enumerate(sessions):
            if progress is not None and n % tick == 0:
                progress(n, total)
            sp = top / "Sessions" / n
            session = sp.obj(raw, "a session object")
            reading, rp = _current(session, sp)
            if reading is None:
                if tally is not None:
                    tally.notes.append(f"{source}: {sp}: neither reading is current; the session is skipped")
                continue
            slots, found, writein = _marks(reading, rp, contest_id, name_of, writeins)
            if not found:
                if tally is not None:
                    tally.not_in_contest += 1
                continue
            if tally is not None:
                tally.write_ins += writein
                tally.ids += 1
            papers.add(resolve(slots, rules, tally))
        if progress is not None:
            progress(total, total)
    return papers.profile(seats=seats, title=title)


def _current(session: dict[str, Any], sp: Path_) -> tuple[dict[str, Any] | None, Path_]:
    modified = session.get("Modified")
    if modified is not None:
        m = (sp / "Modified").obj(modified, "a Modified reading")
        if m.get("IsCurrent", True) is True:
            return m, sp / "Modified"
    if "Original" not in session:
        raise (sp / "Original").error("missing: the session's reading of the paper")
    o = (sp / "Original").obj(session["Original"], "an Original reading")
    if o.get("IsCurrent", True) is not True:
        return None, sp / "Original"
    return o, sp / "Original"


def _marks(
    reading: dict[str, Any], rp: Path_, contest_id: str, name_of: dict[str, str], writeins: set[str]
) -> tuple[list[list[str]], bool, bool]:
    """The choices at each rank in the contest, whether the paper has the contest, whether a write-in is marked."""
    holders: list[tuple[Path_, Any]] = []
    if "Cards" in reading:
        for c, card in enumerate(rp.items(reading.get("Cards"), "a list of cards")):
            cp = rp / "Cards" / c
            holders.append((cp / "Contests", cp.obj(card, "a card object").get("Contests")))
    else:
        holders.append((rp / "Contests", reading.get("Contests")))
    by_rank: dict[int, list[str]] = {}
    found = writein = False
    for hp, contests in holders:
        for k, raw in enumerate(hp.items(contests, "a list of contests")):
            kp = hp / k
            contest = kp.obj(raw, "a contest object")
            if (kp / "Id").text(contest.get("Id"), "the contest's Id") != contest_id:
                continue
            found = True
            for m, mraw in enumerate(kp.items(contest.get("Marks"), "a list of marks")):
                mp = kp / "Marks" / m
                mark = mp.obj(mraw, "a mark object")
                if mark.get("IsAmbiguous") is True or mark.get("IsVote") is False:
                    continue
                cand = (mp / "CandidateId").text(mark.get("CandidateId"), "the marked candidate's Id")
                if cand not in name_of:
                    raise (mp / "CandidateId").error(f"{cand!r} is not a candidate of contest {contest_id!r}")
                rank = (mp / "Rank").whole(mark.get("Rank", 1), "a rank, a whole number of 1 or more", 1)
                if rank > 10_000:
                    raise (mp / "Rank").error(f"a rank of {rank} is more than any paper has (at most 10,000)")
                by_rank.setdefault(rank, []).append(name_of[cand])
                writein |= cand in writeins
    depth = max(by_rank, default=0)
    return [by_rank.get(r, []) for r in range(1, depth + 1)], found, writein


def dominion_files(profile: Profile) -> dict[str, str]:
    """The files of a Dominion export of the profile, by name: manifests and one CvrExport.json."""
    depth = max((len(r) for r in profile.rankings), default=0) or 1
    contest: dict[str, Any] = {"Description": profile.title, "Id": 1, "ExternalId": "", "NumOfRanks": depth}
    if profile.seats is not None:
        contest["VoteFor"] = profile.seats
    candidates = [
        {"Description": c.name, "Id": i + 1, "ExternalId": "", "ContestId": 1, "Type": "Regular"}
        for i, c in enumerate(profile.candidates)
    ]
    sessions: list[dict[str, Any]] = []
    n = 0
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        marks = [
            {"CandidateId": c + 1, "PartyId": 0, "Rank": r, "MarkDensity": 100, "IsAmbiguous": False, "IsVote": True}
            for r, c in enumerate(ranking, 1)
        ]
        for _ in range(weight):
            n += 1
            sessions.append(
                {
                    "TabulatorId": 1,
                    "BatchId": 1,
                    "RecordId": n,
                    "CountingGroupId": 1,
                    "ImageMask": "",
                    "Original": {
                        "PrecinctPortionId": 1,
                        "BallotTypeId": 1,
                        "IsCurrent": True,
                        "Cards": [{"Id": n, "PaperIndex": 0, "Contests": [{"Id": 1, "Marks": marks}]}],
                    },
                }
            )

    def dump(doc: dict[str, Any]) -> str:
        return json.dumps({"Version": VERSION, **doc}, indent=1, ensure_ascii=False) + "\n"

    return {
        CONTEST_MANIFEST: dump({"List": [contest]}),
        CANDIDATE_MANIFEST: dump({"List": candidates}),
        "PrecinctManifest.json": dump({"List": [{"Description": "All", "Id": 1, "ExternalId": ""}]}),
        "PrecinctPortionManifest.json": dump(
            {"List": [{"Description": "All", "Id": 1, "ExternalId": "", "PrecinctId": 1}]}
        ),
        EXPORT: dump({"ElectionId": profile.title, "Sessions": sessions}),
    }


def write_dominion(profile: Profile, folder: str | os.PathLike[str]) -> None:
    """Write the profile as a Dominion export into `folder` (created if need be; these files are replaced)."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in dominion_files(profile).items():
            (out / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CountError(f"cannot write the folder: {exc.strerror}", source=str(out)) from None


__all__ = ["dominion_files", "is_export_name", "parse_dominion", "read_dominion", "write_dominion"]
