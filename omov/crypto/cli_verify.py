"""`omov verify RECORD`: check an election record from the record alone and print every check."""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str]) -> int:
    """Run `omov verify`; exit status 0 when every check passes, 1 when any fails, 2 on bad usage."""
    parser = argparse.ArgumentParser(
        prog="omov verify",
        description="Check an election record (docs/record.md): file digests, trustee keys, cast papers and "
        "trackers, every mix's proof of shuffle, every decryption share's proof, the decrypted papers and a "
        "recount. Exits non-zero when any check fails.",
    )
    parser.add_argument("record", metavar="RECORD", help="the record's directory")
    parser.add_argument("--tracker", metavar="CODE",
                        help="say whether this tracker is on the record (checks only the cast papers, unless --all)")
    parser.add_argument("--head", metavar="HASH",
                        help="the list of papers' head as published at the close of voting (its entry hash, or "
                        "POSITION:HASH): check that the record's list ends there")
    parser.add_argument("--fingerprint", metavar="HASH",
                        help="the election's fingerprint as published before voting opened (64 hex digits): check "
                        "that parameters.json is the one it fingerprints")
    parser.add_argument("--all", action="store_true", help="with --tracker: run every check as well")
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first check that fails")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes to use (default: all cores; never more than the cores)")
    args = parser.parse_args(argv)
    from omov.crypto.verify import verify_record

    started = time.perf_counter()
    checks = verify_record(args.record, tracker=args.tracker, workers=args.workers, fail_fast=args.fail_fast,
                           lookup_only=args.tracker is not None and not args.all, head=args.head,
                           fingerprint=args.fingerprint)
    for check in checks:
        mark = "✓" if check.ok else "✗"
        print(f"{mark} {check.name}: {check.detail}" if check.detail else f"{mark} {check.name}")
    failed = [c for c in checks if not c.ok]
    elapsed = time.perf_counter() - started
    if failed or not checks:
        print(f"FAILED: {len(failed)} of {len(checks)} checks failed ({elapsed:.1f} s)")
        return 1
    print(f"OK: all {len(checks)} checks passed ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
