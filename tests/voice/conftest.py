"""Fixtures for member voice: the shared `world` (tests/conftest_django.py) plus a voice officer and a
motion threshold of three supporters in branch B1."""

from __future__ import annotations

import pytest

from omov.members.services import user_for_member
from omov.voice import services as vs


@pytest.fixture(autouse=True)
def _fresh_pipeline():
    vs.reset_pipeline()
    yield
    vs.reset_pipeline()


@pytest.fixture
def voice(world):
    vs.appoint_voice_officer(user=world.officer, unit=world.region, actor=world.admin)
    vs.set_motion_threshold(unit=world.b1, supporters=3, actor=world.officer)
    return world


@pytest.fixture
def make_motion(voice):
    """make_motion(title=..., proposer=..., unit=...): a published motion collecting support."""

    def make(*, proposer=None, unit=None, title="Better buses", text="This branch calls for better buses."):
        proposer = proposer or voice.members[0]
        motion = vs.draft_motion(member=proposer, unit=unit or voice.b1, title=title, text=text)
        vs.publish_motion(motion=motion, member=proposer)
        return motion

    return make


@pytest.fixture
def as_member(client, voice):
    """as_member(i): the test client signed in as the world's member i."""

    def login(i):
        client.force_login(user_for_member(member=voice.members[i]))
        return client

    return login
