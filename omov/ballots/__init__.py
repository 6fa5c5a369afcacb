"""omov.ballots: ballots, candidates, electorate rules, voter rolls, credentials, papers, results.

The public API is `omov.ballots.services` (every write) and `omov.ballots.selectors` (reads); errors are the
`BallotError` family (importable from here without loading Django models).
"""

from omov.ballots.errors import (
    BallotError,
    CredentialError,
    IllegalTransition,
    InvalidPaper,
    NotAllowed,
    NotOpen,
)

__all__ = ["BallotError", "CredentialError", "IllegalTransition", "InvalidPaper", "NotAllowed", "NotOpen"]
