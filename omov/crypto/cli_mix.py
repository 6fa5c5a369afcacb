"""`omov mix --input IN --out OUT --name NAME`: a mix server (e.g. a trustee) re-mixes a list of papers on its own
machine (record.md §9): it shuffles and re-encrypts the papers of an omov/mix-input/v1 file and proves it; the
output (omov/mix/v1) holds the record's mix file; the platform checks the proof when it is uploaded."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from omov.crypto.errors import CryptoError


def main(argv: list[str]) -> int:
    """Run `omov mix`; returns the exit status."""
    parser = argparse.ArgumentParser(prog="omov mix", description="Shuffle and re-encrypt papers, with a proof.")
    parser.add_argument("--input", required=True, help="the omov/mix-input/v1 file downloaded from the ballot")
    parser.add_argument("--out", required=True, help="where to write the omov/mix/v1 file to upload")
    parser.add_argument("--name", required=True, help="your name as a mix server (as the ballot lists it)")
    parser.add_argument("--workers", type=int, default=None, help="processes to use (default: all cores)")
    args = parser.parse_args(argv)
    from omov.crypto.record import dump
    from omov.crypto.record4 import run_mix

    try:
        try:
            obj = json.loads(Path(args.input).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CryptoError(f"{args.input}: cannot read JSON ({exc})") from None
        if type(obj) is not dict:
            raise CryptoError(f"{args.input}: not a mix input")
        try:
            mixed = run_mix(obj, args.name, workers=args.workers)
        except (KeyError, TypeError, ValueError) as exc:
            raise CryptoError(f"{args.input}: malformed mix input ({type(exc).__name__}: {exc})") from None
    except CryptoError as exc:
        print(f"omov mix: {exc}", file=sys.stderr)
        return 2
    Path(args.out).write_bytes(dump(mixed))
    print(f"mixed {len(mixed['mix']['outputs'])} papers as mix {mixed['mix']['index']}; wrote {args.out} (upload it)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
