"""The demo organisation, seeded through the services as production would be: `omov demo`.

One module a part: `seed` (the organisation, its members and three ballots, then the rest), `nominations` (a
deputy leadership round, trigger ballots, open selections), `voice` (motions, consultations, moderated
discussion); `context` is what they share. The demo sits above the apps and below the Django project: it
imports apps, and `omov.web` imports it (docs/architecture.md).
"""

from omov.demo.context import DEMO_MEMBER, DEMO_SLUG, DemoContext
from omov.demo.seed import demo_accounts, seed

__all__ = ["DEMO_MEMBER", "DEMO_SLUG", "DemoContext", "demo_accounts", "seed"]
