"""NIST SP 1500-103 Cast Vote Record Common Data Format, JSON: one contest read into a Profile, and written.

The report (`CVR.CastVoteRecordReport`) defines the election (`Election` → `Contest` → `ContestSelection`, each
selection naming its `Candidate`s by id) and holds one `CVR` a paper. A CVR has snapshots (`CVRSnapshot`: the
original, interpreted or modified reading of the paper; `CurrentSnapshotId` names the one that counts), each
snapshot the contests on the paper (`CVRContest`), each contest the selections marked (`CVRContestSelection`),
each selection its marks (`SelectionPosition`, with `Rank`, `HasIndication`, `IsAllocable`, `NumberVotes`).

Reading (docs/formats.md has the whole list):
* the contest is the only one in the file, else the one `CvrRules.contest` names (id or name);
* a mark counts if `HasIndication` is "yes" (or absent), `IsAllocable` is not "no", and neither it nor its
  selection has the status "invalidated-rules"; its rank is `Rank` (or the selection's `Rank`, as the 2018 draft
  had it, else 1);
* marks at the same rank for different selections are an overvote, a rank with none is skipped: `CvrRules`;
* a write-in selection (`IsWriteIn`) with no candidate is a candidate "Write-in" (numbered if there are several);
* a CVR without the contest is not a paper of it; one with the contest and no mark is an empty paper.
`@type` values are accepted with or without the "CVR." prefix (RCTab writes both).

Writing: one CVR a paper (a ranking of weight 3 is three CVRs), every mark `HasIndication` "yes", `IsAllocable`
"yes", `NumberVotes` 1, the ranks from 1; the contest's `NumberElected` is the seats and its `Name` the title.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from omov.count.formats.cvr import (
    CvrRules,
    Papers,
    Path_,
    Tally,
    clean,
    holds_parties,
    load_json,
    pick_contest,
    resolve,
    unique,
)
from omov.count.profile import Profile

ProgressFn = Callable[[int, int], None]
VERSION = "1.0.0"
CONTESTS = ("CandidateContest", "BallotMeasureContest", "PartyContest", "RetentionContest", "Contest")


def _type(node: dict[str, Any]) -> str:
    t = node.get("@type", "")
    return t[4:] if isinstance(t, str) and t.startswith("CVR.") else str(t)


def parse_cdf(
    text: str,
    *,
    source: str = "<cdf>",
    rules: CvrRules | None = None,
    tally: Tally | None = None,
    progress: ProgressFn | None = None,
) -> Profile:
    """Parse a CDF cast vote record report (JSON) into a Profile of one contest."""
    rules = rules or CvrRules()
    top = Path_(source)
    doc = top.obj(load_json(text, source), "a CastVoteRecordReport object")
    if _type(doc) != "CastVoteRecordReport":
        raise top.error(f'"@type" must be "CVR.CastVoteRecordReport", found {doc.get("@type")!r}')

    # the candidates, then every contest of every election
    names_by_id: dict[str, str] = {}
    party_of: dict[str, str] = {}  # candidate id -> party name
    party_names: dict[str, str] = {}
    for k, party_raw in enumerate(top.items(doc.get("Party"), "a list of Party objects")):
        pp = top / "Party" / k
        party = pp.obj(party_raw, "a Party object")
        ident = (pp / "@id").text(party.get("@id"), "the party's @id")
        party_names[ident] = clean((pp / "Name").text(party.get("Name", ident), "the party's name"))
    contests: list[tuple[str, str, dict[str, Any], Path_]] = []
    for e, election_raw in enumerate(top.items(doc.get("Election"), "a list of Election objects")):
        ep = top / "Election" / e
        election = ep.obj(election_raw, "an Election object")
        for c, cand_raw in enumerate(ep.items(election.get("Candidate"), "a list of Candidate objects")):
            cp = ep / "Candidate" / c
            cand = cp.obj(cand_raw, "a Candidate object")
            ident = (cp / "@id").text(cand.get("@id"), "the candidate's @id")
            names_by_id[ident] = clean((cp / "Name").text(cand.get("Name", ""), "the candidate's name"))
            if cand.get("PartyId") is not None:
                pid = (cp / "PartyId").text(cand["PartyId"], "the candidate's PartyId")
                party_of[ident] = party_names.get(pid, pid)
        for c, contest_raw in enumerate(ep.items(election.get("Contest"), "a list of Contest objects")):
            cp = ep / "Contest" / c
            contest = cp.obj(contest_raw, "a Contest object")
            ident = (cp / "@id").text(contest.get("@id"), "the contest's @id")
            name = (cp / "Name").text(contest.get("Name", ""), "the contest's name")
            contests.append((ident, clean(name), contest, cp))
    chosen = pick_contest([(i, n) for i, n, _, _ in contests], rules.contest, source=source)
    contest_id, contest_name, contest, cpath = contests[chosen]

    # its selections: each a candidate's name
    sel_ids: list[str] = []
    sel_names: list[str] = []
    write_in_ids: set[str] = set()
    sel_party: list[str] = []
    selections = cpath.items(contest.get("ContestSelection"), "a list of ContestSelection objects")
    writeins = sum(
        1 for s in selections if isinstance(s, dict) and s.get("IsWriteIn") is True and not s.get("CandidateIds")
    )
    w = 0
    for s, sel_raw in enumerate(selections):
        sp = cpath / "ContestSelection" / s
        sel = sp.obj(sel_raw, "a ContestSelection object")
        ident = (sp / "@id").text(sel.get("@id"), "the selection's @id")
        cands = [(sp / "CandidateIds" / k).text(x) for k, x in enumerate(sp.items(sel.get("CandidateIds")))]
        for k, cid in enumerate(cands):
            if cid not in names_by_id:
                raise (sp / "CandidateIds" / k).error(
                    f"names candidate {cid!r}, who is not in the Election's Candidate list"
                )
        sel_party.append(" & ".join(dict.fromkeys(party_of[c] for c in cands if c in party_of)))
        if cands:
            name = " & ".join(names_by_id[c] for c in cands)
        elif sel.get("IsWriteIn") is True:
            w += 1
            name = "Write-in" if writeins == 1 else f"Write-in {w}"
            write_in_ids.add(ident)
        elif _type(sel) == "BallotMeasureSelection" and isinstance(sel.get("Selection"), str):
            name = clean(sel["Selection"])
        else:
            name = ident
        if ident in sel_ids:
            raise (sp / "@id").error(f"the selection id {ident!r} is used twice in this contest")
        sel_ids.append(ident)
        sel_names.append(name)
    sel_names = unique(sel_names, sel_ids)
    name_of = dict(zip(sel_ids, sel_names, strict=True))
    seats = contest.get("NumberElected")
    if seats is not None:
        seats = (cpath / "NumberElected").whole(seats, "a whole number of seats, 1 or more", 1)

    papers = Papers(sel_names, source=source)
    cvrs = top.items(doc.get("CVR"), "a list of CVR objects")
    total = len(cvrs)
    tick = max(1, total // 200)
    for n, cvr_raw in enumerate(cvrs):
        if progress is not None and n % tick == 0:
            progress(n, total)
        vp = top / "CVR" / n
        cvr = vp.obj(cvr_raw, "a CVR object")
        snapshot, spath = _current_snapshot(cvr, vp)
        mine = [
            (k, c) for k, c in enumerate(spath.items(snapshot.get("CVRContest"), "a list of CVRContest objects"))
            if isinstance(c, dict) and str(c.get("ContestId")) == contest_id
        ]
        if not mine:
            if tally is not None:
                tally.not_in_contest += 1
            continue
        if len(mine) > 1:
            raise (spath / "CVRContest" / mine[1][0]).error(f"the contest {contest_id!r} appears twice in one snapshot")
        k, cvr_contest = mine[0]
        slots, writein = _marks(cvr_contest, spath / "CVRContest" / k, name_of, write_in_ids)
        if tally is not None:
            tally.write_ins += writein
            tally.ids += any(key in cvr for key in ("UniqueId", "BallotPrePrintedId", "BallotAuditId"))
        papers.add(resolve(slots, rules, tally))
    if progress is not None:
        progress(total, total)
    parties = {n: p for n, p in zip(sel_names, sel_party, strict=True) if p}
    if parties and tally is not None and not holds_parties():
        tally.notes.append(f"the parties of {len(parties)} candidate(s) are not kept: omov's profile has none")
    return papers.profile(seats=seats, title=contest_name, parties=parties)


def _current_snapshot(cvr: dict[str, Any], vp: Path_) -> tuple[dict[str, Any], Path_]:
    snaps = vp.items(cvr.get("CVRSnapshot"), "a list of CVRSnapshot objects")
    if not snaps:
        raise (vp / "CVRSnapshot").error("a CVR needs at least one CVRSnapshot")
    current = cvr.get("CurrentSnapshotId")
    if current is not None:
        for k, s in enumerate(snaps):
            if isinstance(s, dict) and s.get("@id") == current:
                return s, vp / "CVRSnapshot" / k
        raise (vp / "CurrentSnapshotId").error(f"names snapshot {current!r}, which this CVR does not have")
    if len(snaps) > 1:
        raise (vp / "CVRSnapshot").error(
            f"{len(snaps)} snapshots and no CurrentSnapshotId to say which one counts"
        )
    return (vp / "CVRSnapshot" / 0).obj(snaps[0], "a CVRSnapshot object"), vp / "CVRSnapshot" / 0


def _invalidated(node: dict[str, Any]) -> bool:
    status = node.get("Status")
    return isinstance(status, list) and "invalidated-rules" in status


def _marks(
    cvr_contest: dict[str, Any], cp: Path_, name_of: dict[str, str], write_in_ids: set[str]
) -> tuple[list[list[str]], bool]:
    """The choices at each rank (rank 1 first) of one CVRContest, and whether a write-in is among them."""
    by_rank: dict[int, list[str]] = {}
    writein = False
    for s, sel_raw in enumerate(cp.items(cvr_contest.get("CVRContestSelection"), "a list of CVRContestSelection")):
        sp = cp / "CVRContestSelection" / s
        sel = sp.obj(sel_raw, "a CVRContestSelection object")
        ident = sel.get("ContestSelectionId")
        if ident is None:
            raise (sp / "ContestSelectionId").error("missing: which selection of the contest this is")
        ident = (sp / "ContestSelectionId").text(ident)
        if ident not in name_of:
            raise (sp / "ContestSelectionId").error(f"{ident!r} is not a selection of this contest")
        if _invalidated(sel):
            continue
        outer_rank = sel.get("Rank")
        for p, pos_raw in enumerate(sp.items(sel.get("SelectionPosition"), "a list of SelectionPosition objects")):
            pp = sp / "SelectionPosition" / p
            pos = pp.obj(pos_raw, "a SelectionPosition object")
            has = pos.get("HasIndication", "yes")
            if has not in ("yes", "no", "unknown"):
                raise (pp / "HasIndication").error(f'expected "yes", "no" or "unknown", found {has!r}')
            allocable = pos.get("IsAllocable", "yes")
            if allocable not in ("yes", "no", "unknown"):
                raise (pp / "IsAllocable").error(f'expected "yes", "no" or "unknown", found {allocable!r}')
            if has != "yes" or allocable == "no" or _invalidated(pos):
                continue
            votes = pos.get("NumberVotes", 1)
            if (pp / "NumberVotes").whole(votes, "a whole number of votes") == 0:
                continue
            raw_rank = pos.get("Rank", outer_rank if outer_rank is not None else 1)
            rank = (pp / "Rank").whole(raw_rank, "a rank, a whole number of 1 or more", 1)
            if rank > 10_000:
                raise (pp / "Rank").error(f"a rank of {rank} is more than any paper has (at most 10,000)")
            by_rank.setdefault(rank, []).append(name_of[ident])
            writein |= ident in write_in_ids
    depth = max(by_rank, default=0)
    return [by_rank.get(r, []) for r in range(1, depth + 1)], writein


def write_cdf(profile: Profile, *, indent: int | None = 1, generated: datetime | None = None) -> str:
    """The profile as a CDF CastVoteRecordReport (JSON): one contest, one CVR a paper."""
    ids = [f"cand-{i + 1}" for i in range(len(profile.candidates))]
    sel_ids = [f"sel-{i + 1}" for i in range(len(profile.candidates))]
    parties: dict[str, str] = {}
    candidates: list[dict[str, Any]] = []
    for i, c in enumerate(profile.candidates):
        entry: dict[str, Any] = {"@id": ids[i], "@type": "CVR.Candidate", "Name": c.name}
        party = getattr(c, "party", None)
        if isinstance(party, str) and party:
            entry["PartyId"] = parties.setdefault(party, f"party-{len(parties) + 1}")
        candidates.append(entry)
    contest: dict[str, Any] = {
        "@id": "contest-1",
        "@type": "CVR.CandidateContest",
        "VoteVariation": "rcv",
        "ContestSelection": [
            {"@id": sel_ids[i], "@type": "CVR.CandidateSelection", "CandidateIds": [ids[i]]}
            for i in range(len(profile.candidates))
        ],
    }
    if profile.seats is not None:
        contest["NumberElected"] = profile.seats
    if profile.title:
        contest["Name"] = profile.title
    cvrs: list[dict[str, Any]] = []
    n = 0
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        selections = [
            {
                "@type": "CVR.CVRContestSelection",
                "ContestSelectionId": sel_ids[c],
                "SelectionPosition": [
                    {
                        "@type": "CVR.SelectionPosition",
                        "HasIndication": "yes",
                        "IsAllocable": "yes",
                        "NumberVotes": 1,
                        "Rank": rank,
                    }
                ],
            }
            for rank, c in enumerate(ranking, 1)
        ]
        for _ in range(weight):
            n += 1
            cvrs.append(
                {
                    "@type": "CVR.CVR",
                    "BallotPrePrintedId": str(n),
                    "CurrentSnapshotId": f"snap-{n}",
                    "ElectionId": "election-1",
                    "CVRSnapshot": [
                        {
                            "@id": f"snap-{n}",
                            "@type": "CVR.CVRSnapshot",
                            "Type": "original",
                            "CVRContest": [
                                {"@type": "CVR.CVRContest", "ContestId": "contest-1", "CVRContestSelection": selections}
                            ],
                        }
                    ],
                }
            )
    report: dict[str, Any] = {
        "@type": "CVR.CastVoteRecordReport",
        "Version": VERSION,
        "GeneratedDate": (generated or datetime.now(UTC)).replace(microsecond=0).isoformat(),
        "ReportGeneratingDeviceIds": ["device-1"],
        "ReportingDevice": [{"@id": "device-1", "@type": "CVR.ReportingDevice", "Application": "omov"}],
        "GpUnit": [{"@id": "gpu-1", "@type": "CVR.GpUnit", "Type": "other", "OtherType": "election scope"}],
        "Election": [
            {
                "@id": "election-1",
                "@type": "CVR.Election",
                "Name": profile.title,
                "ElectionScopeId": "gpu-1",
                "Candidate": candidates,
                "Contest": [contest],
            }
        ],
        "CVR": cvrs,
    }
    if parties:
        report["Party"] = [{"@id": pid, "@type": "CVR.Party", "Name": name} for name, pid in parties.items()]
    if not profile.title:
        del report["Election"][0]["Name"]
    return json.dumps(report, indent=indent, ensure_ascii=False) + "\n"


__all__ = ["parse_cdf", "write_cdf"]
