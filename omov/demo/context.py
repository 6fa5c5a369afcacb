"""What the parts of the demo share: the organisation's slug, the demo member, and the `DemoContext` that the
organisation-and-ballots part hands to the parts that seed nominations and member voice."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEMO_SLUG = "demo"
DEMO_MEMBER = "100001"


@dataclass
class DemoContext:
    """What the ballots part of the demo made, handed to the parts that seed nominations and member voice."""

    org: Any  # omov.members.models.Organisation
    admin: Any  # the superuser
    officer: Any  # returning.officer: runs the ballots, and the nominations and moderation in the demo
    scrutineer: Any
    regions: list[Any]  # units of kind region (6)
    constituencies: list[Any]  # 60, 10 a region
    branches: list[Any]  # 120, 2 a constituency
    affiliates: list[Any]  # 3 unions and a society
    rng: random.Random
    now: dt.datetime
    data: Path  # the demo's data folder (.omov)
