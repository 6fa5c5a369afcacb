"""Who is acting: a Django user, a named system actor, or nobody.

Services check who acts before they write. A user is checked against the roles they hold. A `SystemActor`
(the command line, the scheduler, a background job, the demo) is trusted without a user, because only code
that runs with the operator's authority makes one: the web layer never builds one from a request. Nobody
(`ANONYMOUS`, e.g. a failed sign-in written to the audit log), or a member without an account (`Untrusted`), is
trusted with nothing. A plain string is none of
these and is refused with a TypeError, so that a mistaken call (`actor="anonymous"`, a username) can never be
read as a trusted caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SystemActor:
    """A trusted caller that is not a person, named in the audit log ("cli", "scheduler", "demo")."""

    name: str

    def __post_init__(self) -> None:
        if not self.name or not self.name.isprintable() or len(self.name) > 100:
            raise ValueError(f"a system actor needs a short printable name, not {self.name!r}")

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Untrusted:
    """Someone named in the audit log who holds no role: nobody in particular ("anonymous"), or a member without
    a sign-in account ("member:100001"). Trusted with nothing."""

    name: str = "anonymous"
    is_authenticated: bool = False
    is_superuser: bool = False

    def __str__(self) -> str:
        return self.name


ANONYMOUS = Untrusted("anonymous")
CLI = SystemActor("cli")
SCHEDULER = SystemActor("scheduler")
SYSTEM = SystemActor("system")
DEMO = SystemActor("demo")


def job_actor(queued_by: str) -> SystemActor:
    """The actor a background job runs as: the name of whoever queued it (checked then), marked as a job."""
    return SystemActor(f"{queued_by} (job)")


def is_system(actor: Any) -> bool:
    """Is `actor` a trusted system caller? Refuses a plain string rather than guess what it means."""
    if isinstance(actor, SystemActor):
        return True
    if isinstance(actor, str):
        raise TypeError(
            f"an actor is a user, a SystemActor or ANONYMOUS (omov.core.actors), not the string {actor!r}"
        )
    return False


def is_user(actor: Any) -> bool:
    """Is `actor` a signed-in person (a Django user that is authenticated)?"""
    return not is_system(actor) and actor is not None and bool(getattr(actor, "is_authenticated", False))


def decided_by_rank(actor: Any) -> bool | None:
    """What every role check starts with: True for a trusted system caller or a superuser, False for nobody (not
    a signed-in user), None when it depends on the roles the user holds."""
    if is_system(actor):
        return True
    if not is_user(actor):
        return False
    return True if actor.is_superuser else None


def actor_label(actor: Any) -> str:
    """How an actor is written in the audit log: a system actor's name, "anonymous", or a user's username."""
    if is_system(actor) or isinstance(actor, Untrusted):
        return str(actor)
    if actor is None:
        raise TypeError("an action needs an actor: a user, a SystemActor or ANONYMOUS (omov.core.actors)")
    return str(actor.get_username())
