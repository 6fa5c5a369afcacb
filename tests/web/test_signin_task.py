"""Sign-in links go out through a background job: the page answers alike for known and unknown addresses, and a
failed delivery is retried."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client

from omov.web.tasks import SEND_RETRIES, send_signin_link_task


class FlakyMailServer(EmailBackend):
    """The outbox, behind a mail server that refuses the first `failures` messages (class-level, per test)."""

    failures = 0

    def send_messages(self, messages: Any) -> int:
        if FlakyMailServer.failures > 0:
            FlakyMailServer.failures -= 1
            import smtplib

            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


def test_a_failed_delivery_is_retried_until_the_link_goes_out(client, world, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyMailServer"
    FlakyMailServer.failures = 2
    response = client.post("/signin/", {"email": "m3@example.org"})
    assert response.status_code == 200 and b"Check your email" in response.content
    assert FlakyMailServer.failures == 0 and len(mail.outbox) == 1  # sent at the third attempt
    assert "/signin/" in mail.outbox[0].body


def test_a_mail_server_that_never_answers_costs_the_page_nothing(client, world, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyMailServer"
    FlakyMailServer.failures = SEND_RETRIES + 1  # every attempt fails
    try:
        response = client.post("/signin/", {"email": "m3@example.org"})
    finally:
        left = FlakyMailServer.failures
        FlakyMailServer.failures = 0
    assert response.status_code == 200 and b"Check your email" in response.content
    assert left == 0 and mail.outbox == []  # tried 1 + SEND_RETRIES times, then given up


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_page_only_queues_the_job_and_a_real_worker_sends_the_link(world, redis_broker):
    """With a real broker, the request looks nothing up and sends nothing: a worker does, afterwards."""
    from celery.contrib.testing.worker import start_worker

    known = Client().post("/signin/", {"email": "m3@example.org"})
    unknown = Client().post("/signin/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.content.replace(b"m3@example.org", b"X") == unknown.content.replace(b"nobody@example.org", b"X")
    assert mail.outbox == []  # queued, not sent by the request
    with start_worker(redis_broker, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        deadline = time.monotonic() + 30
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the unknown address's job too
    assert [m.to for m in mail.outbox] == [["m3@example.org"]]
    assert send_signin_link_task.name == "omov.web.send_signin_link"
