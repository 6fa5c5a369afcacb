"""A generated organisation for the platform tests (fixed seed): 200 MPs in a PLP, 600 constituencies in 12
regions, 20 affiliates (12 unions, 8 socialist societies) with affiliated-membership sizes.

Totals are fixed so that the thresholds are known: 10% of 200 MPs is 20; 5% of 600 CLPs is 30; the affiliates'
membership adds up to AFFILIATED_TOTAL, so 5% of it is 150,000.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from omov.core.actors import SystemActor

SEED = 20200108
N_MPS, N_CLPS, N_REGIONS = 200, 600, 12
AFFILIATED_TOTAL = 3_000_000


@dataclass
class Dataset:
    org: Any
    officer: Any
    plp: Any
    mps: list[Any] = field(default_factory=list)
    clps: list[Any] = field(default_factory=list)
    unions: list[Any] = field(default_factory=list)
    societies: list[Any] = field(default_factory=list)

    @property
    def affiliates(self) -> list[Any]:
        return self.unions + self.societies


def affiliate_sizes(rng: random.Random) -> list[int]:
    """20 sizes summing to AFFILIATED_TOTAL: 12 unions (large), 8 societies (small)."""
    unions = [rng.randint(50_000, 400_000) for _ in range(12)]
    societies = [rng.randint(500, 20_000) for _ in range(8)]
    scale = (AFFILIATED_TOTAL - sum(societies)) / sum(unions)
    unions = [int(u * scale) for u in unions]
    unions[0] += AFFILIATED_TOTAL - sum(unions) - sum(societies)
    return unions + societies


def make_dataset(seed: int = SEED) -> Dataset:
    from django.contrib.auth import get_user_model

    from omov.members import services as ms
    from omov.nominations import services as ns

    rng = random.Random(seed)
    officer = get_user_model().objects.create_user("gensec", "gs@example.org", is_staff=True, is_superuser=True)
    org = ms.create_organisation(name="Generated Party", slug="generated", actor=SystemActor("setup"))
    plp_unit_parent = ms.create_unit(organisation=org, code="NAT", name="Nation", kind="nation", audit=False)
    regions = [ms.create_unit(organisation=org, code=f"R{r:02d}", name=f"Region {r}", kind="region",
                              parent=plp_unit_parent, audit=False) for r in range(N_REGIONS)]
    data = Dataset(org=org, officer=officer, plp=ns.create_group(organisation=org, code="plp",
                                                                 name="Parliamentary Labour Party",
                                                                 actor=SystemActor("setup")))
    for c in range(N_CLPS):
        data.clps.append(ms.create_unit(organisation=org, code=f"CLP{c:03d}", name=f"Constituency {c}",
                                        kind="constituency", parent=regions[c % N_REGIONS], audit=False))
    for i, size in enumerate(affiliate_sizes(rng)):
        kind = "union" if i < 12 else "society"
        unit = ms.create_unit(organisation=org, code=f"AFF{i:02d}", name=f"{kind.title()} {i}", kind="affiliate",
                              affiliate_kind=kind, affiliated_members=size, audit=False)
        (data.unions if kind == "union" else data.societies).append(unit)
    for m in range(N_MPS):
        clp = data.clps[m * 3]
        mp = ms.create_member(organisation=org, membership_number=f"MP{m:03d}", name=f"MP {m}", unit=clp,
                              joined_on=dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 7000)),
                              gender=rng.choice(["woman", "man"]), audit=False)
        ns.join_group(group=data.plp, member=mp, actor=SystemActor("setup"), on=dt.date(2019, 12, 12), audit=False)
        data.mps.append(mp)
    return data
