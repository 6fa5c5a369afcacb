"""The platform's commands: `omov demo | serve | worker | schedule | manage | members | audit`.

omov demo [--data DIR] [--port 8000] [--no-serve]   a seeded SQLite demo, served on 127.0.0.1
omov serve [--bind HOST:PORT] [--workers N]         production: gunicorn, configured from the environment
omov worker [--concurrency N] [--beat] [celery options]  background job workers (Celery over Redis); --beat
                                                    also runs the ballot schedule every minute (one worker only)
omov schedule [--every SECONDS]                     open and close the ballots whose times have come (one pass,
                                                    or a pass every SECONDS, for deployments without beat)
omov manage COMMAND [ARGS]                          any Django management command (migrate, createsuperuser...)
omov members import FILE [--organisation SLUG] [--update] [--dry-run] [--skip-bad]
omov audit verify                                   check the audit log's hash chain
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import threading
import time
from pathlib import Path

from omov.core.actors import CLI

WANTS_COMMAND = True


def _setup(env: dict[str, str] | None = None) -> None:
    for key, value in (env or {}).items():
        os.environ[key] = value
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omov.web.settings")
    import django

    django.setup()


def main(argv: list[str]) -> int:
    """Run one platform command (argv[0] is the command name) and return the exit status."""
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    handler = {
        "demo": _demo,
        "serve": _serve,
        "worker": _worker,
        "schedule": _schedule,
        "manage": _manage,
        "members": _members,
        "audit": _audit,
    }.get(command)
    if handler is None:
        print(f"omov: {command!r} is not a platform command\n{__doc__}", file=sys.stderr)
        return 2
    try:
        return handler(rest)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(exc, ImproperlyConfigured):
            print(f"omov {command}: configuration problem: {exc}", file=sys.stderr)
            return 2
        raise


# demo ---------------------------------------------------------------------------------------------------------


def _demo(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="omov demo", description="Create and serve a demo organisation on SQLite.")
    parser.add_argument("--data", default=".omov", help="folder for the demo database (default ./.omov)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="seed and print the links, then stop")
    parser.add_argument("--fresh", action="store_true", help="delete an existing demo database first")
    opts = parser.parse_args(args)
    data = Path(opts.data).resolve()
    data.mkdir(parents=True, exist_ok=True)
    if opts.fresh:
        for suffix in ("", "-wal", "-shm"):
            (data / f"omov.sqlite3{suffix}").unlink(missing_ok=True)
    site = f"http://127.0.0.1:{opts.port}"
    _setup(
        {
            "OMOV_DATA_DIR": str(data),
            "OMOV_DEBUG": "1",
            "OMOV_CELERY_EAGER": "1",
            "OMOV_SITE_URL": site,
            "OMOV_DATABASE_URL": "",
            "OMOV_SQLITE_SYNCHRONOUS": "OFF",  # throwaway demo data: no waiting for the disk
            "OMOV_DEMO": "1",  # outgoing mail to the data folder, shown at /demo/mail/
        }
    )
    from django.core.management import call_command

    from omov.demo import seed

    call_command("migrate", verbosity=0, interactive=False)
    summary = seed(data=data, out=sys.stdout)
    print(summary)
    print(demo_links(site=site))
    if opts.no_serve:
        return 0
    # No Celery beat in the demo: the server process runs the ballot schedule itself, in a background thread.
    threading.Thread(target=_schedule_loop, args=(DEMO_SCHEDULE_EVERY,), name="omov-schedule", daemon=True).start()
    print(f"Serving on {site}/ (Ctrl-C to stop); ballots open and close at their set times")
    call_command("runserver", f"127.0.0.1:{opts.port}", use_reloader=False, skip_checks=True)
    return 0


def demo_links(*, site: str) -> str:
    """Sign-in links for the demo's people (one-time, 15 minutes)."""
    from omov.demo import demo_accounts
    from omov.web.signin import signin_url

    lines = [f"\nSign in (each link works once, for 15 minutes; ask for more at {site}/signin/ with the address):"]
    for who, user in demo_accounts():
        lines.append(f"  {who}:\n    {signin_url(user=user, base=site)}")
    lines.append(f"\nThe demo sends no mail: what it would send is at {site}/demo/mail/")
    return "\n".join(lines) + "\n"


# serve / worker / manage ----------------------------------------------------------------------------------------


def _serve(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="omov serve",
        description="Serve the platform with gunicorn. Settings come from the environment (OMOV_DATABASE_URL, "
        "OMOV_SECRET_KEY, OMOV_ALLOWED_HOSTS, OMOV_REDIS_URL, OMOV_EMAIL_*, OMOV_DEBUG); see docs/deploy.md.",
    )
    parser.add_argument("--bind", default=os.environ.get("OMOV_BIND", "127.0.0.1:8000"))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("OMOV_WORKERS", 2 * (os.cpu_count() or 1) + 1))
    )
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMOV_THREADS", "4")))
    parser.add_argument("--migrate", action="store_true", help="apply database migrations first")
    parser.add_argument("--check", action="store_true", help="only check the configuration (manage.py check --deploy)")
    opts = parser.parse_args(args)
    _setup()
    from django.core.management import call_command

    if opts.check:
        call_command("check", deploy=True, fail_level="WARNING")
        return 0
    if opts.migrate:
        call_command("migrate", interactive=False)
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "omov.web.wsgi:application",
        "--bind",
        opts.bind,
        "--workers",
        str(opts.workers),
        "--threads",
        str(opts.threads),
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("OMOV_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--graceful-timeout",
        "30",
        "--timeout",
        "60",
    ]
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover - execv does not return


def _worker(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="omov worker",
        description="Run Celery workers for background jobs. Other options are passed to `celery worker`.",
    )
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument(
        "--beat",
        action="store_true",
        help="also run Celery beat in this worker, which opens and closes ballots at their set times (every "
        "minute). Give --beat to one worker only (a second beat is harmless, but wasted); without beat, run "
        "`omov schedule --every 60` instead.",
    )
    opts, extra = parser.parse_known_args(args)
    _setup()
    argv = [sys.executable, "-m", "celery", "-A", "omov.core.celery", "worker", "-Q", "omov", "--loglevel", "INFO"]
    if opts.concurrency:
        argv += ["--concurrency", str(opts.concurrency)]
    if opts.beat:
        argv += ["--beat"]
    os.execv(sys.executable, argv + extra)
    return 0  # pragma: no cover


# schedule -----------------------------------------------------------------------------------------------------

DEMO_SCHEDULE_EVERY = 30.0  # seconds between passes of the schedule in the demo's server process


def _schedule(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="omov schedule",
        description="Open the ready ballots whose opening time has come and close the open ballots whose closing "
        "time has come (as the audit log's actor 'scheduler'), print what was done, and stop. Celery beat "
        "(`omov worker --beat`) does the same every minute; use --every where beat does not run.",
    )
    parser.add_argument(
        "--every", type=float, default=None, metavar="SECONDS", help="keep running: one pass every SECONDS"
    )
    opts = parser.parse_args(args)
    if opts.every is not None and opts.every <= 0:
        parser.error("--every needs a positive number of seconds")
    _setup()
    if opts.every is None:
        _schedule_pass(quiet=False)
        return 0
    print(f"omov schedule: a pass every {opts.every:g} s (Ctrl-C to stop)", flush=True)
    _schedule_loop(opts.every)
    return 0  # pragma: no cover - the loop ends by Ctrl-C


def _schedule_pass(*, quiet: bool) -> None:
    """One pass of the schedule, printing what it did (`quiet`: print nothing when nothing was due)."""
    from django.utils import timezone

    from omov.ballots.scheduling import run_schedule

    done = run_schedule()
    stamp = timezone.now().strftime("%Y-%m-%d %H:%M:%S %Z")
    for item in done:
        print(f"{stamp} {item}", flush=True)
    if not done and not quiet:
        print(f"{stamp} nothing due", flush=True)


def _schedule_loop(every: float) -> None:
    """A pass every `every` seconds, for ever; a failed pass is logged and the next one tries again."""
    import logging

    from django.db import close_old_connections, connection

    log = logging.getLogger("omov.schedule")
    while True:
        close_old_connections()
        try:
            _schedule_pass(quiet=True)
        except Exception:  # a database restart, say: report it and carry on at the next pass
            log.exception("a pass of the ballot schedule failed")
            print("omov schedule: a pass failed (see the log); trying again at the next", file=sys.stderr, flush=True)
        finally:
            connection.close()
        time.sleep(every)


def _manage(args: list[str]) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["omov manage", *args])
    return 0


# members ------------------------------------------------------------------------------------------------------


def _members(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="omov members", description="Members of an organisation.")
    sub = parser.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help="import members from a CSV file (all-or-nothing; re-import is safe)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--organisation", help="the organisation's short name (needed if there are several)")
    imp.add_argument("--update", action="store_true", help="update members already known, by membership number")
    imp.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
    imp.add_argument("--skip-bad", action="store_true", help="import the good rows even if some rows are bad")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    opts = parser.parse_args(args)
    _setup()
    from omov.members.models import Organisation
    from omov.members.services import import_members

    orgs = Organisation.objects.all()
    if opts.organisation:
        org = orgs.filter(slug=opts.organisation).first()
        if org is None:
            print(
                f"omov members: no organisation {opts.organisation!r}; known: "
                f"{', '.join(o.slug for o in orgs) or 'none'}",
                file=sys.stderr,
            )
            return 2
    elif orgs.count() == 1:
        org = orgs.get()
    else:
        print(
            "omov members: say which organisation with --organisation SLUG "
            f"(known: {', '.join(o.slug for o in orgs) or 'none; create one in the admin first'})",
            file=sys.stderr,
        )
        return 2
    if opts.quiet:
        report = import_members(
            organisation=org,
            path=opts.file,
            update=opts.update,
            dry_run=opts.dry_run,
            skip_bad=opts.skip_bad,
            actor=CLI,
        )
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("{task.description:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=False,
        ) as bar:
            tasks: dict[str, object] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total)
                bar.update(tasks[phase], completed=done, total=total)  # type: ignore[arg-type]

            report = import_members(
                organisation=org,
                path=opts.file,
                update=opts.update,
                dry_run=opts.dry_run,
                skip_bad=opts.skip_bad,
                actor=CLI,
                progress=progress,
            )
    print(report.describe())
    if report.file_error or (report.bad and not opts.skip_bad):
        return 1
    return 0


# audit --------------------------------------------------------------------------------------------------------


def _audit(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="omov audit", description="The audit log.")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("verify", help="recompute the hash chain of the audit log and of every ballot's papers")
    parser.parse_args(args)
    from django.apps import apps

    if not apps.ready and not os.environ.get("OMOV_DATABASE_URL"):  # (already set up: a test, `omov manage shell`)
        data = Path(os.environ.get("OMOV_DATA_DIR", ".omov")).resolve()
        if not (data / "omov.sqlite3").exists():
            print(f"omov audit: no database at {data / 'omov.sqlite3'}: run it where `omov demo` ran, or set "
                  "OMOV_DATA_DIR or OMOV_DATABASE_URL", file=sys.stderr)
            return 2
    # Verifying only reads and hashes: it signs nothing, so it needs no secret key of the deployment's.
    _setup({} if os.environ.get("OMOV_SECRET_KEY") else {"OMOV_SECRET_KEY": secrets.token_urlsafe(50)})
    from omov.audit.selectors import verify_audit_chain
    from omov.ballots.models import Ballot
    from omov.ballots.selectors import verify_paper_chain

    report = verify_audit_chain()
    print(f"audit log: {report}")
    ok = report.ok
    for ballot in Ballot.objects.exclude(state__in=["draft", "ready"]).order_by("pk"):
        check = verify_paper_chain(ballot=ballot)
        status = f"OK, {check.papers} papers chained" if check.ok else f"BROKEN: {check.problem}"
        print(f"papers of ballot {ballot.pk} ({ballot.title}): {status}")
        ok = ok and check.ok
    return 0 if ok else 1
