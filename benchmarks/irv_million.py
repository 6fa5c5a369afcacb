"""Measure omov's IRV count on a generated 1,000,000-paper profile (12 candidates, seeded, truncated rankings).

    .venv/bin/python benchmarks/irv_million.py [--papers 1000000] [--seed 2026] [--peer 100000]

Papers are drawn from a Plackett-Luce model (candidates of unequal appeal, so that rankings repeat the way
real ones do) with realistic truncation: many papers give one preference, fewer rank everybody. The script
prints the time to group the papers into a Profile and the time of the count itself, and (with --peer N)
the time pyrankvote takes on the first N papers for comparison. Run by hand; not part of CI.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from omov.count import Profile, count, preset

NAMES = [f"Candidate {chr(65 + i)}" for i in range(12)]
# share of papers giving exactly k preferences, k = 1..12 (bullet votes common, full rankings uncommon)
DEPTH = np.array([0.30, 0.17, 0.14, 0.10, 0.07, 0.05, 0.04, 0.03, 0.02, 0.02, 0.01, 0.05])


def generate(papers: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The papers as an int matrix (padded with -1) and each paper's depth."""
    rng = np.random.default_rng(seed)
    appeal = np.log(np.array([30, 25, 18, 12, 8, 6, 5, 4, 3, 2, 1.5, 1.0]))
    order = np.argsort(-(appeal + rng.gumbel(size=(papers, 12))), axis=1)  # Plackett-Luce by Gumbel trick
    depth = rng.choice(np.arange(1, 13), size=papers, p=DEPTH / DEPTH.sum())
    mask = np.arange(12)[None, :] >= depth[:, None]
    order[mask] = -1
    return order, depth


def to_profile(matrix: np.ndarray) -> Profile:
    """Group identical papers (np.unique over rows) into a Profile."""
    unique, weights = np.unique(matrix, axis=0, return_counts=True)
    rankings = [tuple(int(c) for c in row if c >= 0) for row in unique]
    return Profile.from_papers(NAMES, zip(rankings, (int(w) for w in weights), strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--peer", type=int, default=0, help="also time pyrankvote on this many papers")
    args = ap.parse_args()

    t0 = time.perf_counter()
    matrix, _ = generate(args.papers, args.seed)
    t1 = time.perf_counter()
    profile = to_profile(matrix)
    t2 = time.perf_counter()
    result = count(profile, "irv", seed="bench")
    t3 = time.perf_counter()
    batch = count(profile, preset("irv").with_(batch_exclusion=True), seed="bench")
    t4 = time.perf_counter()
    print(f"papers {profile.papers:,}  unique rankings {len(profile.rankings):,}  candidates {len(NAMES)}")
    print(f"generate {t1 - t0:.2f}s   group into Profile {t2 - t1:.2f}s")
    print(f"IRV count {t3 - t2:.3f}s, {len(result.stages)} stages, elected {result.elected_names[0]}")
    last = result.stages[-1]
    print(f"  last stage: {int(last.votes[result.elected[0]]):,} of {int(sum(last.votes)):,} continuing votes;"
          f" {int(last.non_transferable):,} exhausted")
    print(f"IRV count with batch exclusion {t4 - t3:.3f}s, {len(batch.stages)} stages, elected "
          f"{batch.elected_names[0]}")

    if args.peer:
        import pyrankvote
        from pyrankvote import Ballot, Candidate

        sub = to_profile(matrix[: args.peer])
        ours0 = time.perf_counter()
        ours = count(sub, "irv", seed="bench")
        ours1 = time.perf_counter()
        cands = [Candidate(n) for n in NAMES]
        ballots = [Ballot([cands[c] for c in r]) for r, w in zip(sub.rankings, sub.weights, strict=True)
                   for _ in range(w)]
        p0 = time.perf_counter()
        peer = pyrankvote.instant_runoff_voting(cands, ballots)
        p1 = time.perf_counter()
        print(f"{args.peer:,} papers: omov {ours1 - ours0:.3f}s ({ours.elected_names[0]}), "
              f"pyrankvote {p1 - p0:.2f}s ({peer.get_winners()[0].name})")


if __name__ == "__main__":
    main()
