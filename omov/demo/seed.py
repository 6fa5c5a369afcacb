"""The demo organisation: 3,000 members in 60 constituencies, three ballots, synthetic votes, one published result.

Everything is created through the services (members through the CSV import), and every synthetic vote is cast
through `cast`, so the demo exercises the same code as production.

Ballots:
- "National Executive Committee — CLP section": 3 seats, Scottish STV, gender-balance rule "at least 2 women"
  (applied inside the count); closed, counted and published.
- "Leader": the alternative vote (irv) over the whole membership; open.
- "Accept the policy report?": Yes/No (fptp), members of the first region only; open.

Then nominations (omov/demo/nominations.py: a deputy leadership round, trigger ballots, open selections;
its "Deputy Leader" ballot is a draft) and member voice (omov/demo/voice.py: motions, consultations,
discussion through the moderation pipeline), from a `DemoContext`.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.utils import timezone

from omov.core.actors import DEMO
from omov.demo.context import DEMO_MEMBER, DEMO_SLUG, DemoContext

REGIONS = ["North", "South", "East", "West", "Midlands", "Scotland"]
FIRST = [
    "Alex",
    "Sam",
    "Jo",
    "Priya",
    "Tom",
    "Aisha",
    "Chris",
    "Fatima",
    "Dan",
    "Grace",
    "Kemi",
    "Liam",
    "Mei",
    "Niall",
    "Olu",
    "Rosa",
    "Sian",
    "Tariq",
    "Una",
    "Yusuf",
]
LAST = [
    "Smith",
    "Jones",
    "Patel",
    "Khan",
    "Williams",
    "Brown",
    "Taylor",
    "Davies",
    "Evans",
    "Ahmed",
    "Wilson",
    "Murphy",
    "Campbell",
    "Hughes",
    "Clarke",
    "Lewis",
]


def seed(*, data: Path, out: TextIO | None = None, members: int = 3000, turnout: float = 0.75) -> str:
    """Create the demo (once: a second run finds it and does nothing). Returns a summary."""
    from django.test.utils import override_settings

    with override_settings(DEBUG=False):  # no query logging while seeding: it halves the time
        return _seed(data=data, out=out, members=members, turnout=turnout)


def _seed(*, data: Path, out: TextIO | None, members: int, turnout: float) -> str:
    from omov.ballots import services as bs
    from omov.ballots.models import Ballot
    from omov.members import services as ms
    from omov.members.models import Organisation

    if Organisation.objects.filter(slug=DEMO_SLUG).exists():
        return "The demo organisation already exists (use --fresh to start again)."
    started = timezone.now()
    rng = random.Random(2026)
    User = get_user_model()
    admin = User.objects.create_superuser("admin", "admin@demo.omov.invalid", None)
    officer = User.objects.create_user("returning.officer", "ro@demo.omov.invalid", is_staff=True)
    scrutineer = User.objects.create_user("scrutineer", "scrutineer@demo.omov.invalid", is_staff=True)
    for user in (admin, officer, scrutineer):
        user.set_unusable_password()
        user.save()
    from django.contrib.auth.models import Permission

    # The demo's returning officer also runs nominations (omov.nominations.services.RUN_PERMISSION).
    run = Permission.objects.get(codename="run_nominations", content_type__app_label="nominations")
    officer.user_permissions.add(run)

    org = ms.create_organisation(name="Demo Party", slug=DEMO_SLUG, actor=DEMO)
    regions, constituencies, branches = [], [], []
    for r, name in enumerate(REGIONS):
        region = ms.create_unit(organisation=org, code=f"R{r + 1}", name=name, kind="region", audit=False)
        regions.append(region)
        for c in range(10):
            cons = ms.create_unit(
                organisation=org,
                code=f"C{r + 1}{c:02d}",
                name=f"{name} {c + 1}",
                kind="constituency",
                parent=region,
                audit=False,
            )
            constituencies.append(cons)
            for b in range(2):
                branches.append(
                    ms.create_unit(
                        organisation=org,
                        code=f"B{r + 1}{c:02d}{b}",
                        name=f"{name} {c + 1} ward {b + 1}",
                        kind="branch",
                        parent=cons,
                        audit=False,
                    )
                )
    affiliates = []
    for code, name, kind, size in [
        ("U1", "Transport Workers", "union", 120000),
        ("U2", "Shop Workers", "union", 90000),
        ("U3", "Teachers", "union", 60000),
        ("S1", "Fabian-style Society", "society", 7000),
    ]:
        affiliate = ms.create_unit(
            organisation=org,
            code=code,
            name=name,
            kind="affiliate",
            affiliate_kind=kind,
            affiliated_members=size,
            audit=False,
        )
        affiliates.append(affiliate)

    path = data / "demo-members.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "membership_number",
                "name",
                "email",
                "unit",
                "joined_on",
                "status",
                "category",
                "arrears",
                "gender",
                "postal",
            ]
        )
        for i in range(members):
            number = str(100001 + i)
            status = "active" if rng.random() < 0.93 else rng.choice(["lapsed", "suspended"])
            w.writerow(
                [
                    number,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    f"member{number}@demo.omov.invalid",
                    branches[i % len(branches)].code,
                    (dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3500))).isoformat(),
                    "active" if number == DEMO_MEMBER else status,
                    "registered_supporter" if rng.random() < 0.05 and number != DEMO_MEMBER else "member",
                    "0" if rng.random() < 0.97 or number == DEMO_MEMBER else "12.00",
                    rng.choice(["woman", "man", "woman", "man", "non-binary", ""]),
                    "yes" if rng.random() < 0.05 else "no",
                ]
            )
    report = ms.import_members(organisation=org, path=path, actor=DEMO)
    assert report.written, report.describe()

    now = timezone.now()
    common = {
        "organisation": org,
        "actor": admin,
        "opens_at": now - dt.timedelta(days=7),
        "closes_at": now + dt.timedelta(days=14),
        "returning_officers": [officer],
    }
    nec = bs.create_ballot(
        title="National Executive Committee — CLP section",
        method="scottish",
        seats=3,
        description="Three seats, single transferable vote. At least two of those elected must be women.",
        **common,
    )
    nec_people = [
        # Invented names: the demo's results are synthetic and must not be read as anyone's real votes.
        ("Amina Shah", "woman"),
        ("Tom Barker", "man"),
        ("Rosa Pennington", "woman"),
        ("Gareth Lloyd", "man"),
        ("Dev Malhotra", "man"),
        ("Sam Okafor", "man"),
        ("Helen Marsh", "woman"),
    ]
    for name, gender in nec_people:
        bs.add_candidate(
            ballot=nec,
            actor=officer,
            name=name,
            gender=gender,
            statement=f"{name.split()[0]} has served the party for many years.",
        )
    bs.add_balance_rule(ballot=nec, actor=officer, group="women", minimum=2, genders=["woman"])
    leader = bs.create_ballot(
        title="Leader",
        method="irv",
        seats=1,
        description="The alternative vote: rank as many candidates as you like.",
        **common,
    )
    for name in ["Keir Example", "Rebecca Sample", "Lisa Placeholder", "Emily Instance"]:
        bs.add_candidate(ballot=leader, actor=officer, name=name, statement=f"{name} for leader.")
    policy = bs.create_ballot(
        title="Accept the policy report?", method="fptp", seats=1, description="Members in the North region.", **common
    )
    for name in ["Yes", "No"]:
        bs.add_candidate(ballot=policy, actor=officer, name=name)
    bs.set_electorate(ballot=policy, actor=officer, units=[regions[0]], freeze_date=now.date())
    bs.appoint_scrutineer(ballot=nec, user=scrutineer, actor=officer)
    _appoint_officers(org=org, admin=admin, officer=officer, scrutineer=scrutineer, north=regions[0])

    cast = 0
    credentials: dict[str, str] = {}
    for ballot, voter in [(nec, _stv_voter), (leader, _irv_voter), (policy, _yes_no_voter)]:
        bs.mark_ready(ballot=ballot, actor=officer)
        bs.open_ballot(ballot=ballot, actor=officer)
        letters = bs.print_letters(ballot=ballot, actor=officer, reprint_failed_email=True)
        n = len(ballot.candidates.all())
        for letter in letters:
            token = _token(letter.text)
            if letter.membership_number == DEMO_MEMBER:
                credentials[ballot.title] = token
                if ballot.pk != nec.pk:
                    continue  # left for you to cast
            elif rng.random() > turnout:
                continue
            bs.cast(credential=token, paper=voter(rng, n))
            cast += 1
    bs.close_ballot(ballot=nec, actor=officer, early=True)
    bs.count_ballot(ballot=nec, actor=officer)
    bs.publish_result(ballot=nec, actor=officer)
    (data / "demo-credentials.txt").write_text(
        "Credentials of the demo member "
        + DEMO_MEMBER
        + " (demo only: real credentials are never stored):\n"
        + "".join(f"  {title}: {token}\n" for title, token in credentials.items())
    )
    result = Ballot.objects.get(pk=nec.pk).result
    ballots = (
        f"3 ballots voted on; {cast} papers cast through `cast`.\n"
        f"Published: {nec.title}: elected {', '.join(result.elected)} "
        f"(turnout {result.papers}/{result.roll}).\n"
        f"Open: {leader.title} (irv), {policy.title} (yes/no).\n"
        f"The demo member's credentials for the open ballots are in {data / 'demo-credentials.txt'}."
    )

    from omov.demo.nominations import seed_nominations
    from omov.demo.organising import seed_organising
    from omov.demo.voice import seed_voice

    ctx = DemoContext(
        org=org,
        admin=admin,
        officer=officer,
        scrutineer=scrutineer,
        regions=regions,
        constituencies=constituencies,
        branches=branches,
        affiliates=affiliates,
        rng=rng,
        now=now,
        data=data,
    )
    from omov.demo.verifiable import seed_verifiable

    more = [*seed_verifiable(ctx), *seed_nominations(ctx), *seed_voice(ctx), *seed_organising(ctx)]
    seconds = (timezone.now() - started).total_seconds()
    return "\n".join([
        f"Demo organisation created in {seconds:.1f}s: {report.created} members, {len(constituencies)} constituencies, "
        f"{len(branches)} branches, 4 affiliates; {ballots}",
        *more,
    ])  # fmt: skip


def _token(text: str) -> str:
    import re

    found = re.search(r"\b(?:[A-Z2-7]{4}-){7}[A-Z2-7]{4}\b", text)
    assert found is not None
    return found.group(0)


def _stv_voter(rng: random.Random, n: int) -> list[int]:
    # Candidates 1 and 2 are popular, 7 (a woman) has a loyal following; transfers run along slates.
    weights = [30, 27, 22, 15, 11, 9, 6][:n]
    order: list[int] = []
    pool = list(range(1, n + 1))
    for _ in range(rng.randint(1, n)):
        pick = rng.choices(pool, weights=[weights[c - 1] for c in pool])[0]
        order.append(pick)
        pool.remove(pick)
    return order


def _irv_voter(rng: random.Random, n: int) -> list[int]:
    first = rng.choices(range(1, n + 1), weights=[38, 31, 19, 12][:n])[0]
    rest = [c for c in range(1, n + 1) if c != first]
    rng.shuffle(rest)
    return [first, *rest[: rng.randint(0, len(rest))]]


def _yes_no_voter(rng: random.Random, n: int) -> list[int]:
    return [1 if rng.random() < 0.62 else 2]


def _appoint_officers(*, org: Any, admin: Any, officer: Any, scrutineer: Any, north: Any) -> None:
    """The demo's roles, appointed by its administrator as on the organisation's officers page: the party's
    returning officer for the whole party (national ballots and every selection's members' ballot; not a
    superuser), a second returning officer for the North region and everything under it only, the scrutineer for
    the whole party, and a nominations officer and a member-voice officer."""
    from omov.members.services import appoint

    User = get_user_model()
    appoint(organisation=org, user=officer, role="returning_officer", actor=admin)
    appoint(organisation=org, user=scrutineer, role="scrutineer", actor=admin)
    for username, email, role, unit in [
        ("north.officer", "north.ro@demo.omov.invalid", "returning_officer", north),
        ("nominations.officer", "nominations@demo.omov.invalid", "nominations_officer", None),
        ("voice.officer", "voice@demo.omov.invalid", "voice_officer", None),
    ]:
        user = User.objects.create_user(username, email)
        user.set_unusable_password()
        user.save()
        appoint(organisation=org, user=user, role=role, unit=unit, actor=admin)


def demo_accounts() -> list[tuple[str, Any]]:
    """The demo's people to sign in as, one a role, each with the Django user to sign in: (who, user)."""
    from omov.members.models import Member
    from omov.members.services import user_for_member

    User = get_user_model()
    member = Member.objects.get(organisation__slug=DEMO_SLUG, membership_number=DEMO_MEMBER)
    people = [
        ("administrator (admin@demo.omov.invalid): appoints the officers", "admin"),
        ("returning officer (ro@demo.omov.invalid): sets up and runs the party's ballots", "returning.officer"),
        ("returning officer for the North region only (north.ro@demo.omov.invalid)", "north.officer"),
        ("scrutineer (scrutineer@demo.omov.invalid): observes every ballot", "scrutineer"),
        ("trustee (trustee.one@demo.omov.invalid): holds a share of the verifiable ballots' key", "trustee.one"),
        ("nominations officer (nominations@demo.omov.invalid)", "nominations.officer"),
        ("member-voice officer (voice@demo.omov.invalid)", "voice.officer"),
    ]
    found = {u.username: u for u in User.objects.filter(username__in=[name for _, name in people])}
    return [
        *[(who, found[name]) for who, name in people if name in found],  # a demo seeded before roles lacks some
        (f"member {member.name} ({member.email})", user_for_member(member=member)),
    ]
