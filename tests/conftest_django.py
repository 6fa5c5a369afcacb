"""pytest plugin for the Django tests (loaded with `-p tests.conftest_django` from pyproject.toml).

- Test-time environment defaults (a throwaway secret key; no https redirect for the test client).
- Tests that use the database are marked `database`, so the PostgreSQL run can select exactly them.
- Tests marked `postgres` are deselected (not skipped) unless the database is PostgreSQL.
- Background jobs run eagerly (in the test's transaction) unless a test asks for a real worker.
- `browser`: one headless Chromium per test module, Debian's build driven by Playwright (never a downloaded one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from omov.core.actors import SystemActor

os.environ.setdefault("OMOV_SECRET_KEY", "omov-test-suite-only-" + "k" * 40)
os.environ.setdefault("OMOV_SSL_REDIRECT", "0")
os.environ.setdefault("OMOV_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("OMOV_CACHE_URL", "database")  # rate-limit counters in the test database, never a shared Redis
# Browser tests: Playwright's sync API keeps an event loop running in the test thread, and the test itself uses
# the ORM (fixtures, checks); Django refuses ORM calls beside a running loop unless told it is safe. It is here:
# the test thread and the live server's thread each use their own connection, one call at a time.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # the machine's closed network refuses Chromium's background calls
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module (Debian's build at /usr/bin/chromium; scripts/test.sh installs it)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (scripts/test.sh does)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()

def watch_csp(page: Any, problems: list[str]) -> None:
    """Add to `problems` every console message in which Chromium says the Content-Security-Policy refused
    something (an inline script, an on*= handler, a style attribute, a script from elsewhere)."""

    def seen(message: Any) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or text.startswith("Refused to")):
            problems.append(f"CSP: {text}")

    page.on("console", seen)


DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "admin_client", "django_user_model"}


def on_postgres() -> bool:
    return os.environ.get("OMOV_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & DB_FIXTURES or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)
        if item.get_closest_marker("postgres") and not on_postgres():
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _eager_jobs(request: pytest.FixtureRequest) -> object:
    """Run Celery tasks in-process unless the test is marked `celery_worker` (then Redis and a real worker)."""
    try:
        from omov.core.celery import app
    except Exception:  # Django not configured (e.g. pure engine tests): nothing to do
        yield None
        return
    before = app.conf.task_always_eager
    app.conf.task_always_eager = request.node.get_closest_marker("celery_worker") is None
    yield None
    app.conf.task_always_eager = before


def _fresh_broker_connections(app: Any) -> None:
    """Drop the app's connection pools: a producer pool keeps publishing to the broker it first connected to,
    whatever broker_url says afterwards."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_broker(settings: Any) -> Iterator[Any]:
    """The Celery app on a Redis database of its own (15 on the test Redis), for tests marked `celery_worker`
    that start a real worker (celery.contrib.testing.worker.start_worker(app, ...))."""
    from omov.core.celery import app

    before = app.conf.broker_url
    app.conf.broker_url = settings.REDIS_URL.rsplit("/", 1)[0] + "/15"
    _fresh_broker_connections(app)
    try:
        yield app
    finally:
        app.conf.broker_url = before
        _fresh_broker_connections(app)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """Empty the rate-limit counters after every database test. A rolled-back test leaves none, but a test that
    commits (transactional tests, a live server, gunicorn in a subprocess) would leave its counts for the tests
    after it: the counter table is not a model, so Django's flush does not empty it, and every test client and
    server shares 127.0.0.1. Set up before the test's database fixtures, so torn down after them."""
    yield
    if request.node.get_closest_marker("database") is None:
        return
    from django.conf import settings
    from django.core.cache import caches

    with django_db_blocker.unblock():
        caches[settings.RATELIMIT_CACHE].clear()


# Shared fixtures: a small organisation with a tree of units and members, and ballots on it. ------------------


class World:
    """A small organisation: region R1 → constituencies C1, C2 → branches B1 (under C1), B2 (under C2);
    an affiliate union U1; 12 members spread over the branches (see `make_world`)."""

    def __init__(self) -> None:
        import datetime as dt

        from django.contrib.auth import get_user_model

        from omov.members import services as ms

        User = get_user_model()
        self.admin = User.objects.create_superuser("admin", "admin@example.org", None)
        self.officer = User.objects.create_user("ro", "ro@example.org", is_staff=True)
        self.other_officer = User.objects.create_user("ro2", "ro2@example.org", is_staff=True)
        self.scrutineer = User.objects.create_user("scrutineer", "scr@example.org", is_staff=True)
        self.org = ms.create_organisation(name="Test Party", slug="test", actor=SystemActor("setup"))
        org = self.org
        self.region = ms.create_unit(
            organisation=org, code="R1", name="Region", kind="region", actor=SystemActor("setup")
        )
        self.c1 = ms.create_unit(organisation=org, code="C1", name="C one", kind="constituency", parent=self.region)
        self.c2 = ms.create_unit(organisation=org, code="C2", name="C two", kind="constituency", parent=self.region)
        self.b1 = ms.create_unit(organisation=org, code="B1", name="B one", kind="branch", parent=self.c1)
        self.b2 = ms.create_unit(organisation=org, code="B2", name="B two", kind="branch", parent=self.c2)
        self.union = ms.create_unit(
            organisation=org, code="U1", name="Union", kind="affiliate", affiliate_kind="union", affiliated_members=5000
        )
        self.members = []
        for i in range(12):
            self.members.append(
                ms.create_member(
                    organisation=org,
                    membership_number=f"M{i:03d}",
                    name=f"Member {i}",
                    email=f"m{i}@example.org",
                    unit=self.b1 if i < 8 else self.b2,
                    joined_on=dt.date(2020, 1, 1) + dt.timedelta(days=30 * i),
                    gender="woman" if i % 2 else "man",
                    audit=False,
                )
            )

    def ballot(
        self,
        method: str = "irv",
        seats: int = 1,
        candidates: tuple[str, ...] = ("Ann", "Bob", "Cat"),
        genders: tuple[str, ...] = (),
        ready: bool = True,
        **options: object,
    ) -> object:
        """A ballot run by `officer`, open now for a day, with candidates; marked ready unless told not to."""
        import datetime as dt

        from django.utils import timezone

        from omov.ballots import services as bs

        now = timezone.now()
        b = bs.create_ballot(
            organisation=self.org,
            title=f"{method} ballot",
            method=method,
            seats=seats,
            actor=self.admin,
            opens_at=now - dt.timedelta(minutes=5),
            closes_at=now + dt.timedelta(days=1),
            returning_officers=[self.officer],
            options=dict(options) or None,
        )
        for i, name in enumerate(candidates):
            bs.add_candidate(ballot=b, actor=self.officer, name=name, gender=genders[i] if genders else "")
        if ready:
            bs.mark_ready(ballot=b, actor=self.officer)
        return b


@pytest.fixture
def world(db: object) -> World:
    return World()


def tokens_in(text: str) -> list[str]:
    """Credentials printed in a message or letter."""
    import re

    return re.findall(r"\b(?:[A-Z2-7]{4}-){7}[A-Z2-7]{4}\b", text)


def open_and_issue(ballot: object, actor: object) -> list[str]:
    """Open a ready ballot now (no emails) and print a letter for every voter: their credentials, in roll order."""
    from omov.ballots import services as bs

    bs.open_ballot(ballot=ballot, actor=actor)
    letters = bs.print_letters(ballot=ballot, actor=actor, reprint_failed_email=True)
    return [tokens_in(letter.text)[0] for letter in letters]


class FlakyBackend:
    """An email backend (over Django's locmem one) that fails for chosen addresses: `failures[address]` more
    times, or always if negative. Used through settings.EMAIL_BACKEND = "tests.conftest_django.FlakyBackend"."""

    failures: dict[str, int] = {}

    def __new__(cls, *args: object, **kwargs: object) -> object:
        from django.core.mail.backends.locmem import EmailBackend

        class _Flaky(EmailBackend):
            def send_messages(self, messages):  # type: ignore[no-untyped-def]
                sent = 0
                for message in messages:
                    address = message.to[0]
                    left = cls.failures.get(address, 0)
                    if left:
                        cls.failures[address] = left - 1 if left > 0 else left
                        raise ConnectionError(f"mail server refused {address}")
                    sent += super().send_messages([message])
                return sent

        return _Flaky(*args, **kwargs)
