"""Browser tests: Playwright's sync API keeps an event loop running in the test thread, and the test itself
uses the ORM (fixtures, checks); Django refuses ORM calls beside a running loop unless told it is safe. It is
here: the test thread and the live server's thread each use their own connection, one call at a time."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
