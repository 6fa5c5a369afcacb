"""The demo's organising: two trainings, a public meeting, canvass sessions with walk lists and recorded doors.

Everything goes through `omov.organising.services`: the administrator appoints the returning officer organiser of
the demo member's region; the officer creates the courses and events, imports a made-up electoral register of one
constituency (no real person's data), cuts it into walk lists and gives them to the canvass sessions; members
RSVP as themselves; trained canvassers record doors as themselves.

The first training is on today and its attendance is marked, so its members have completed "Canvassing basics"
and may join the canvass sessions (which require it). Left for the demo member: RSVP to the next training, then
(once marked present) to a canvass. Left for the officer: mark attendance at the next training, record doors
on the walk lists still untouched, and the erasure of a contact on request (/organising/lists/<id>/).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.test.utils import override_settings

if TYPE_CHECKING:
    from omov.demo.context import DemoContext

STREETS = ["High Street", "Station Road", "Mill Lane", "Church View"]
FIRST = ["Alex", "Sam", "Jo", "Priya", "Tom", "Aisha", "Huw", "Mei", "Olu", "Kate", "Ravi", "Nia", "Dev", "Ella"]
LAST = ["Hughes", "Khan", "Morgan", "Patel", "Evans", "Okafor", "Li", "Price", "Shah", "Jones", "Reid", "Doyle"]


def seed_organising(ctx: DemoContext) -> list[str]:
    """Seed organising in the demo member's region and return lines for the demo's printed summary."""
    mail = ctx.data / "demo-mail"
    # RSVP confirmations are emailed; in the demo they go to files, like the moderation emails.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail)):
        return _seed(ctx)


def _seed(ctx: DemoContext) -> list[str]:
    from omov.demo.context import DEMO_MEMBER
    from omov.members.models import Member
    from omov.members.services import user_for_member
    from omov.organising import services as os_
    from omov.organising.models import Event

    rng, now, org, officer = ctx.rng, ctx.now, ctx.org, ctx.officer
    demo = Member.objects.select_related("unit").get(organisation=org, membership_number=DEMO_MEMBER)
    region = next((r for r in ctx.regions if demo.unit.path.startswith(r.path)), ctx.regions[0])
    constituency = next((c for c in ctx.constituencies if demo.unit.path.startswith(c.path)), ctx.constituencies[0])
    os_.appoint_organiser(user=officer, unit=region, actor=ctx.admin)
    canvassing = os_.create_course(
        organisation=org,
        code="canvassing",
        name="Canvassing basics",
        description="Knocking on doors safely, the voting-intention scale, and recording what people say.",
        actor=officer,
    )
    phones = os_.create_course(organisation=org, code="phone-banking", name="Phone banking", actor=officer)
    day = now.replace(hour=10, minute=0, second=0, microsecond=0)

    def event(**kw: Any) -> Any:
        return os_.create_event(unit=constituency, actor=officer, **kw)

    today = event(
        kind=Event.Kind.TRAINING, title="Canvassing basics (today)", teaches=canvassing, capacity=20,
        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=3),
        place=f"{constituency.name} office, meeting room", audience=Event.Audience.MEMBERS,
        description="Bring comfortable shoes. Tea provided.",
    )  # fmt: skip
    event(
        kind=Event.Kind.TRAINING, title="Canvassing basics", teaches=canvassing, capacity=12,
        starts_at=day + dt.timedelta(days=6, hours=8), ends_at=day + dt.timedelta(days=6, hours=10),
        link="https://meet.example.org/canvassing-basics", audience=Event.Audience.MEMBERS,
        description="The same course online, for those who missed the first.",
    )  # fmt: skip
    event(
        kind=Event.Kind.TRAINING, title="Phone banking for beginners", teaches=phones, capacity=15,
        starts_at=day + dt.timedelta(days=9, hours=9), ends_at=day + dt.timedelta(days=9, hours=10, minutes=30),
        link="https://meet.example.org/phones",
    )  # fmt: skip
    event(
        kind=Event.Kind.MEETING, title="Open meeting: the future of our buses", audience=Event.Audience.PUBLIC,
        starts_at=day + dt.timedelta(days=12, hours=9), ends_at=day + dt.timedelta(days=12, hours=11),
        place="Central Library, Lecture Theatre", capacity=80,
    )  # fmt: skip
    sessions = [
        event(
            kind=Event.Kind.CANVASS,
            title=f"{label} canvass",
            requires=canvassing,
            capacity=10,
            starts_at=day + dt.timedelta(days=offset),
            ends_at=day + dt.timedelta(days=offset, hours=3),
            place=f"Meet outside {constituency.name} station",
        )  # fmt: skip
        for label, offset in (("Saturday", 2), ("Sunday", 3))
    ]

    pool = list(Member.objects.filter(organisation=org, status="active", unit__path__startswith=constituency.path)
                .exclude(pk=demo.pk).order_by("pk")[:40])  # fmt: skip
    trainees = rng.sample(pool, min(len(pool), 8))
    places = [os_.rsvp(event=today, member=m, actor=user_for_member(member=m)) for m in trainees]
    present = {p.pk for p in places[: max(1, len(places) - 2)]}  # two did not come
    os_.mark_attendance(event=today, present=present, actor=officer)
    trained = [p.member for p in places if p.pk in present]
    for i, m in enumerate(trained):
        os_.rsvp(event=sessions[i % 2], member=m, actor=user_for_member(member=m))

    elector_list = os_.import_electors(
        unit=constituency,
        name=f"{constituency.name}: register extract (made up)",
        csv_text=_register(rng),
        retain_until=(now + dt.timedelta(days=180)).date(),
        actor=officer,
    )
    walks = os_.cut_walk_lists(elector_list=elector_list, actor=officer)
    for i, walk in enumerate(walks[:4]):
        canvasser = user_for_member(member=trained[i % len(trained)]) if trained else None
        os_.assign_walk_list(walk_list=walk, session=sessions[i % 2], canvasser=canvasser, actor=officer)
    doors = 0
    scale = len(elector_list.scale)
    for walk in walks[:3]:  # three walk lists canvassed, the rest waiting
        actor = walk.canvasser or officer
        for elector in walk.electors.order_by("position"):
            roll = rng.random()
            outcome = "not_in" if roll < 0.45 else "refused" if roll < 0.55 else "spoke"
            spoke = outcome == "spoke"
            os_.record_door(
                walk_list=walk, elector=elector, outcome=outcome, actor=actor,
                client_id=uuid.UUID(int=rng.getrandbits(128)),  # reproducible, like everything the demo seeds
                intention=rng.randint(1, scale) if spoke else None,
                issues=rng.choice(["", "", "buses", "potholes", "rents", "GP waiting times"]) if spoke else "",
                wants_poster=spoke and rng.random() < 0.2, wants_to_join=spoke and rng.random() < 0.05,
            )  # fmt: skip
            doors += 1
    forms_line = _forms(ctx, constituency, officer)
    return [
        forms_line,
        f"Organising ({constituency.name}): 3 trainings (one today with {len(present)} present, who may now "
        f"canvass), a public meeting, 2 canvass sessions; {elector_list.electors.count()} made-up electors in "
        f"{len(walks)} walk lists, {doors} doors recorded: /organising/lists/{elector_list.pk}/ "
        "(the returning officer organises the region).",
    ]


PETITION_REASONS = [
    "",
    "",
    "",
    "I take the 7 to work every day.",
    "My mum can't get to the hospital without it.",
    "Buses are how our kids get to school.",
    "",
    "Cutting it would put more cars on the road.",
]


def _forms(ctx: DemoContext, constituency: Any, officer: Any) -> str:
    """A petition with signatures over the last fortnight (most confirmed, a few not yet, one held by the spam
    screening for the officer to review) and a volunteer sign-up form with a few sign-ups and a join request."""
    from omov.core.actors import ANONYMOUS
    from omov.organising import services as os_

    rng, now = ctx.rng, ctx.now
    petition = os_.create_form(
        unit=constituency, kind="petition", title="Save the number 7 bus",
        text="The county plans to cut the number 7 bus after 7 pm and on Sundays. We call on the council to keep "
        "the full timetable: people rely on it to get to work, to school and to the hospital.",
        target=250, actor=officer,
    )  # fmt: skip
    signed = 0
    for i in range(90):
        when = now - dt.timedelta(days=14) + dt.timedelta(hours=i * 3.5 + rng.random())
        sub = os_.submit(
            form=petition, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", email=f"signer{i}@example.org",
            postcode=f"DT{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}",
            message=rng.choice(PETITION_REASONS), consent=True, actor=ANONYMOUS, user_ip=f"203.0.113.{i}", now=when,
        )  # fmt: skip
        if i % 11 != 5:  # most follow the link in the email; a few have not yet
            os_.confirm_submission(token=str(sub.token), actor=ANONYMOUS, now=when + dt.timedelta(minutes=20))
            signed += 1
    os_.submit(
        form=petition, name="Best Deals", email="deals@spam.example", postcode="DT1 1AA", consent=True,
        message="CHEAP loans!!! http://loans.example/a http://loans.example/b http://loans.example/c click now",
        actor=ANONYMOUS, user_ip="198.51.100.99",
    )  # fmt: skip
    volunteers = os_.create_form(
        unit=constituency, kind="volunteer", title=f"Volunteer in {constituency.name}",
        text="Help us talk to every household before the council elections: knock on doors, deliver leaflets, "
        "or make calls from home.",
        interests="Canvassing\nDelivering leaflets\nPhone banking\nPutting up a poster", actor=officer,
    )  # fmt: skip
    for i in range(6):
        os_.submit(
            form=volunteers, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", email=f"volunteer{i}@example.org",
            postcode="DT2 4QR", phone="07700 900" + f"{100 + i}", consent=True, actor=ANONYMOUS,
            interests=rng.sample(volunteers.interest_choices, 2), wants_to_join=i % 3 == 0,
            user_ip=f"192.0.2.{i}",
        )  # fmt: skip
    return (
        f"Petition “{petition.title}”: {signed} confirmed signatures (target {petition.target}): "
        f"/organising/f/{petition.pk}/; a volunteer form with 6 sign-ups: /organising/forms/{volunteers.pk}/."
    )


def _register(rng: Any) -> str:
    """A made-up register extract: four streets, both sides, a few lettered and named houses."""
    lines = ["elector_number,name,address,polling_district"]
    n = 0
    for s, street in enumerate(STREETS):
        for house in range(1, 17 + 4 * s):
            label = f"{house}A" if house % 9 == 0 else str(house)
            for _ in range(rng.choice((1, 1, 2))):
                n += 1
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                lines.append(f'XA{s + 1}-{n},{name},"{label} {street}, Demo Town",XA{s + 1}')
    lines.append(f'XA1-{n + 1},{rng.choice(FIRST)} {rng.choice(LAST)},"Rose Cottage, Mill Lane, Demo Town",XA1')
    return "\n".join(lines) + "\n"
