"""The nominations layer's exception family: each message tells a person what went wrong and what to do."""


class NominationError(Exception):
    """Base of every error the nomination services raise; nothing has been changed when it is raised."""

    code = "nomination-error"


class RoundClosed(NominationError):
    """A nomination (or withdrawal) outside the round's open period."""

    code = "round-closed"


class NotEligible(NominationError):
    """A nominator who may not nominate in this round (not in the group, a unit outside the round, ...)."""

    code = "not-eligible"


class DuplicateNomination(NominationError):
    """A nominator who already has a nomination standing in this round."""

    code = "duplicate-nomination"


class WrongStage(NominationError):
    """A step of a trigger ballot or selection asked for at the wrong stage."""

    code = "wrong-stage"
