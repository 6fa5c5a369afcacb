"""Who is acting is typed: a user, a named system actor, or nobody; a plain string is never trusted."""

from __future__ import annotations

import pytest

from omov.ballots import permissions
from omov.ballots import services as bs
from omov.ballots.errors import NotAllowed
from omov.core.actors import ANONYMOUS, CLI, SystemActor, Untrusted, actor_label, is_system, job_actor
from omov.voice.permissions import is_voice_officer


def test_a_plain_string_is_refused_rather_than_trusted():
    for text in ["anonymous", "cli", "scheduler", "returning.officer", ""]:
        with pytest.raises(TypeError, match="not the string"):
            is_system(text)


def test_system_actors_are_named_and_trusted_and_nobody_is_not():
    assert is_system(CLI) and is_system(job_actor("ro")) and str(job_actor("ro")) == "ro (job)"
    assert not is_system(ANONYMOUS) and not is_system(Untrusted("member:1")) and not is_system(None)
    assert actor_label(ANONYMOUS) == "anonymous" and actor_label(CLI) == "cli"
    for bad in ["", "a\nb", "x" * 101]:
        with pytest.raises(ValueError):
            SystemActor(bad)


def test_an_action_without_an_actor_is_refused():
    with pytest.raises(TypeError, match="needs an actor"):
        actor_label(None)


def test_guards_trust_a_system_actor_refuse_nobody_and_refuse_a_string(world):
    ballot = world.ballot("irv")
    assert permissions.is_officer(actor=SystemActor("cli"), ballot=ballot)
    assert not permissions.is_officer(actor=ANONYMOUS, ballot=ballot)
    assert not permissions.is_observer(actor=Untrusted("member:7"), ballot=ballot)
    assert not is_voice_officer(actor=ANONYMOUS, unit=ballot.organisation.units.first())
    with pytest.raises(TypeError):
        permissions.is_officer(actor="anonymous", ballot=ballot)
    with pytest.raises(TypeError):
        bs.close_ballot(ballot=ballot, actor="cli", early=True)
    with pytest.raises(NotAllowed):
        bs.close_ballot(ballot=ballot, actor=ANONYMOUS, early=True)


def test_rank_settles_a_role_check_before_roles_are_looked_up(world):
    from omov.core.actors import decided_by_rank

    assert decided_by_rank(CLI) is True and decided_by_rank(world.admin) is True  # the superuser
    assert decided_by_rank(ANONYMOUS) is False and decided_by_rank(None) is False
    assert decided_by_rank(world.officer) is None  # depends on what they were appointed to
    with pytest.raises(TypeError):
        decided_by_rank("cli")
