"""/healthz: 200 with the database and the queue reported; and the production settings pass check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_healthz_reports_database_and_queue(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["database"]["ok"] is True and body["queue"]["ok"] is True
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}


def test_healthz_reports_a_broken_queue_with_503(client, db):
    from omov.core.celery import app

    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
    assert response.status_code == 503
    assert response.json()["queue"]["ok"] is False


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    # A production-like environment: none of the test run's own settings (OMOV_*, or the async-safety switch
    # that the browser tests set for Playwright's event loop).
    full = {k: v for k, v in os.environ.items() if not k.startswith("OMOV_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full.update(env)
    command = [sys.executable, "-c", "import sys; from omov.cli import main; sys.exit(main(sys.argv[1:]))", *args]
    return subprocess.run(command, capture_output=True, text=True, env=full, timeout=120, cwd=os.getcwd())


@pytest.mark.slow
def test_production_settings_pass_check_deploy(tmp_path):
    result = _run(
        ["manage", "check", "--deploy", "--fail-level", "WARNING"],
        OMOV_SECRET_KEY="x7Qp2vLr9tZs4mNc8bWf1hJd6kYg3eRu5aXo0iSq-production-like-key",
        OMOV_ALLOWED_HOSTS="vote.example.org",
        OMOV_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(["manage", "check"], OMOV_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "OMOV_SECRET_KEY" in result.stderr
