"""The ballots layer's exception family: each message tells a person what went wrong and what to do."""


class BallotError(Exception):
    """Base of every error the ballot services raise."""

    code = "ballot-error"


class IllegalTransition(BallotError):
    """A state change asked of a ballot in the wrong state (e.g. closing a draft)."""

    code = "illegal-transition"


class NotReady(BallotError):
    """A ballot's set-up is incomplete or inconsistent (no candidates, no timetable, impossible constraints)."""

    code = "not-ready"


class NotAllowed(BallotError):
    """The actor may not do this to this ballot (not one of its returning officers; scrutineers only read)."""

    code = "not-allowed"


class NotOpen(BallotError):
    """A paper cast when the ballot is not open for voting."""

    code = "not-open"


class CredentialError(BallotError):
    """A credential that is malformed, unknown (forged) or already used."""

    code = "bad-credential"


class InvalidPaper(BallotError):
    """A paper that cannot be accepted: unknown candidate, repeated rank, too many marks, empty, too large."""

    code = "invalid-paper"


class NotPublished(BallotError):
    """Results or papers asked for before the returning officer published them."""

    code = "not-published"


class TooSoon(BallotError):
    """Something that may be done only so often (a reminder to the roll: once a day) was asked for again too soon."""

    code = "too-soon"


class TooEarly(BallotError):
    """A step asked before the ballot's advertised time without saying so: opening before the opening time
    (open it *now*, which moves the opening time), closing before the closing time (confirm closing early)."""

    code = "too-early"


class PaperRefused(BallotError):
    """An encrypted paper the ballot box refuses (docs/crypto.md §11): `reason` is check_cast's refusal code
    (malformed, type, election, credential-unknown, credential-used, shape, point, tracker, signature, proof,
    copied, spoiled, or wrong-credential: signed under a key that is not the voter's)."""

    code = "paper-refused"

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


class CeremonyError(BallotError):
    """A trustee's file refused (a bad proof, the wrong ballot or trustee, a step out of order, a secret), or a
    ceremony that is not complete when it must be."""

    code = "ceremony"


class RecordError(BallotError):
    """A mix or a partial decryption refused, or a step of the close pipeline asked out of order."""

    code = "record"
