"""Rate limits on sign-in links and on ballot credentials, at their real default limits, through the Django test
client and the real database; counters shared between cache connections (the database table and Redis)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache.backends.redis import RedisCache
from django.db import connection, connections
from django.test import Client, RequestFactory

from omov.audit.models import AuditEntry
from omov.ballots.models import Credential, Paper
from omov.core import ratelimit
from omov.core.ratelimit import CACHE_TABLE, AtomicDatabaseCache, Limiter, Rate, client_ip
from tests.conftest_django import open_and_issue

ROOT = Path(__file__).resolve().parents[2]
START = 1_000_000_000.0  # the injected clock: 800 s before both an hour's and a quarter-hour's window end


class Clock:
    """A clock the test moves by hand (no sleeping)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(ratelimit, "CLOCK", fake)
    return fake


def ask(client: Client, email: str, ip: str = "127.0.0.1", **headers: str):
    return client.post("/signin/", {"email": email}, REMOTE_ADDR=ip, **headers)


# The limiter and its settings ------------------------------------------------------------------------------


def test_the_defaults_are_the_documented_limits(settings):
    assert settings.RATELIMITS == {
        "signin-email": "5/3600", "signin-ip": "30/3600", "credential-ip": "100/900", "api-ip": "1000/3600",
        "signup-ip": "10/3600", "form-ip": "30/3600",
    }  # fmt: skip
    assert settings.RATELIMIT_TRUSTED_PROXY_HOPS == 0
    assert Rate.parse("10/900") == Rate(10, 900)
    for bad in ("10", "ten/900", "0/900", "5/0", "5/60/2"):
        with pytest.raises(ValueError, match="LIMIT/SECONDS|at least 1"):
            Rate.parse(bad)


@pytest.mark.django_db
def test_the_migration_creates_the_cache_table_and_settings_use_it(settings):
    assert CACHE_TABLE in connection.introspection.table_names()
    # The suite counts in the test database (rolled back after each test); OMOV_REDIS_URL would share counts
    # between tests, so it must not be set for the suite.
    assert settings.CACHES["default"]["BACKEND"] == "omov.core.ratelimit.AtomicDatabaseCache"
    assert settings.CACHES["default"]["LOCATION"] == CACHE_TABLE


DB_CACHE = "omov.core.ratelimit.AtomicDatabaseCache|None"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache|"


@pytest.mark.parametrize(
    ("environment", "backend"),
    [
        ({}, DB_CACHE),
        ({"OMOV_REDIS_URL": "redis://10.0.0.5:6379/0"}, REDIS_CACHE + "redis://10.0.0.5:6379/0"),
        ({"OMOV_REDIS_URL": "redis://10.0.0.5:6379/0", "OMOV_CACHE_URL": "database"}, DB_CACHE),
        ({"OMOV_CACHE_URL": "rediss://cache:6380/2"}, REDIS_CACHE + "rediss://cache:6380/2"),
        ({"OMOV_CACHE_URL": "memcached://x"}, "ImproperlyConfigured"),
        ({"OMOV_RATELIMIT_SIGNIN_EMAIL": "5 per hour"}, "ImproperlyConfigured"),
        ({"OMOV_RATELIMIT_CREDENTIAL_IP": "20/600"}, DB_CACHE),
    ],
)
def test_settings_count_in_redis_when_the_deployment_configures_it(tmp_path, environment, backend):
    env = {k: v for k, v in os.environ.items() if k not in {"OMOV_DATABASE_URL", "OMOV_REDIS_URL", "OMOV_CACHE_URL"}}
    env.update(environment, OMOV_DATA_DIR=str(tmp_path))
    script = (
        "from django.core.exceptions import ImproperlyConfigured\n"
        "try:\n    import omov.web.settings as s\nexcept ImproperlyConfigured:\n    print('ImproperlyConfigured')\n"
        "else:\n    c = s.CACHES['default']\n"
        "    print(c['BACKEND'] + '|' + str(c['LOCATION'] if 'Redis' in c['BACKEND'] else None))"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == backend, out.stderr


@pytest.mark.django_db
def test_a_window_counts_to_its_limit_then_refuses_until_the_next_window():
    clock = Clock()
    limiter = Limiter("test", Rate(3, 60), clock=clock)
    hits = [limiter.hit("a") for _ in range(5)]
    assert [h.count for h in hits] == [1, 2, 3, 4, 5]
    assert [h.allowed for h in hits] == [True, True, True, False, False]
    assert [h.first_refusal for h in hits] == [False, False, False, True, False]
    assert hits[3].retry_after == 60 - START % 60 == 20
    assert limiter.hit("b").allowed  # another identifier has its own count
    clock.now += 19
    assert not limiter.hit("a").allowed and limiter.peek("a").retry_after == 1
    clock.now += 1  # the next window
    assert limiter.hit("a").count == 1 and limiter.peek("a").retry_after == 60


@pytest.mark.django_db
def test_a_check_counts_nothing_and_one_refusal_per_window_is_first():
    clock = Clock()
    limiter = Limiter("test", Rate(2, 60), clock=clock)
    assert [limiter.check("a").allowed for _ in range(5)] == [True] * 5 and limiter.peek("a").count == 0
    limiter.hit("a")
    assert limiter.check("a").count == 2 and limiter.check("a").allowed
    limiter.hit("a")
    refused = limiter.check("a")
    assert not refused.allowed and refused.retry_after == 20
    assert [limiter.first_refusal(limiter.check("a")) for _ in range(3)] == [True, False, False]
    assert limiter.first_refusal(limiter.check("b"))  # another identifier, its own marker
    clock.now += 20  # the next window: the count and the marker start again
    assert limiter.check("a").count == 1
    limiter.hit("a"), limiter.hit("a")
    assert limiter.first_refusal(limiter.check("a"))


def test_the_client_ip_is_the_connection_unless_a_proxy_is_trusted(settings):
    rf = RequestFactory()
    spoofed = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    assert client_ip(spoofed) == "10.0.0.9"  # no trusted proxy: the header is anyone's to write
    settings.RATELIMIT_TRUSTED_PROXY_HOPS = 1
    assert client_ip(spoofed) == "192.0.2.7"  # what our proxy saw, not what the client claimed before it
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.4")) == "198.51.100.4"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.9")) == "10.0.0.9"  # no header: the connection
    settings.RATELIMIT_TRUSTED_PROXY_HOPS = 0
    one = client_ip(rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1"))
    assert one == client_ip(rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::2")) == "2001:db8:1:2::/64"
    assert client_ip(rf.get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"


# Counters shared between connections and processes ----------------------------------------------------------


def _hammer(make_limiter, threads: int = 4, each: int = 15) -> None:
    """`threads` threads, each with its own cache connection (and database connection), counting at once."""
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            limiter = make_limiter()
            barrier.wait()
            for _ in range(each):
                limiter.hit("shared")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []


def _db_limiter(clock: Clock, limit: int = 1000) -> Limiter:
    return Limiter("shared-db", Rate(limit, 3600), cache=AtomicDatabaseCache(CACHE_TABLE, {}), clock=clock)


@pytest.mark.django_db
def test_database_counters_are_shared_between_cache_instances():
    clock = Clock()
    first, second = _db_limiter(clock, 2), _db_limiter(clock, 2)
    assert first.hit("a").allowed and second.hit("a").allowed
    refused = first.hit("a")
    assert not refused.allowed and refused.first_refusal and second.peek("a").count == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_counters_lose_no_count_when_connections_add_at_once():
    """Threads, each with its own PostgreSQL connection: the row lock keeps every increment."""
    clock = Clock()
    _db_limiter(clock).hit("shared")
    try:
        _hammer(lambda: _db_limiter(clock))
        assert _db_limiter(clock).peek("shared").count == 1 + 4 * 15
    finally:
        AtomicDatabaseCache(CACHE_TABLE, {}).clear()  # committed rows: leave the table as the next test expects


COUNTER_PROCESS = """
import sys
import django
django.setup()
from omov.core.ratelimit import limiter
counter = limiter("signin-email", clock=lambda: 1e9)
if sys.argv[1] == "peek":
    print(counter.peek("shared").count)
else:
    for _ in range(int(sys.argv[1])):
        counter.hit("shared")
"""


def test_separate_processes_share_the_database_counters(tmp_path):
    """Like gunicorn's workers: three processes count at once in one SQLite file, and a fourth reads the sum."""
    env = {k: v for k, v in os.environ.items() if k not in {"OMOV_DATABASE_URL", "OMOV_REDIS_URL"}}
    env.update(OMOV_DATA_DIR=str(tmp_path), OMOV_CACHE_URL="database", DJANGO_SETTINGS_MODULE="omov.web.settings")
    run = {"env": env, "cwd": ROOT, "capture_output": True, "text": True}
    migrated = subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], **run)
    assert migrated.returncode == 0, migrated.stderr
    workers = [subprocess.Popen([sys.executable, "-c", COUNTER_PROCESS, "20"], env=env, cwd=ROOT) for _ in range(3)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0, 0]
    total = subprocess.run([sys.executable, "-c", COUNTER_PROCESS, "peek"], **run)
    assert total.stdout.strip() == "60", total.stderr


@pytest.fixture
def redis_location() -> Iterator[str]:
    """A Redis database of its own on the test Redis (127.0.0.1:6379/14), emptied of our keys afterwards."""
    import redis

    location = "redis://127.0.0.1:6379/14"
    server = redis.Redis.from_url(location)
    server.ping()  # Redis runs here and in CI (scripts/test.sh starts it): an error, not a skip, if it is down
    prefix = f"omov-test-{uuid.uuid4().hex}"
    yield f"{location}#{prefix}"
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def _redis(location: str) -> RedisCache:
    url, prefix = location.split("#")
    return RedisCache(url, {"KEY_PREFIX": prefix})


def test_redis_counters_are_shared_and_lose_no_count_under_concurrency(redis_location):
    clock = Clock()
    first = Limiter("shared-redis", Rate(3, 3600), cache=_redis(redis_location), clock=clock)
    second = Limiter("shared-redis", Rate(3, 3600), cache=_redis(redis_location), clock=clock)
    assert [first.hit("a").allowed, second.hit("a").allowed, first.hit("a").allowed] == [True, True, True]
    refused = second.hit("a")
    assert not refused.allowed and refused.first_refusal and refused.retry_after == 800
    clock.now += 800
    assert first.hit("a").count == 1
    _hammer(lambda: Limiter("shared-redis", Rate(1000, 3600), cache=_redis(redis_location), clock=clock))
    assert second.peek("shared").count == 4 * 15


def test_sign_in_limits_hold_on_redis_through_the_web_layer(client, world, clock, settings, redis_location):
    url, prefix = redis_location.split("#")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": prefix}}  # fmt: skip
    assert [ask(client, "m3@example.org").status_code for _ in range(6)] == [200] * 5 + [429]
    assert len(mail.outbox) == 5
    assert _redis(redis_location).get(ratelimit.limiter("signin-email").peek("m3@example.org").key) == 6


# Sign-in ----------------------------------------------------------------------------------------------------


def test_the_sixth_link_for_one_address_in_an_hour_is_refused_with_429_and_no_email(client, world, clock):
    for _ in range(5):
        response = ask(client, "m3@example.org")
        assert response.status_code == 200 and b"Check your email" in response.content
    assert len(mail.outbox) == 5
    refused = ask(client, "M3@Example.org")  # the same address, however it is typed
    assert refused.status_code == 429
    assert refused["Retry-After"] == "800"  # seconds to the end of the hour's window
    page = refused.content.decode()
    assert "Too many sign-in requests" in page and "no email was sent" in page and "try again in 14 minutes" in page
    assert len(mail.outbox) == 5
    assert ask(client, "m4@example.org").status_code == 200 and len(mail.outbox) == 6  # other members unaffected


def test_a_new_window_lets_the_address_ask_again(client, world, clock):
    for _ in range(6):
        ask(client, "m3@example.org")
    assert len(mail.outbox) == 5
    clock.now += 799
    assert ask(client, "m3@example.org").status_code == 429
    clock.now += 1
    response = ask(client, "m3@example.org")
    assert response.status_code == 200 and len(mail.outbox) == 6


def test_unknown_and_known_addresses_are_limited_and_answered_alike(client, world, clock):
    def answers(email: str) -> list[tuple[int, str, str]]:
        out = []
        for _ in range(7):
            r = ask(client, email, ip="10.1.1.1")
            body = r.content.decode().replace(email, "ADDRESS")
            body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
            out.append((r.status_code, r.get("Retry-After", ""), body))
        return out

    known = answers("m5@example.org")
    assert len(mail.outbox) == 5
    unknown = answers("nobody@example.org")
    assert len(mail.outbox) == 5  # nothing sent to an unknown address, limited or not
    assert known == unknown
    assert [status for status, _, _ in known] == [200] * 5 + [429] * 2


def test_thirty_requests_from_one_ip_then_429_while_other_ips_carry_on(client, world, clock):
    for i in range(30):
        assert ask(client, f"probe{i}@example.org", ip="203.0.113.5").status_code == 200
    refused = ask(client, "m1@example.org", ip="203.0.113.5")
    assert refused.status_code == 429 and refused["Retry-After"] == "800"
    assert mail.outbox == []  # a member's address from the flooding IP: still nothing sent
    assert ask(client, "m1@example.org", ip="203.0.113.6").status_code == 200 and len(mail.outbox) == 1
    # A forged X-Forwarded-For changes nothing when no proxy is trusted
    forged = ask(client, "m2@example.org", ip="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, world, clock, settings):
    settings.RATELIMIT_TRUSTED_PROXY_HOPS = 1
    for i in range(30):
        assert ask(client, f"p{i}@example.org", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    assert ask(client, "q@example.org", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert ask(client, "q@example.org", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


def test_a_limited_address_is_audited_once_per_window_without_the_address(client, world, clock):
    def audited() -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(action="signin.rate-limited").order_by("position"))

    for _ in range(9):
        ask(client, "m3@example.org", ip="192.0.2.10")
    entries = audited()
    assert len(entries) == 1  # four refusals, one entry
    assert entries[0].subject.startswith("email:") and "m3@example.org" not in str(entries[0].subject)
    assert entries[0].details == {"scope": "signin-email", "ip": "192.0.2.10", "limit": "5/3600"}
    clock.now += 800
    for _ in range(7):
        ask(client, "m3@example.org", ip="192.0.2.10")
    assert len(audited()) == 2  # the next window's first refusal


# Voting -----------------------------------------------------------------------------------------------------

WRONG = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"  # well-formed, and no ballot's credential


@pytest.fixture
def open_ballot(world):
    ballot = world.ballot("irv")
    return ballot, open_and_issue(ballot, world.officer)


def vote(client: Client, ballot_id: int, credential: str, ip: str, action: str = "cast"):
    return client.post(
        f"/ballots/{ballot_id}/vote/", {"rank_1": "1", "credential": credential, "action": action}, REMOTE_ADDR=ip
    )


def _counters() -> int:
    """Rows in the rate limits' database table: every counter and marker the limits have written."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {CACHE_TABLE}")  # noqa: S608 (our table)
        return int(cursor.fetchone()[0])


def test_a_room_behind_one_address_all_cast_with_fifty_wrong_codes_typed_among_them(client, open_ballot, clock):
    """A branch meeting on one Wi-Fi: every member casts, however many mistyped codes the room sends between them;
    at the default allowance the wrong codes are not even slowed (answered 'not valid', not 429)."""
    ballot, tokens = open_ballot
    ip = "198.51.100.7"
    statuses = []
    for i, token in enumerate(tokens):
        typed = 50 // len(tokens) + (i < 50 % len(tokens))  # 50 wrong codes spread among the room
        statuses += [vote(client, ballot.pk, WRONG, ip).status_code for _ in range(typed)]
        assert vote(client, ballot.pk, token, ip, action="review").status_code == 200
        cast = vote(client, ballot.pk, token, ip)
        assert cast.status_code == 200 and 'id="tracker"' in cast.content.decode()
    assert len(statuses) == 50 and set(statuses) == {400}
    assert Paper.objects.count() == len(tokens) and Credential.objects.filter(spent=True).count() == len(tokens)
    assert ratelimit.limiter("credential-ip").peek(ip).count == 50


def test_past_the_allowance_wrong_codes_get_429_but_right_codes_from_that_address_are_still_cast(
    client, open_ballot, clock, settings
):
    settings.RATELIMITS = {**settings.RATELIMITS, "credential-ip": "10/900"}  # a small room's worth, to be quick
    ballot, tokens = open_ballot
    ip = "198.51.100.8"
    assert [vote(client, ballot.pk, WRONG, ip).status_code for _ in range(12)] == [400] * 10 + [429] * 2
    slowed = vote(client, ballot.pk, WRONG, ip, action="review")
    assert slowed.status_code == 429 and slowed["Retry-After"] == "800"
    page = slowed.content.decode()
    assert "This code was not accepted" in page and "a right code is always accepted" in page
    assert "wait 14 minutes" in page
    for token in tokens:  # everyone behind that address, right after the flood
        assert vote(client, ballot.pk, token, ip).status_code == 200
    assert Paper.objects.count() == len(tokens)
    logged = AuditEntry.objects.filter(action="credential.rate-limited")
    assert [(e.subject, e.details["ip"]) for e in logged] == [(f"ballot:{ballot.pk}", ip)]  # once a window
    assert ratelimit.limiter("credential-ip").peek(ip).count == 13
    assert vote(client, ballot.pk, WRONG, "198.51.100.9").status_code == 400  # another address: its own count
    clock.now += 800  # the next window: wrong codes are answered as wrong again
    assert vote(client, ballot.pk, WRONG, ip).status_code == 400


def test_a_flood_of_wrong_codes_at_the_default_allowance_is_answered_429(client, open_ballot, clock):
    ballot, tokens = open_ballot
    ip = "198.51.100.10"
    answers = [api(client, ballot.pk, WRONG, ip).status_code for _ in range(105)]
    assert answers == [403] * 100 + [429] * 5
    assert api(client, ballot.pk, tokens[0], ip).status_code == 200  # and a right code still casts


def test_right_codes_spent_codes_and_typos_count_nothing(client, open_ballot, clock):
    ballot, tokens = open_ballot
    ip = "198.51.100.20"
    for _ in range(12):
        assert vote(client, ballot.pk, tokens[0], ip, action="review").status_code == 200
        assert vote(client, ballot.pk, "not a code", ip).status_code == 400
        assert vote(client, ballot.pk, WRONG, ip, action="change").status_code == 200  # "change" checks nothing
    assert vote(client, ballot.pk, tokens[0], ip).status_code == 200  # cast
    for _ in range(12):
        assert vote(client, ballot.pk, tokens[0], ip).status_code == 400  # already used: a real code
    assert ratelimit.limiter("credential-ip").peek(ip).count == 0
    assert _counters() == 0


def test_a_successful_cast_reads_and_writes_no_counter(client, open_ballot, clock):
    """The page's review and cast, and the API's cast: not one query touches the counters' table."""
    from django.test.utils import CaptureQueriesContext

    ballot, tokens = open_ballot
    with CaptureQueriesContext(connection) as queries:
        assert vote(client, ballot.pk, tokens[0], "198.51.100.21", action="review").status_code == 200
        assert vote(client, ballot.pk, tokens[0], "198.51.100.21").status_code == 200
        assert api(client, ballot.pk, tokens[1], "198.51.100.21").status_code == 200
    assert Paper.objects.count() == 2
    assert [q["sql"] for q in queries.captured_queries if CACHE_TABLE in q["sql"]] == []
    assert _counters() == 0
    api(client, ballot.pk, WRONG, "198.51.100.21")  # whereas a wrong code is counted, in the same table
    assert _counters() > 0


def test_a_code_of_another_ballot_counts_as_a_wrong_guess(client, world, open_ballot, clock):
    ballot, _ = open_ballot
    other = world.ballot("irv", candidates=("Xi", "Yu"))
    other_tokens = open_and_issue(other, world.officer)
    for _ in range(3):
        assert vote(client, ballot.pk, other_tokens[0], "198.51.100.30").status_code == 400
    assert ratelimit.limiter("credential-ip").peek("198.51.100.30").count == 3


# The JSON cast API ------------------------------------------------------------------------------------------


def api(client: Client, ballot_id: int, credential: object, ip: str, paper: list[int] | None = None):
    import json

    body = json.dumps({"credential": credential, "paper": paper or [1]})
    return client.post(f"/api/ballots/{ballot_id}/cast", data=body, content_type="application/json", REMOTE_ADDR=ip)


def test_api_wrong_codes_share_the_pages_count_and_get_429_json(client, open_ballot, clock, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "credential-ip": "10/900"}
    ballot, tokens = open_ballot
    ip = "198.51.100.40"
    for _ in range(5):
        assert vote(client, ballot.pk, WRONG, ip).status_code == 400
    for _ in range(5):
        assert api(client, ballot.pk, WRONG, ip).json()["error"] == "bad-credential"
    refused = api(client, ballot.pk, WRONG, ip)
    assert refused.status_code == 429 and refused["Retry-After"] == "800"
    body = refused.json()
    assert body["ok"] is False and body["error"] == "rate-limited" and body["retry_after"] == 800
    assert "too many wrong codes" in body["message"] and "14 minutes" in body["message"]
    assert vote(client, ballot.pk, WRONG, ip).status_code == 429  # the page counts with the API
    assert api(client, ballot.pk, tokens[0], ip).status_code == 200  # a right code is cast, page or API
    assert vote(client, ballot.pk, tokens[1], ip).status_code == 200
    assert Paper.objects.count() == 2


def test_api_counts_only_refused_casts_against_the_address(client, open_ballot, clock, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "api-ip": "3/3600"}  # the 1000/hour default, made testable
    ballot, tokens = open_ballot
    ip = "198.51.100.50"
    for token in tokens[:5]:  # more casts than the cap: accepted casts are not counted
        assert api(client, ballot.pk, token, ip).status_code == 200
    assert ratelimit.limiter("api-ip").peek(ip).count == 0 and _counters() == 0
    bad_paper = [api(client, ballot.pk, tokens[5], ip, paper=[9]).status_code for _ in range(4)]
    assert bad_paper == [400, 400, 400, 429]
    refused = api(client, ballot.pk, tokens[5], ip, paper=[9])
    assert refused["Retry-After"] == "800" and "too many refused casts" in refused.json()["message"]
    assert api(client, ballot.pk, tokens[5], ip).status_code == 200  # its valid cast is still accepted
    assert Paper.objects.count() == 6


# Counters in Redis ------------------------------------------------------------------------------------------


def test_wrong_codes_count_in_redis_when_configured_and_successful_casts_leave_no_key(
    client, open_ballot, clock, settings, redis_location
):
    import redis

    url, prefix = redis_location.split("#")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": prefix}}  # fmt: skip
    settings.RATELIMITS = {**settings.RATELIMITS, "credential-ip": "3/900"}
    server = redis.Redis.from_url(url)
    ballot, tokens = open_ballot
    ip = "198.51.100.60"
    assert api(client, ballot.pk, tokens[0], ip).status_code == 200
    assert vote(client, ballot.pk, tokens[1], ip).status_code == 200
    assert list(server.scan_iter(f"{prefix}:*")) == []  # two casts: not one key
    assert [api(client, ballot.pk, WRONG, ip).status_code for _ in range(4)] == [403, 403, 403, 429]
    assert vote(client, ballot.pk, tokens[2], ip).status_code == 200
    key = ratelimit.limiter("credential-ip").peek(ip).key
    assert _redis(redis_location).get(key) == 4  # one atomic INCR a wrong code, read back as a number
    assert 800 < server.ttl(f"{prefix}:1:{key}") <= 960  # and it expires after its window
    assert _counters() == 0  # nothing in the database table
