"""Django settings, read from the environment so that every `omov serve` process is configured the same way.

Environment (all optional except in production):
  OMOV_DEBUG            1 for development (default 0: production)
  OMOV_SECRET_KEY       required in production; signs sessions and sign-in links (same on every process)
  OMOV_DATABASE_URL     e.g. postgres://user@host:5432/omov (default: SQLite in OMOV_DATA_DIR)
  OMOV_DATA_DIR         where the SQLite database and uploads live (default ./.omov)
  OMOV_ALLOWED_HOSTS    comma-separated host names (default: localhost,127.0.0.1 in debug)
  OMOV_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://vote.example.org
  OMOV_REDIS_URL        Celery broker (default redis://127.0.0.1:6379/0); when set, also the cache of rate limits
  OMOV_CACHE_URL        the rate limits' cache: redis://... , or "database" (default: Redis if OMOV_REDIS_URL is
                        set, else a table in the database)
  OMOV_RATELIMIT_SIGNIN_EMAIL, OMOV_RATELIMIT_SIGNIN_IP, OMOV_RATELIMIT_CREDENTIAL_IP, OMOV_RATELIMIT_API_IP
                        rate limits as LIMIT/SECONDS (defaults 5/3600, 30/3600, 100/900, 1000/3600)
  OMOV_TRUSTED_PROXY_HOPS  how many trusted proxies add X-Forwarded-For in front of the app (default 0: use
                        the connection's address)
  OMOV_CELERY_EAGER     1 to run background jobs in-process (default: 1 on SQLite, 0 otherwise)
  OMOV_SSL_REDIRECT     0 to let a proxy in front handle https (default 1 in production)
  OMOV_EMAIL_BACKEND    a Django email backend path (default: console)
  OMOV_EMAIL_HOST, OMOV_EMAIL_PORT, OMOV_EMAIL_HOST_USER, OMOV_EMAIL_HOST_PASSWORD, OMOV_EMAIL_USE_TLS,
  OMOV_DEFAULT_FROM_EMAIL, OMOV_SITE_URL (absolute base for links in emails, e.g. https://vote.example.org)
  OMOV_TIME_ZONE        the organisation's time zone, in which times are shown and mailed (default UTC; e.g.
                        Europe/London)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [x.strip() for x in os.environ.get(name, default).split(",") if x.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("OMOV_DATA_DIR", Path.cwd() / ".omov")).resolve()

DEBUG = _flag("OMOV_DEBUG", False)

SECRET_KEY = os.environ.get("OMOV_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "set OMOV_SECRET_KEY (a long random string, the same on every server) or OMOV_DEBUG=1 for development"
        )
    SECRET_KEY = "omov-development-only-key-never-use-in-production-5c1f0e"

ALLOWED_HOSTS = _list("OMOV_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _list("OMOV_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("OMOV_SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "omov.web",  # its one migration creates the rate limits' cache table
    "omov.audit",
    "omov.members",
    "omov.ballots",
    "omov.nominations",
    "omov.voice",
    "omov.organising",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "omov.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "omov.web.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "omov.web.urls"
WSGI_APPLICATION = "omov.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database_url = os.environ.get("OMOV_DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "omov.sqlite3",
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so that
            # concurrent writers queue (busy timeout) instead of failing with "database is locked".
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous="
                + os.environ.get("OMOV_SQLITE_SYNCHRONOUS", "NORMAL")
                + ";",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
DATABASE_VENDOR = "sqlite" if DATABASES["default"]["ENGINE"].endswith("sqlite3") else "postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sessions live in the database, so any web process can serve any request (no state in the web tier).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "/"
SIGNIN_LINK_MAX_AGE = int(os.environ.get("OMOV_SIGNIN_LINK_MAX_AGE", "900"))  # seconds
CSRF_FAILURE_VIEW = "omov.web.views.csrf_failure"

LANGUAGE_CODE = "en-gb"
# The organisation's time zone: every time a member or officer reads (emails, letters, pages) is written in it;
# times are stored in UTC whatever it is.
TIME_ZONE = os.environ.get("OMOV_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("OMOV_STATIC_ROOT", DATA_DIR / "static"))
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # `omov manage collectstatic` fills it in production
except OSError:
    pass
# omov/web/static (the pages' CSS, JS and vendored Chart.js) is found as the static folder of the omov.web app.
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step
MEDIA_ROOT = DATA_DIR / "uploads"

# Email: console by default; SMTP (or any backend) from the environment.
EMAIL_BACKEND = os.environ.get("OMOV_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The demo (`omov demo` sets OMOV_DEMO=1) keeps its outgoing mail in a folder, shown at /demo/mail/.
DEMO = _flag("OMOV_DEMO", False)
if DEMO:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("OMOV_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("OMOV_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("OMOV_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("OMOV_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("OMOV_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("OMOV_DEFAULT_FROM_EMAIL", "omov <ballots@localhost>")

# Background jobs (Celery). Eager (in-process) by default on SQLite: the demo needs no Redis.
REDIS_URL = os.environ.get("OMOV_REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None  # progress and outcome are recorded on omov.audit.Job rows
CELERY_TASK_ALWAYS_EAGER = _flag("OMOV_CELERY_EAGER", DATABASE_VENDOR == "sqlite")
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True  # a job whose worker dies is handed to another worker
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "omov"
# Beat (`omov worker --beat`) runs the ballot schedule every minute: ballots open and close themselves at their
# set times (omov.ballots.scheduling). Deployments without beat run `omov schedule --every 60` instead.
SCHEDULE_EVERY = 60.0  # seconds between passes of the ballot schedule
CELERY_BEAT_SCHEDULE = {
    "ballot-schedule": {
        "task": "omov.ballots.run_schedule",
        "schedule": SCHEDULE_EVERY,
        # A pass that waited longer than its interval in the queue is dropped: the next one does its work.
        "options": {"expires": SCHEDULE_EVERY - 5},
    },
    # Organising: reminders a day before events (hourly), and erasure of canvass lists past their retention date.
    "organising-reminders": {"task": "omov.organising.send_reminders", "schedule": 3600.0},
    "organising-erase-expired": {"task": "omov.organising.erase_expired_lists", "schedule": 86400.0},
    # Member voice: each organisation's spam model retrained daily on its officers' new spam decisions.
    "voice-retrain-spam-models": {"task": "omov.voice.retrain_spam_models", "schedule": 86400.0},
}

# Rate limits (omov/core/ratelimit.py). The counters must be shared by every web process, so they live in Redis
# when the deployment configures Redis (it runs there anyway as the Celery broker), otherwise in a table of the
# main database, which the SQLite demo and a PostgreSQL without Redis share just as well.
_cache_url = os.environ.get("OMOV_CACHE_URL", "").strip()
if not _cache_url and os.environ.get("OMOV_REDIS_URL", "").strip():
    _cache_url = REDIS_URL
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "omov",
        }
    }
elif _cache_url in ("", "database"):
    CACHES = {
        "default": {
            "BACKEND": "omov.core.ratelimit.AtomicDatabaseCache",
            "LOCATION": "omov_ratelimit_cache",  # = omov.core.ratelimit.CACHE_TABLE (created by a migration)
            # Django culls a third of the table when it is full: set the bar high, so that a flood of distinct
            # addresses cannot wipe the counters of the others (entries of past windows expire anyway).
            "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 4},
        }
    }
else:
    raise ImproperlyConfigured(f"OMOV_CACHE_URL must be redis://..., rediss://... or database (got {_cache_url!r})")
RATELIMIT_CACHE = "default"
RATELIMITS = {
    # LIMIT/SECONDS. Sign-in links asked for one address (mail-bombing a member), and sign-in requests from one
    # IP (probing many addresses); wrong ballot credentials from one IP, on the voting page and the JSON API
    # together (sized for a room: one address is often a meeting's Wi-Fi or a mobile network); and refused
    # casts through the JSON API from one IP. The last two count failures only and slow only failures: a valid
    # credential is always accepted and an accepted cast counts nothing (omov/ballots/attempts.py).
    "signin-email": os.environ.get("OMOV_RATELIMIT_SIGNIN_EMAIL", "5/3600"),
    "signin-ip": os.environ.get("OMOV_RATELIMIT_SIGNIN_IP", "30/3600"),
    "credential-ip": os.environ.get("OMOV_RATELIMIT_CREDENTIAL_IP", "100/900"),
    "api-ip": os.environ.get("OMOV_RATELIMIT_API_IP", "1000/3600"),
    # Public sign-ups to events from one IP (organising): enough for a family, not for a script.
    "signup-ip": os.environ.get("OMOV_RATELIMIT_SIGNUP_IP", "10/3600"),
    # Petition signatures and volunteer sign-ups from one IP: an office or a campus signs from one address.
    "form-ip": os.environ.get("OMOV_RATELIMIT_FORM_IP", "30/3600"),
}
for _scope, _rate in RATELIMITS.items():
    _parts = _rate.split("/")
    if len(_parts) != 2 or not all(x.strip().isdigit() and int(x) > 0 for x in _parts):
        raise ImproperlyConfigured(f"the rate limit {_scope} must be LIMIT/SECONDS, e.g. 5/3600 (got {_rate!r})")
RATELIMIT_TRUSTED_PROXY_HOPS = int(os.environ.get("OMOV_TRUSTED_PROXY_HOPS", "0"))

# Production hardening (`manage.py check --deploy` passes with these).
if not DEBUG:
    SECURE_SSL_REDIRECT = _flag("OMOV_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("OMOV_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _flag("OMOV_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Scripts, styles and everything else from our own origin only; no inline script, handler or style attribute in
# any template (so style-src needs no 'unsafe-inline' either); images may also be data: URLs (the favicon).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OMOV_LOG_LEVEL", "WARNING")},
}
