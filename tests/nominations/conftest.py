"""Fixtures of the nominations tests: the generated data set, a clock-free way past a close."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.nominations.dataset import Dataset, make_dataset


@pytest.fixture
def data(db: object) -> Dataset:
    return make_dataset()


def past_close(obj: object) -> None:
    """Move a round's or trigger ballot's close into the past (as if the time had come), in the database."""
    from django.utils import timezone

    type(obj).objects.filter(pk=obj.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))  # type: ignore[attr-defined]
    obj.refresh_from_db()  # type: ignore[attr-defined]
