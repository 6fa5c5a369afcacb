"""The members app's exception family."""


class MemberError(Exception):
    """Something about organisations, units or members that cannot be done, said so a person can fix it."""
