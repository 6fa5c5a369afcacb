"""Speed of `omov check` on a published ballot's files (run by hand, never by CI):

    .venv/bin/python benchmarks/check.py [--papers 10000 100000 200000] [--candidates 10] [--seats 3]

For each size, writes the four files a published ballot offers (result.json, papers.jsonl, sheet.json,
papers.blt) for synthetic Scottish STV papers, the way the platform writes them (canonical paper bytes, tracker
codes sorted, the Merkle root at the close, the sheet of the count), then times `omov check FOLDER` in this
process: reading, every tracker, the root at the close, the BLT against the list, and the recount against the sheet.
Prints a table of papers, seconds and papers per second. No peer tool checks these files, so no peer column.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from omov import check
from omov.count import Candidate, Profile, count, preset, write_blt
from omov.count.sheet import to_dict


def write_ballot(folder: Path, *, papers: int, candidates: int, seats: int, seed: int = 1) -> None:
    """A published ballot's four files for `papers` random rankings."""
    rng = random.Random(seed)
    public_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    names = [f"Candidate {i}" for i in range(1, candidates + 1)]
    rows, rankings = [], []
    for _ in range(papers):
        ranking = rng.sample(range(1, candidates + 1), rng.randint(1, candidates))
        paper = json.dumps({"ballot": public_id, "nonce": f"{rng.getrandbits(128):032x}", "ranking": ranking, "v": 1},
                           sort_keys=True, separators=(",", ":"))  # fmt: skip
        rows.append((hashlib.sha256(paper.encode()).hexdigest(), paper))
        rankings.append(tuple(n - 1 for n in ranking))
    rows.sort()
    lines = [json.dumps({"tracker": tracker, "paper": paper}) for tracker, paper in rows]
    root = check.tree_hash([check.leaf_hash(tracker) for tracker, _ in rows]).hex()
    grouped = sorted(Counter(rankings).items())
    profile = Profile(tuple(Candidate(n) for n in names), tuple(r for r, _ in grouped), tuple(w for _, w in grouped),
                      seats=seats, title="Benchmark ballot")  # fmt: skip
    result = count(profile, preset("scottish"), seats=seats, seed="benchmark")
    manifest = {
        "format": check.FORMAT, "version": check.VERSION,
        "ballot": {"id": 1, "public_id": public_id, "title": "Benchmark ballot", "organisation": "Benchmark",
                   "state": "published"},
        "count": {"rule": "scottish", "options": {}, "seats": seats, "seed": "benchmark", "constraints": [],
                  "ranked": True},
        "candidates": [{"number": i + 1, "name": n, "withdrawn": False} for i, n in enumerate(names)],
        "papers": {"order": "tracker", "tree": "rfc9162-sha256",
                   "at_close": {"papers": papers, "root": root, "closed_at": "", "audit_position": 1,
                                "audit_entry_hash": ""}},
        "result": {"elected": list(result.elected_names), "papers": papers, "roll": papers, "counted_at": None},
        "files": {},
    }  # fmt: skip
    (folder / "papers.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "sheet.json").write_text(json.dumps(to_dict(result)))
    (folder / "papers.blt").write_text(write_blt(profile))
    (folder / "result.json").write_text(json.dumps(manifest))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[10_000, 100_000, 200_000])
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--seats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'papers':>9} {'files (MB)':>11} {'check (s)':>10} {'papers/s':>10}")
    for n in args.papers:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_ballot(folder, papers=n, candidates=args.candidates, seats=args.seats)
            size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            lines: list[str] = []
            started = time.perf_counter()
            status = check.main([str(folder)], out=lines.append)
            seconds = time.perf_counter() - started
            if status != 0:
                raise SystemExit("\n".join(lines))
            print(f"{n:>9,} {size:>11.1f} {seconds:>10.2f} {n / seconds:>10,.0f}")


if __name__ == "__main__":
    main()
