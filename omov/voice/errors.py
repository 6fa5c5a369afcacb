"""The member-voice exception family: each message tells a person what went wrong and what to do."""


class VoiceError(Exception):
    """Base of every error the voice services raise."""

    code = "voice-error"


class NotAllowed(VoiceError):
    """The actor may not do this (not a member of the unit, not in the electorate, not an officer)."""

    code = "not-allowed"


class WrongState(VoiceError):
    """Asked of a motion, consultation or comment in the wrong state (supporting after the deadline, ...)."""

    code = "wrong-state"


class InvalidInput(VoiceError):
    """Input that cannot be accepted: empty, too long, an unknown option, a repeated rank."""

    code = "invalid-input"


class AlreadyDone(VoiceError):
    """Something done twice that can be done once (supporting twice, answering twice without the key)."""

    code = "already-done"


class RateLimited(VoiceError):
    """A member posting faster than the hard limit allows."""

    code = "rate-limited"
