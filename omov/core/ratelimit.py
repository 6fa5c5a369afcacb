"""Fixed-window rate limits shared by every web process: sign-in requests and wrong ballot credentials.

Counters live in Django's cache framework, on a backend every gunicorn worker and every machine shares:
Redis when the deployment configures it (atomic INCR), otherwise `AtomicDatabaseCache` below, a table in the
main database (SQLite for the demo, PostgreSQL in production). Why the cache framework and not a model of our
own: one small API for both backends, entries expire by themselves, and a deployment can move counters to
Redis with one environment variable. Django's DatabaseCache alone is not enough: its `incr` is a read then a
write, so concurrent requests from several processes could lose counts and let a burst of guesses through;
`AtomicDatabaseCache.incr` locks the row (PostgreSQL) or runs in SQLite's write-locked transaction, so no
count is lost. The table is created by the migration `omov/web/migrations/0001_ratelimit_cache.py`, so it
exists wherever migrations run (`omov demo`, `omov manage migrate`, the test database).

On Redis a count is one round trip: INCR and EXPIRE in one MULTI transaction (atomic, and the key cannot be
left without an expiry); on the database table it is `add` then a row-locked `incr`. Nothing here is read or
written unless a caller counts something: the callers count failures only (a refused credential, a refused
cast), never a success, so a cast that is accepted costs the limits nothing (see omov/ballots/attempts.py).

A window is `[k * period, (k + 1) * period)` on the limiter's clock; the window number is part of the key, so
a new window starts from zero without waiting for the cache to expire anything, and the clock can be injected
(tests move it forward instead of sleeping). Identifiers (email addresses, IP addresses) are hashed before
they become keys: the cache never holds an address in clear.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction
from django.http import HttpRequest

CACHE_TABLE = "omov_ratelimit_cache"  # settings.CACHES names the same table (settings cannot import this module)

# The clock every limiter uses unless given one: seconds since the epoch. Tests replace it to move time on.
CLOCK: Callable[[], float] = time.time


class AtomicDatabaseCache(DatabaseCache):
    """Django's database cache with an `incr` that loses no count when several processes add at once."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            # On SQLite the project's transactions BEGIN IMMEDIATE: the write lock is held from here, so the
            # read-then-write below is already serialised. PostgreSQL locks the counter's row instead.
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608 (our table)
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)


@dataclass(frozen=True)
class Rate:
    """At most `limit` events per `period` seconds."""

    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'5/3600' → 5 per hour. Raises ValueError with a readable message otherwise."""
        try:
            limit, period = (int(x) for x in text.strip().split("/"))
        except ValueError:
            raise ValueError(f"a rate is written LIMIT/SECONDS, e.g. 5/3600 (got {text!r})") from None
        if limit < 1 or period < 1:
            raise ValueError(f"a rate needs a limit and a period of at least 1 (got {text!r})")
        return cls(limit, period)


@dataclass(frozen=True)
class Hit:
    """What a limiter answered for one identifier at one moment."""

    key: str
    count: int  # events counted in this window, this one included (for `peek`: so far)
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def first_refusal(self) -> bool:
        """True for exactly one request per window: the first one over the limit (what gets audited)."""
        return self.count == self.limit + 1

    @property
    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


class Limiter:
    """A fixed-window counter per identifier, e.g. Limiter('signin-email', Rate(5, 3600))."""

    def __init__(
        self, scope: str, rate: Rate, *, cache: BaseCache | None = None, clock: Callable[[], float] | None = None
    ) -> None:
        self.scope = scope
        self.rate = rate
        self.cache = cache if cache is not None else caches[settings.RATELIMIT_CACHE]
        self.clock = clock

    def _now(self) -> float:
        return (self.clock or CLOCK)()

    def _key(self, ident: str, now: float) -> tuple[str, int]:
        window = int(now // self.rate.period)
        digest = hashlib.sha256(f"{self.scope}\0{ident}".encode()).hexdigest()[:32]
        retry_after = max(1, math.ceil((window + 1) * self.rate.period - now))
        return f"rl:{self.scope}:{digest}:{window}", retry_after

    def hit(self, ident: str) -> Hit:
        """Count one event for `ident` and say whether it is within the limit."""
        key, retry_after = self._key(ident, self._now())
        timeout = self.rate.period + 60  # the key is only for this window; the cache may drop it after
        if isinstance(self.cache, RedisCache):
            return Hit(key, self._redis_incr(key, timeout), self.rate.limit, retry_after)
        self.cache.add(key, 0, timeout=timeout)
        try:
            count = int(self.cache.incr(key))
        except ValueError:  # the entry vanished between add and incr (evicted): start it again
            self.cache.add(key, 0, timeout=timeout)
            count = int(self.cache.incr(key))
        return Hit(key, count, self.rate.limit, retry_after)

    def _redis_incr(self, key: str, timeout: int) -> int:
        """INCR and EXPIRE in one MULTI: one round trip, atomic (Django's `add` + `incr` take three). The value is
        a plain integer, which Django's Redis serializer reads back as one, so `peek` works on it unchanged."""
        cache: Any = self.cache  # the client is Django's (private) RedisCacheClient: the one that pools connections
        client = cache._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=True)
        pipe.incr(cache.make_and_validate_key(key))
        pipe.expire(cache.make_and_validate_key(key), timeout)
        count, _ = pipe.execute()
        return int(count)

    def peek(self, ident: str) -> Hit:
        """The count so far in this window, without counting anything."""
        key, retry_after = self._key(ident, self._now())
        return Hit(key, int(self.cache.get(key) or 0), self.rate.limit, retry_after)

    def check(self, ident: str) -> Hit:
        """Whether one more event for `ident` would be within the limit, counting nothing: the answer's `count`
        is the one that event would make. For limits on outcomes (wrong guesses) that are counted with `hit` only
        once the outcome is known, so that requests still in flight never hold a place against the limit."""
        seen = self.peek(ident)
        return Hit(seen.key, seen.count + 1, seen.limit, seen.retry_after)

    def first_refusal(self, hit: Hit) -> bool:
        """True for exactly one refused `check` per identifier and window, however many processes ask at once
        (an atomic add of a marker beside the counter): what gets audited."""
        return bool(self.cache.add(f"{hit.key}:refused", 1, timeout=self.rate.period + 60))


def limiter(scope: str, *, clock: Callable[[], float] | None = None) -> Limiter:
    """The limiter for one of the configured scopes (settings.RATELIMITS[scope] is 'LIMIT/SECONDS')."""
    return Limiter(scope, Rate.parse(settings.RATELIMITS[scope]), clock=clock)


def client_ip(request: HttpRequest) -> str:
    """Who is asking, for counting: REMOTE_ADDR, or, behind N trusted proxies, the address the outermost of them
    saw (the N-th from the right in X-Forwarded-For: entries further left are whatever the client sent).
    IPv6 addresses count per /64, the block one subscriber usually gets."""
    address = str(request.META.get("REMOTE_ADDR") or "")
    hops = int(settings.RATELIMIT_TRUSTED_PROXY_HOPS)
    if hops > 0:
        forwarded = [x.strip() for x in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if x.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped if ip.version == 6 and ip.ipv4_mapped else ip)
