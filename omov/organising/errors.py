"""The organising exception family: each message tells a person what went wrong and what to do."""


class OrganisingError(Exception):
    """Base of every error the organising services raise."""

    code = "organising-error"


class NotAllowed(OrganisingError):
    """The actor may not do this (not an organiser of the unit, not in the event's audience, not trained)."""

    code = "not-allowed"


class InvalidInput(OrganisingError):
    """Input that cannot be accepted: an empty title, an end before the start, a CSV without its columns."""

    code = "invalid-input"


class EventFull(OrganisingError):
    """An RSVP to an event whose places are all taken."""

    code = "event-full"


class WrongState(OrganisingError):
    """Asked of an event or list in the wrong state (an RSVP to a cancelled event, recording on an erased list)."""

    code = "wrong-state"


class RateLimited(OrganisingError):
    """A public form sent faster than the limit allows."""

    code = "rate-limited"
