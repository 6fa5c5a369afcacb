"""`omov check`: check a counted ballot from what the site publishes, without trusting the site's server.

A scrutineer, a journalist or a candidate's agent points it at a ballot's page (or at a folder where they saved
its downloads) and it checks, printing each check and exiting non-zero if any fails:

1. every tracker code is the SHA-256 of its paper's bytes, and every paper is well-formed, canonical, of this
   ballot (its public id), with a unique nonce and a valid ranking or set of marks;
2. the list of papers (published sorted by tracker, so it says nothing about when anyone voted) gives the Merkle
   root and the number of papers that the audit log recorded at the close of voting (so no paper was added,
   removed or changed after voting closed), whatever order its lines are in;
3. the BLT file offered for recounting holds the same papers as the list;
4. a recount of the listed papers under the published rule, seats, seed and balance constraints gives the
   published count sheet, stage by stage, and the declared winners;
5. optionally, that the voter's own tracker codes are on the list and their inclusion proofs lead to the root
   (`--tracker`; from a site, the site's own proof too), and that the list gives a root published elsewhere at
   the close (`--root`), e.g. read out at the count or posted by a scrutineer.

The formats are documented in docs/checking.md (the manifest, the Merkle tree and the proofs, after RFC 9162),
omov/ballots/papers.py (a paper's bytes) and docs/count-sheet-schema.md. The hashes are computed here again from
those documents rather than imported from the server's code; the recount uses omov.count, the published
implementation of the rules (the BLT file lets anyone recount with another program too). Never imports Django.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT, VERSION = "omov-ballot-result", 2
FILES = {"manifest": "result.json", "papers": "papers.jsonl", "sheet": "sheet.json", "blt": "papers.blt"}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NONCE = re.compile(r"^[0-9a-f]{32}$")


class CheckError(Exception):
    """The published files could not be fetched or read at all (nothing to check)."""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Published:
    """A ballot's downloads: the manifest, the list of papers (one JSON object a line), the sheet and the BLT."""

    manifest: dict[str, Any]
    papers: str
    sheet: dict[str, Any]
    blt: str
    source: str = ""
    raw: dict[str, bytes] = field(default_factory=dict)


# Reading the downloads ---------------------------------------------------------------------------------------


def _ballot_base(url: str) -> str:
    """The ballot's page address, from it or from any of its download addresses."""
    parts = urllib.parse.urlsplit(url)
    found = re.match(r"^(.*?/ballots/\d+)(?:/.*)?$", parts.path)
    if not parts.scheme or not found:
        raise CheckError(f"{url!r} is not a ballot's address (expected http(s)://HOST/ballots/NUMBER/)")
    return str(urllib.parse.urlunsplit((parts.scheme, parts.netloc, found.group(1) + "/", "", "")))


def _fetch(url: str, *, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "omov-check", "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, checked)
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        hint = " (is the result published?)" if exc.code == 404 else ""
        raise CheckError(f"{url}: HTTP {exc.code} {exc.reason}{hint}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise CheckError(f"{url}: {getattr(exc, 'reason', exc)}") from None


def load(source: str, *, timeout: float = 60.0) -> Published:
    """Read a ballot's downloads from its page's address, or from a folder holding the four files (FILES)."""
    raw: dict[str, bytes] = {}
    if re.match(r"^https?://", source):
        base = _ballot_base(source)
        for key, name in FILES.items():
            raw[key] = _fetch(base + name, timeout=timeout)
    else:
        folder = Path(source)
        if not folder.is_dir():
            raise CheckError(f"{source}: neither a ballot's address (http(s)://...) nor a folder")
        for key, name in FILES.items():
            path = folder / name
            if not path.is_file():
                raise CheckError(f"{path}: missing (a folder to check holds {', '.join(FILES.values())})")
            raw[key] = path.read_bytes()
    decoded: dict[str, Any] = {}
    for key in ("manifest", "sheet"):
        try:
            decoded[key] = json.loads(raw[key].decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise CheckError(f"{FILES[key]}: not valid JSON ({type(exc).__name__}: {str(exc)[:200]})") from None
        if not isinstance(decoded[key], dict):
            raise CheckError(f"{FILES[key]}: expected a JSON object")
    try:
        papers, blt = raw["papers"].decode("utf-8"), raw["blt"].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CheckError(f"the papers or the BLT file are not UTF-8 text ({exc})") from None
    return Published(decoded["manifest"], papers, decoded["sheet"], blt, source=source, raw=raw)


def save(published: Published, folder: Path) -> None:
    """Keep the downloads exactly as fetched, so the same check can be run again later, offline."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in FILES.items():
        (folder / name).write_bytes(published.raw[key])


# The hashes, from their documents ----------------------------------------------------------------------------


def tracker_of(paper: bytes) -> str:
    """A paper's tracker code: SHA-256 of its canonical bytes, lower-case hex (omov/ballots/papers.py)."""
    return hashlib.sha256(paper).hexdigest()


def leaf_hash(tracker: str) -> bytes:
    """A tracker's leaf in the list's Merkle tree (RFC 9162 2.1.1): SHA-256 of 0x00 and its 32 bytes."""
    return hashlib.sha256(b"\x00" + bytes.fromhex(tracker)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An interior node (RFC 9162 2.1.1): SHA-256 of 0x01, the left child and the right child."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def tree_hash(leaves: list[bytes], start: int = 0, end: int | None = None) -> bytes:
    """RFC 9162 2.1.1, as written: MTH of leaves[start:end], split after the largest power of two below its
    size (the empty tree: SHA-256 of nothing)."""
    end = len(leaves) if end is None else end
    n = end - start
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[start]
    k = 1 << ((n - 1).bit_length() - 1)
    return node_hash(tree_hash(leaves, start, start + k), tree_hash(leaves, start + k, end))


def audit_path(leaves: list[bytes], index: int, start: int = 0, end: int | None = None) -> list[bytes]:
    """RFC 9162 2.1.3.1 PATH(index, leaves[start:end]): the hashes from the leaf's sibling up to the root's child."""
    end = len(leaves) if end is None else end
    n = end - start
    if n <= 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if index < k:
        return audit_path(leaves, index, start, start + k) + [tree_hash(leaves, start + k, end)]
    return audit_path(leaves, index - k, start + k, end) + [tree_hash(leaves, start, start + k)]


def root_from_proof(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    """RFC 9162 2.1.3.2: the root an inclusion proof leads to, or None if the proof cannot be one for a leaf at
    `index` (from 0) of a tree of `size` leaves (too short, too long, or the index out of range)."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


# The checks --------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    tracker: str
    paper: str


def _entries(text: str) -> tuple[list[Entry], str]:
    """The list's entries, or the first line that cannot be one."""
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            entry = Entry(number, str(row["tracker"]), str(row["paper"]))
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            problem = f"{type(exc).__name__}: {str(exc)[:200]}"
            return entries, f"papers.jsonl line {number}: not an entry of the list ({problem})"
        entries.append(entry)
    return entries, ""


def _read_paper(entry: Entry, public_id: str, n: int, ranked: bool, nonces: set[str]) -> tuple[int, ...] | str:
    """The paper's choices (candidate numbers from 1), or what is wrong with it."""
    try:
        doc = json.loads(entry.paper)
    except (ValueError, RecursionError):
        return "its paper is not JSON"
    if not isinstance(doc, dict):
        return "its paper is not a JSON object"
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if canonical != entry.paper:
        return "its paper is not in canonical form (sorted keys, no spaces)"
    key = "ranking" if ranked else "marks"
    if set(doc) != {"ballot", "nonce", key, "v"} or doc["v"] != 1:
        return f"its paper does not have exactly the fields ballot, nonce, {key} and v = 1"
    if doc["ballot"] != public_id:
        return f"its paper is for another ballot ({doc['ballot']})"
    if not isinstance(doc["nonce"], str) or not _NONCE.match(doc["nonce"]):
        return "its paper's nonce is not 32 hex digits"
    if doc["nonce"] in nonces:
        return "its paper's nonce was used by an earlier paper (a copied paper)"
    nonces.add(doc["nonce"])
    choices = doc[key]
    if not isinstance(choices, list) or any(isinstance(c, bool) or not isinstance(c, int) for c in choices):
        return f"its {key} is not a list of candidate numbers"
    if any(not 1 <= c <= n for c in choices) or len(set(choices)) != len(choices):
        return f"its {key} {choices} names a candidate twice or one that does not exist (1 to {n})"
    if not ranked and choices != sorted(choices):
        return "its marks are not in ascending order"
    return tuple(choices)


def check_papers(pub: Published) -> tuple[list[Check], list[tuple[int, ...]], list[Entry]]:
    """Trackers and papers, then the list against the Merkle root recorded at the close."""
    m = pub.manifest
    entries, problem = _entries(pub.papers)
    if problem:
        return [Check("papers and trackers", False, problem)], [], entries
    public_id, ranked = str(m["ballot"]["public_id"]), bool(m["count"]["ranked"])
    n = len(m["candidates"])
    nonces: set[str] = set()
    papers: list[tuple[int, ...]] = []
    checks = []
    bad = ""
    for e in entries:
        if not _HEX64.match(e.tracker) or tracker_of(e.paper.encode("utf-8")) != e.tracker:
            bad = f"line {e.line}: its tracker is not the SHA-256 of its paper"
            break
        read = _read_paper(e, public_id, n, ranked, nonces)
        if isinstance(read, str):
            bad = f"line {e.line}: {read}"
            break
        papers.append(read)
    checks.append(Check("papers and trackers", not bad, bad or f"{len(entries)} papers, each tracker the hash of its "
                        "paper, each paper well-formed and of this ballot"))  # fmt: skip

    at_close = m["papers"].get("at_close")
    if not at_close:
        checks.append(Check("list as recorded at the close", False, "the site published no root for the close"))
    elif not has_tree(entries):
        checks.append(Check("list as recorded at the close", False, "not checked: a tracker is not 64 hex digits"))
    else:
        length, recorded = int(at_close["papers"]), str(at_close["root"]).lower()
        actual = list_root(entries).hex()
        ok = length == len(entries) and recorded == actual
        where = f"audit log entry {at_close.get('audit_position')} ({str(at_close.get('audit_entry_hash'))[:16]}…)"
        checks.append(Check("list as recorded at the close", ok,
                            f"{length} papers with the root {recorded[:16]}…, recorded in {where}" if ok else
                            f"the close recorded {length} papers with the root {recorded[:16]}…; the list has "
                            f"{len(entries)} with the root {actual[:16]}…"))  # fmt: skip
    return checks, papers, entries


def has_tree(entries: list[Entry]) -> bool:
    """Whether every tracker is 64 hex digits, so that the list has a Merkle tree (a leaf is a tracker's bytes)."""
    return all(_HEX64.match(e.tracker) for e in entries)


def sorted_leaves(entries: list[Entry]) -> list[bytes]:
    """The list's leaves in the tree's order: the trackers ascending, whatever order the lines are in."""
    return [leaf_hash(t) for t in sorted(e.tracker for e in entries)]


def list_root(entries: list[Entry]) -> bytes:
    return tree_hash(sorted_leaves(entries))


def check_root(entries: list[Entry], root: str) -> Check:
    """The list against a root published elsewhere at the close (read out at the count, posted by a scrutineer)."""
    given, actual = root.strip().lower(), list_root(entries).hex()
    if given == actual:
        return Check("published root", True, f"the list gives the root {given[:16]}…")
    return Check("published root", False, f"the list gives the root {actual[:16]}…, not {given[:16]}…")


def check_blt(pub: Published, papers: list[tuple[int, ...]]) -> Check:
    """The BLT file holds the listed papers (as a multiset), the ballot's candidates and seats."""
    from omov.count import CountError
    from omov.count.formats.blt import parse_blt

    try:
        profile = parse_blt(pub.blt, source="papers.blt")
    except CountError as exc:
        return Check("BLT file", False, str(exc))
    names = [c["name"] for c in pub.manifest["candidates"]]
    if [c.name for c in profile.candidates] != names:
        return Check("BLT file", False, f"its candidates {[c.name for c in profile.candidates]} are not {names}")
    seats = pub.manifest["count"]["seats"]
    if profile.seats != seats:
        return Check("BLT file", False, f"it says {profile.seats} seats; the ballot has {seats}")
    in_blt: Counter[tuple[int, ...]] = Counter()
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        in_blt[tuple(c + 1 for c in ranking)] += weight
    listed = Counter(papers)
    if in_blt != listed:
        extra, missing = in_blt - listed, listed - in_blt
        return Check("BLT file", False, f"{sum(missing.values())} listed papers are not in it and it has "
                     f"{sum(extra.values())} that are not listed")  # fmt: skip
    return Check("BLT file", True, f"the same {len(papers)} papers as the list")


def _first_difference(ours: Any, theirs: Any, path: str = "") -> str:
    """Where two JSON values first differ, e.g. 'stages[3].totals.Ann: 101.00000 here, 100.00000 published'."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in list(dict.fromkeys([*theirs, *ours])):
            if key not in ours or key not in theirs:
                return f"{path}{'.' if path else ''}{key}: {'missing here' if key not in ours else 'not published'}"
            found = _first_difference(ours[key], theirs[key], f"{path}{'.' if path else ''}{key}")
            if found:
                return found
        return ""
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return f"{path}: {len(ours)} items here, {len(theirs)} published"
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            found = _first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return ""
    return "" if ours == theirs else f"{path}: {ours!r} here, {theirs!r} published"


def recount(pub: Published, papers: list[tuple[int, ...]]) -> Any:
    """Count the listed papers under the published rule (preset, options, seats, seed, constraints)."""
    from omov.count import Candidate, Constraint, Profile, count, preset

    c = pub.manifest["count"]
    candidates = tuple(Candidate(x["name"], withdrawn=bool(x["withdrawn"])) for x in pub.manifest["candidates"])
    grouped = sorted(Counter(tuple(n - 1 for n in p) for p in papers).items())  # as the site counts them
    profile = Profile(candidates, tuple(r for r, _ in grouped), tuple(w for _, w in grouped), seats=c["seats"],
                      title=pub.manifest["ballot"]["title"])  # fmt: skip
    rule = preset(c["rule"]).with_(**(c.get("options") or {}))
    constraints = tuple(Constraint(k["group"], frozenset(k["candidates"]), int(k["minimum"]),
                                   None if k.get("maximum") is None else int(k["maximum"]))
                        for k in c.get("constraints") or [])  # fmt: skip
    if constraints:
        rule = rule.with_(constraints=constraints)
    return count(profile, rule, seats=c["seats"], seed=c["seed"])


def check_recount(pub: Published, papers: list[tuple[int, ...]]) -> list[Check]:
    """The recount against the published sheet (every field of every stage) and the declared result."""
    from omov.count import CountError
    from omov.count.sheet import to_dict

    try:
        ours = to_dict(recount(pub, papers))
    except (CountError, KeyError, TypeError, ValueError) as exc:
        return [Check("recount", False, f"the published rule could not be applied: {type(exc).__name__}: {exc}")]
    difference = _first_difference(ours, pub.sheet)
    stages = len(ours.get("stages", []))
    checks = [Check("recount against the count sheet", not difference, difference or
                    f"{stages} stages, every figure as published; elected {', '.join(ours['elected'])}")]  # fmt: skip
    declared = pub.manifest["result"]
    problems = []
    if list(declared["elected"]) != list(pub.sheet.get("elected", [])):
        problems.append(f"declared elected {declared['elected']}, the sheet says {pub.sheet.get('elected')}")
    if int(declared["papers"]) != len(papers):
        problems.append(f"declared {declared['papers']} papers, the list has {len(papers)}")
    if int(declared["roll"]) < len(papers):
        problems.append(f"more papers ({len(papers)}) than voters on the roll ({declared['roll']})")
    checks.append(Check("declared result", not problems, "; ".join(problems) or
                        f"elected {', '.join(declared['elected'])}; {len(papers)} papers of {declared['roll']} on the "
                        "roll"))  # fmt: skip
    return checks


def check_trackers(entries: list[Entry], trackers: Iterable[str], root: str | None) -> list[Check]:
    """Each voter's tracker: on the list, and its inclusion proof (computed from the list) leads to the root the
    close recorded, as the proof a voter is given would."""
    ordered = sorted(e.tracker for e in entries)
    leaves = [leaf_hash(t) for t in ordered]
    where = {t: i for i, t in enumerate(ordered)}
    out = []
    for t in trackers:
        code = normal_tracker(t)
        index = where.get(code)
        if index is None:
            out.append(Check(f"tracker {code[:16]}…", False, "NOT on the list"))
            continue
        reached = root_from_proof(index, len(leaves), leaves[index], audit_path(leaves, index))
        ok = root is not None and reached is not None and reached.hex() == root.lower()
        out.append(Check(f"tracker {code[:16]}…", ok, f"on the list (leaf {index} of {len(leaves)}); its inclusion "
                         f"proof {'leads' if ok else 'does NOT lead'} to the root recorded at the close"))  # fmt: skip
    return out


def check_proof(proof: Any, tracker: str, root: str | None, papers: int | None) -> Check:
    """A tracker's inclusion proof as the site gives it (`/ballots/N/papers/proof/TRACKER`, docs/checking.md)
    against what the close recorded: it must be for this tracker, in a tree of as many leaves as there were
    papers (a root alone does not fix the size: a leaf in a full left subtree has the same path in several
    sizes), and lead from its leaf to the recorded root."""
    name = f"the site's proof for {tracker[:16]}…"
    try:
        index, size = int(proof["leaf_index"]), int(proof["tree_size"])
        path = [bytes.fromhex(str(h)) for h in proof["audit_path"]]
        ok_shape = str(proof["tracker"]).lower() == tracker and all(len(h) == 32 for h in path)
    except (KeyError, TypeError, ValueError) as exc:
        return Check(name, False, f"not an inclusion proof ({type(exc).__name__}: {str(exc)[:200]})")
    if not ok_shape:
        return Check(name, False, "it is not a proof for this tracker, or its hashes are not 32 bytes each")
    if size != papers:
        return Check(name, False, f"it is for a tree of {size} leaves; the close recorded {papers} papers")
    reached = root_from_proof(index, size, leaf_hash(tracker), path)
    if root is None or reached is None or reached.hex() != root.lower():
        return Check(name, False, f"leaf {index} of {size}: its audit path does not lead to the root recorded at "
                     "the close")  # fmt: skip
    return Check(name, True, f"leaf {index} of {size}: its audit path leads to the root recorded at the close")


def normal_tracker(text: str) -> str:
    return re.sub(r"\s", "", text).lower()


def fetch_proofs(source: str, trackers: Iterable[str], *, timeout: float) -> dict[str, Any]:
    """From a site (not a folder): each tracker's inclusion proof as the site gives it, or why it gave none."""
    if not re.match(r"^https?://", source):
        return {}
    base, proofs = _ballot_base(source), {}
    for code in map(normal_tracker, trackers):
        if not _HEX64.match(code):
            continue  # not a tracker code at all: check_trackers says it is not on the list
        try:
            proofs[code] = json.loads(_fetch(f"{base}papers/proof/{code}", timeout=timeout).decode("utf-8"))
        except (CheckError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            proofs[code] = f"the site gave no proof: {exc}"
    return proofs


def run_checks(pub: Published, *, trackers: Iterable[str] = (), root: str | None = None,
               proofs: dict[str, Any] | None = None) -> list[Check]:  # fmt: skip
    """Every check, in order; later checks still run when an earlier one fails, where they can."""
    m = pub.manifest
    if m.get("format") != FORMAT or m.get("version") != VERSION:
        return [Check("manifest", False, f"not an {FORMAT} version {VERSION} manifest "
                      f"(format {m.get('format')!r}, version {m.get('version')!r})")]  # fmt: skip
    c = m["count"]
    checks = [Check("manifest", True, f"{m['ballot']['title']} ({m['ballot']['organisation']}), "
                    f"rule {c['rule']}, {c['seats']} to elect, seed {c['seed']}")]  # fmt: skip
    paper_checks, papers, entries = check_papers(pub)
    checks += paper_checks
    # The list has a tree when every line is an entry (else check_papers stopped at its first check) and every
    # tracker is 64 hex digits (a leaf is a tracker's bytes).
    tree = len(paper_checks) > 1 and has_tree(entries)
    unread = "not checked: the list could not be read whole (see above)"
    if root:
        checks.append(check_root(entries, root) if tree else Check("published root", False, unread))
    at_close = m["papers"].get("at_close") or {}
    recorded = str(at_close["root"]) if at_close.get("root") else None
    if tree:
        checks += check_trackers(entries, trackers, recorded)
    else:
        checks += [Check(f"tracker {normal_tracker(t)[:16]}…", False, unread) for t in trackers]
    for code, proof in (proofs or {}).items():
        count = int(at_close["papers"]) if at_close else None
        checks.append(check_proof(proof, code, recorded, count) if isinstance(proof, dict) else
                      Check(f"the site's proof for {code[:16]}…", False, str(proof)))  # fmt: skip
    if paper_checks[0].ok:  # the papers could be read: the BLT and the recount can use them
        checks.append(check_blt(pub, papers))
        checks += check_recount(pub, papers)
    return checks


def main(argv: list[str], *, out: Callable[[str], None] = print) -> int:
    """Run `omov check`; exit status 0 when every check passes, 1 when any fails, 2 when nothing could be read."""
    parser = argparse.ArgumentParser(
        prog="omov check",
        description="Check a counted ballot from what the site publishes: every tracker, the list of papers "
        "against the Merkle root recorded at the close, the BLT file, and a recount compared stage by stage with "
        "the published count sheet. Exits non-zero when any check fails.",
    )
    parser.add_argument("source", metavar="URL|FOLDER",
                        help="the ballot's page (https://HOST/ballots/N/) or a folder saved with --save")
    parser.add_argument("--tracker", action="append", default=[], metavar="CODE",
                        help="your receipt's tracker code: say whether it is on the list and its inclusion proof "
                        "leads to the root recorded at the close (repeatable)")
    parser.add_argument("--root", metavar="HASH",
                        help="the list's root as published at the close by other means: check the list gives it")
    parser.add_argument("--save", metavar="FOLDER", help="keep the downloaded files in FOLDER (to check again later)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each download")
    args = parser.parse_args(argv)  # fmt: skip
    started = time.perf_counter()
    try:
        pub = load(args.source, timeout=args.timeout)
    except CheckError as exc:
        out(f"omov check: {exc}")
        return 2
    if args.save:
        save(pub, Path(args.save))
    proofs = fetch_proofs(args.source, args.tracker, timeout=args.timeout)
    try:
        checks = run_checks(pub, trackers=args.tracker, root=args.root, proofs=proofs)
    except (KeyError, TypeError, ValueError) as exc:
        out(f"omov check: the manifest (result.json) lacks what a check needs: {type(exc).__name__}: {exc}")
        return 2
    for check in checks:
        out(f"{'✓' if check.ok else '✗'} {check.name}: {check.detail}" if check.detail else check.name)
    failed = [c for c in checks if not c.ok]
    elapsed = time.perf_counter() - started
    if failed:
        out(f"FAILED: {len(failed)} of {len(checks)} checks failed ({elapsed:.1f} s)")
        return 1
    out(f"OK: all {len(checks)} checks passed ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
