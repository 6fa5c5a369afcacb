"""`omov record demo DIR`: run a whole simulated election and write its record (docs/record.md)."""

from __future__ import annotations

import argparse
import sys
import time

from omov.crypto.errors import CryptoError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omov record",
        description="Write election records. `demo` simulates a whole election: trustee key ceremony, "
        "encrypted ranked papers, a mix-net, threshold decryption (one trustee absent when the threshold "
        "allows) and an STV count (Scottish rules), then writes the record for `omov verify`.",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    demo = sub.add_parser("demo", help="simulate an election and write its record to DIR")
    demo.add_argument("directory", metavar="DIR", help="where to write the record (created if missing)")
    demo.add_argument("--papers", type=int, default=1000, help="number of ballot papers (default 1000)")
    demo.add_argument("--candidates", type=int, default=8, help="number of candidates (default 8)")
    demo.add_argument("--seats", type=int, default=3, help="seats to fill (default 3)")
    demo.add_argument("--trustees", type=int, default=3, help="number of trustees (default 3)")
    demo.add_argument("--threshold", type=int, default=2, help="trustees needed to decrypt (default 2)")
    demo.add_argument("--mixers", type=int, default=2, help="mix servers in sequence (default 2)")
    demo.add_argument("--seed", default=None, help="seed for a reproducible demo (default: random)")
    demo.add_argument("--invalid-every", type=int, default=97,
                      help="version 3: spoil every n-th paper on purpose, to show invalid papers (0: none; default 97)")
    demo.add_argument("--kind", choices=("ranked", "marks"), default="ranked",
                      help="ranked (AV/STV: mixed, decrypted, counted) or marks (bloc: tally decrypted); default "
                      "ranked")
    demo.add_argument("--version", type=int, choices=(3, 4), default=4,
                      help="record version: 4 (the platform's, with credentials and signed papers; default) or 3")
    demo.add_argument("--workers", type=int, default=None, help="processes for the heavy loops (default: all cores)")
    return parser


def main(argv: list[str]) -> int:
    """Run `omov record ...`; returns the exit status."""
    args = _parser().parse_args(argv)
    from omov.crypto.record import DemoSettings, run_demo, write_record

    settings = DemoSettings(
        papers=args.papers, candidates=args.candidates, seats=args.seats, trustees=args.trustees,
        threshold=args.threshold, mixers=args.mixers, seed=args.seed, invalid_every=args.invalid_every,
        workers=args.workers,
    )
    started = time.perf_counter()
    if args.version == 3 and args.kind != "ranked":
        print("omov record: a version 3 record is ranked only", file=sys.stderr)
        return 2
    try:
        if args.version == 3:
            files, election = run_demo(settings)
        else:
            from omov.crypto import record4

            parts, election = record4.demo_parts(settings, args.kind)
    except CryptoError as exc:
        print(f"omov record: {exc}", file=sys.stderr)
        return 2
    if args.version == 3:
        root = write_record(args.directory, files, election)
        elected, names = files["results.json"]["count"]["elected"], files["parameters.json"]["candidates"]
    else:
        root = record4.write_record(args.directory, **parts)
        elected, names = parts["results"]["count"]["elected"], parts["parameters"]["candidates"]
    print(f"wrote the record of {election} to {root} ({time.perf_counter() - started:.1f} s)")
    print(f"elected: {', '.join(names[i] if isinstance(i, int) else str(i) for i in elected)}")
    print(f"check it with: omov verify {root}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
