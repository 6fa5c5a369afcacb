"""The officer's buttons say what is true once the step is done, once ("Count started. The ballot is now counted."
said both that a count had started and that it was over)."""

from __future__ import annotations

import pytest

from tests.ballots.test_views import cast_some, open_with_tokens

pytestmark = pytest.mark.django_db


def test_each_step_says_once_what_is_now_true(world, client):
    ballot, tokens = open_with_tokens(world)
    cast_some(ballot, tokens)
    client.force_login(world.officer)
    said = {}
    for action in ("close", "count", "publish"):
        confirmed = {"close": {"confirm": "yes", "early": "yes"}, "publish": {"confirm": "yes"}}.get(action, {})
        page = client.post(f"/ballots/{ballot.pk}/officer/{action}/", confirmed, follow=True)
        said[action] = [str(m) for m in page.context["messages"]]
    assert said == {
        "close": ["Voting is closed."],
        "count": ["The ballot is counted: check the result, then publish it."],  # the job ran at once
        "publish": ["The result is published."],
    }
