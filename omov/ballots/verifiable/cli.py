"""`omov record export BALLOT DIR`: write a counted verifiable ballot's election record (docs/record.md §9) from
the database, for `omov verify DIR` and `node omov/web/static/omov/verify/cli.mjs DIR`.

BALLOT is the ballot's number (as in its page's address), its public id, or its election id (omov-ballot-...).
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="omov record export", description=__doc__.split("\n\n")[0])
    parser.add_argument("ballot", metavar="BALLOT", help="the ballot's number, public id or election id")
    parser.add_argument("directory", metavar="DIR", help="where to write the record (created if missing)")
    return parser


def main(argv: list[str]) -> int:
    """Run `omov record export ...` (argv without the word `record`); returns the exit status."""
    args = _parser().parse_args(argv[1:] if argv[:1] == ["export"] else argv)
    from omov.core.django import ensure_django

    ensure_django()
    from omov.ballots.errors import BallotError
    from omov.ballots.models import Ballot
    from omov.ballots.verifiable.services.record import export_record
    from omov.core.actors import CLI

    text = args.ballot.strip()
    query = Ballot.objects.filter(verifiable=True)
    if text.isdigit():
        ballot = query.filter(pk=int(text)).first()
    else:
        public_id = text.removeprefix("omov-ballot-")
        try:
            ballot = query.filter(public_id=public_id).first()
        except Exception:  # not a UUID
            ballot = None
    if ballot is None:
        print(f"omov record export: no verifiable ballot {text!r}", file=sys.stderr)
        return 2
    try:
        root = export_record(ballot=ballot, directory=args.directory, actor=CLI)
    except BallotError as exc:
        print(f"omov record export: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the record of {ballot.title!r} ({ballot.election_id}) to {root}")
    print(f"check it with: omov verify {root}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
