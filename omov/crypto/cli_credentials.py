"""`omov credentials generate --election E --count N --out DIR`: voters' credentials made offline (crypto.md §11).

Writes DIR/codes.csv (secret, mode 0600: one code a line, to send to voters by a separate channel) and
DIR/credentials.json (public: the sorted list of the codes' public keys, to upload to the platform).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from omov.crypto.errors import CryptoError


def generate(election: str, count: int, out: Path, *, force: bool = False) -> tuple[Path, Path]:
    """Make `count` fresh codes; write codes.csv (0600) and credentials.json; returns both paths."""
    from omov.crypto.credentials import credentials_list, derive_credential, new_code
    from omov.crypto.record import dump

    if not election:
        raise CryptoError("--election must not be empty")
    if count < 1:
        raise CryptoError("--count must be at least 1")
    codes_path, public_path = out / "codes.csv", out / "credentials.json"
    if codes_path.exists() and not force:
        raise CryptoError(f"{codes_path} exists (use --force to overwrite a file of secret codes)")
    codes: list[str] = []
    keys: set[bytes] = set()
    while len(codes) < count:
        code = new_code()
        key = derive_credential(election, code).public
        if key not in keys:  # 125 random bits: a repeat never happens, but the list must not hold one
            keys.add(key)
            codes.append(code)
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(codes_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii", newline="\n") as fh:
        fh.write("".join(f"{code}\n" for code in codes))
    os.chmod(codes_path, 0o600)
    public_path.write_bytes(dump(credentials_list(election, sorted(keys))))
    return codes_path, public_path


def main(argv: list[str]) -> int:
    """Run `omov credentials ...`; returns the exit status."""
    parser = argparse.ArgumentParser(prog="omov credentials",
                                     description="Voters' credentials for a verifiable ballot, made offline.")
    sub = parser.add_subparsers(dest="action", required=True)
    gen = sub.add_parser("generate", help="write codes.csv (secret) and credentials.json (public) to DIR")
    gen.add_argument("--election", required=True, help="the ballot's election id (as the platform shows it)")
    gen.add_argument("--count", type=int, required=True, help="number of voters on the roll")
    gen.add_argument("--out", required=True, metavar="DIR")
    gen.add_argument("--force", action="store_true", help="overwrite an existing codes.csv")
    args = parser.parse_args(argv)
    try:
        codes, public = generate(args.election, args.count, Path(args.out), force=args.force)
    except CryptoError as exc:
        print(f"omov credentials: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.count} codes to {codes} (secret: send each voter one, by a separate channel) and their "
          f"public keys to {public} (upload it to the ballot)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
