"""Every speed target of the "Verifiable ballots" issue in one run, by hand on a quiet machine (never by CI):

    .venv/bin/python benchmarks/crypto.py                # bloc papers, mix-nets of 10,000 and 100,000, a record
    .venv/bin/python benchmarks/crypto.py --quick        # small sizes: check that everything runs

It runs `crypto_marks.py` (a 10-option "mark up to 3" bloc paper: encryption with proofs, verification on one
core and on every core) and `crypto_mix.py` (shuffle-and-prove and verification of ranked papers of 10
candidates, then the whole-record verification of a demo election), prints their tables, which give every rate
as a share of libsodium's raw rate, and ends with the targets met or missed:

    bloc papers verified          >= 500 a second on 2 cores
    shuffle + proof of 100,000    < 10 minutes
    verification of that shuffle  < 10 minutes ("no slower")
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import crypto_marks  # noqa: E402  (a sibling script)
import crypto_mix  # noqa: E402

TARGET_PAPERS_PER_SECOND = 500
TARGET_MIX_SECONDS = 600


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, to check that everything runs")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    w = str(args.processes)
    marks_papers, mix_sizes, record = ("400", ["1000"], "500") if args.quick else ("4000", ["10000", "100000"], "10000")

    print("# Bloc papers (10 options, mark up to 3)\n")
    marks = crypto_marks.main(["--papers", marks_papers, "--processes", w, "--rounds", "2"])
    print("\n# Mix-net (ranked papers of 10 candidates) and whole-record verification\n")
    walls: dict[str, float] = {}
    crypto_mix.main(["--papers", *mix_sizes, "--width", "10", "--workers", w, "--record", record], walls)

    verified = list(marks.values())[-1]
    biggest = int(mix_sizes[-1])
    shuffle = walls[f"shuffle + prove {biggest:,} × 10"]
    verify = walls[f"verify {biggest:,} × 10"]
    print("\n# Targets\n")
    print("| target | measured | met |")
    print("|---|---:|---|")
    for name, measured, met in (
        (
            f"verify >= {TARGET_PAPERS_PER_SECOND} bloc papers/s ({w} processes)",
            f"{verified:,.0f}/s",
            verified >= TARGET_PAPERS_PER_SECOND,
        ),
        (f"shuffle + prove {biggest:,} papers < 10 min", f"{shuffle:,.0f} s", shuffle < TARGET_MIX_SECONDS),
        ("verify that shuffle < 10 min", f"{verify:,.0f} s", verify < TARGET_MIX_SECONDS),
    ):
        print(f"| {name} | {measured} | {'yes' if met else 'NO'} |")
    if args.quick:
        print("\n(--quick: the sizes are below the targets' own; run without it to measure them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
