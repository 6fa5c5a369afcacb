"""One peer library counting one BLT file: run by benchmarks/count.py with the peers' own interpreter.

    benchmarks/.venv-peers/bin/python benchmarks/count_peer.py TOOL METHOD FILE SEATS

TOOL is pyrankvote, pref_voting or votekit; METHOD is irv or stv (votekit also faststv). None of them reads BLT,
so this script reads the file for them, in the quickest way plain Python allows (identical lines counted once,
then split), without any of the checks a real reader makes: the peers' whole-process times are, if anything,
flattered. Prints one JSON line: the seconds spent reading the file, building the library's objects and counting,
and who was elected. Never imports omov.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter


def read_blt(path: str) -> tuple[list[str], list[tuple[int, ...]], list[int]]:
    """Names, unique rankings (0-based) and their weights, from a plain BLT file (one paper a line)."""
    with open(path, "rb") as fh:
        lines = fh.read().split(b"\n")
    ncand = int(lines[0].split()[0])
    end = lines.index(b"0", 1)
    grouped: dict[tuple[int, ...], int] = {}
    for raw, n in Counter(lines[1:end]).items():
        parts = raw.split()
        if parts:
            ranking = tuple(int(x) - 1 for x in parts[1:-1])
            grouped[ranking] = grouped.get(ranking, 0) + int(parts[0]) * n
    names = [line.strip().strip(b'"').decode() for line in lines[end + 1 : end + 1 + ncand]]
    return names, list(grouped), list(grouped.values())


def main(tool: str, method: str, path: str, seats: int) -> dict[str, object]:
    t0 = time.perf_counter()
    names, rankings, weights = read_blt(path)
    read = time.perf_counter() - t0
    if tool == "pyrankvote":
        import pyrankvote

        t1 = time.perf_counter()  # the library's import is part of the whole process, not of its load or count
        cands = [pyrankvote.Candidate(n) for n in names]
        ballots = [
            pyrankvote.Ballot(ranked_candidates=[cands[c] for c in r])
            for r, w in zip(rankings, weights, strict=True)
            for _ in range(w)
        ]
        t2 = time.perf_counter()
        if method == "irv":
            res = pyrankvote.instant_runoff_voting(cands, ballots)
        else:
            res = pyrankvote.single_transferable_vote(cands, ballots, number_of_seats=seats)
        elected = [c.name for c in res.get_winners()]
    elif tool == "pref_voting":
        from pref_voting.profiles_with_ties import ProfileWithTies
        from pref_voting.voting_methods import instant_runoff_for_truncated_linear_orders

        t1 = time.perf_counter()
        prof = ProfileWithTies(
            [{c: i + 1 for i, c in enumerate(r)} for r in rankings], rcounts=weights, candidates=list(range(len(names)))
        )
        t2 = time.perf_counter()
        elected = [names[w] for w in instant_runoff_for_truncated_linear_orders(prof)]
    elif tool == "votekit":
        import logging
        import warnings

        warnings.filterwarnings("ignore")
        logging.disable(logging.WARNING)
        from votekit import RankBallot, RankProfile
        from votekit.elections import IRV, STV, FastSTV

        t1 = time.perf_counter()
        prof = RankProfile(
            ballots=[
                RankBallot(ranking=tuple(frozenset({names[c]}) for c in r), weight=w)
                for r, w in zip(rankings, weights, strict=True)
                if r
            ],
            candidates=list(names),
        )
        t2 = time.perf_counter()
        if method == "irv":
            election = IRV(prof, tiebreak="random", rng_seed=1)
        else:
            election = (STV if method == "stv" else FastSTV)(prof, n_seats=seats, tiebreak="random", rng_seed=1)
        elected = [name for group in election.get_elected() for name in sorted(group)]
    else:
        raise SystemExit(f"unknown tool {tool!r}")
    t3 = time.perf_counter()
    return {"read": read, "load": t2 - t1, "count": t3 - t2, "elected": elected}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))))
