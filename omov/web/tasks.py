"""Background tasks of the web layer: sending sign-in links.

The sign-in page only counts the request against the rate limits and queues this task, for a known address
and an unknown one alike, so the page answers in the same time whether or not the address belongs to someone
(a lookup and an SMTP conversation inside the request would tell them apart). The task looks the address up
and sends the link, retrying a failed delivery with backoff. With eager jobs (the SQLite demo, the tests) it
runs inside the request, as every job does there.
"""

from __future__ import annotations

import smtplib

from celery import shared_task

SEND_RETRIES = 5


@shared_task(
    name="omov.web.send_signin_link",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=SEND_RETRIES,
)
def send_signin_link_task(email: str, base: str) -> None:
    from omov.web.signin import send_signin_link

    send_signin_link(email=email, base=base)
