"""The demo's member voice: motions gathering support, an amendment and a composite, two consultations (one open,
one with published results), and discussion threads with comments the moderation pipeline holds.

Everything goes through `omov.voice.services`, acting as the members themselves (each signs in as the user
`user_for_member` gives them), as the returning officer (appointed member-voice officer of every region: they set
thresholds, run the regional consultation, composite motions and moderate), or as the administrator where the
services reserve a thing to superusers (appointing officers, the organisation-wide consultation). Every comment
and free-text answer passes the real moderation pipeline, so what is held depends on what the pipeline holds.

Set in the demo member's region (North for member 100001). Left for the demo member to do: support the motion
on bus travel and its amendment, and answer the regional consultation; they already support the shortlists
motion. Left for the officer: put the qualified motion to a member vote, and decide the comments still waiting in
the moderation queue (/voice/moderation/, or /admin/voice/comment/) and a held free-text answer (/admin/voice/answer/).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.test.utils import override_settings

if TYPE_CHECKING:
    from omov.demo.context import DemoContext
    from omov.members.models import Member, Unit
    from omov.voice.models import Comment, Consultation, Motion, Thread

THRESHOLD_SHARE = Decimal("0.05")  # 5% of the region's members: 23 in the full demo, 2 or 3 at a tenth of it
SUPPORT_DAYS = 28

SHORTLISTS_TITLE = "Publish candidate shortlists two weeks before hustings"
SHORTLISTS_TEXT = (
    "This region notes that in several constituencies members saw the shortlist for a selection only on the "
    "night of the hustings, with no time to read the candidates' statements or to ask them questions.\n\n"
    "This region resolves that every shortlist, with each candidate's statement, is published to all eligible "
    "members at least fourteen days before the first hustings, and asks the regional board to amend the "
    "selection procedures accordingly before the next round of selections."
)
BUSES_TITLE = "Free bus travel for everyone under 22"
BUSES_TEXT = (
    "This region believes that the cost of getting to college, training and a first job keeps young people out "
    "of work, and that a bus pass is the cheapest way to widen their choices.\n\n"
    "It calls on our councillors and our candidate for regional mayor to make free bus travel for everyone "
    "under 22 a manifesto commitment, paid for from the transport levy, and to report back to the next "
    "regional conference on its cost."
)
AMENDMENT_TITLE = "Amendment: include apprentices up to 25"
AMENDMENT_TEXT = (
    'At the end of the second paragraph, after "under 22", insert: "and apprentices up to the age of 25, '
    'whose pay is often below the minimum wage for their age".'
)
HOMES_TITLE = "Council homes on public land"
HOMES_TEXT = (
    "This region calls on our councils to stop selling public land to the highest bidder and to build council "
    "homes for social rent on it instead, starting with the sites already owned by the councils."
)
EMPTY_TITLE = "A register of empty homes"
EMPTY_TEXT = (
    "This region calls on our councils to keep a public register of homes empty for more than a year, and to "
    "use their powers to bring them back into use as homes for local people."
)
COMPOSITE_TITLE = "Composite: council homes and empty homes"
COMPOSITE_TEXT = (
    "This region calls on our councils to build council homes for social rent on public land rather than sell "
    "it, starting with the sites they already own; to keep a public register of homes empty for more than a "
    "year; and to use their powers to bring those homes back into use for local people.\n\n"
    '(Composited by the regional officers from "Council homes on public land" and "A register of empty '
    'homes", with the agreement of both proposers.)'
)

# The regional consultation (open; the demo member has not answered it).
CONFERENCE_TITLE = "Regional conference: format and agenda"
CONFERENCE_DESCRIPTION = (
    "The regional board is planning this year's conference. Tell us where and when you would come, which "
    "sessions you would go to, and which themes the debates should take first."
)
CONFERENCE_QUESTIONS: list[tuple[str, str, list[str], bool]] = [
    (
        "single",
        "Where should the regional conference be held?",
        ["A city-centre venue", "A college campus", "Online only"],
        True,
    ),
    (
        "multiple",
        "Which sessions would you go to?",
        ["Policy workshops", "Candidates' hustings", "Training for new members", "The social evening"],
        False,
    ),
    (
        "ranking",
        "Rank the themes for the conference debates.",
        ["Housing", "Transport", "Health and care", "Jobs and skills", "Climate"],
        False,
    ),
    ("likert", "Conference should be held at a weekend rather than on a weekday evening.", [], False),
    ("text", "Anything else the organisers should know?", [], False),
]
CONFERENCE_TEXTS = [
    "Please keep an online option: I can't travel for a whole weekend.",
    "A creche would let parents take part.",
    "Step-free access to every room, please, and hearing loops.",
    "Shorter speeches and more time for questions from the floor.",
    "Could the hustings be streamed for members who cannot come?",
]
# A free-text answer the pipeline holds (spam): it waits at /admin/voice/answer/ for the officer.
CONFERENCE_SPAM = (
    "Cheap conference hotels and crypto signals, message me on WhatsApp +44 7700 900123, visit http://bit.ly/cheap-deal"
)

# The organisation-wide consultation (closed and published: public results with charts).
MANIFESTO_TITLE = "Manifesto priorities: what should come first?"
MANIFESTO_DESCRIPTION = (
    "The policy commission asked every member which pledges should lead the next manifesto and how it should "
    "be launched. The results below go to the commission's final meeting."
)
PLEDGES = [
    "Build 100,000 council homes a year",
    "Free bus travel for under-22s",
    "A national care service",
    "Insulate every home by 2035",
    "A £15 minimum wage",
]
MANIFESTO_QUESTIONS: list[tuple[str, str, list[str], bool]] = [
    ("ranking", "Rank these pledges in order of priority.", PLEDGES, True),
    ("likert", "The manifesto should make fewer pledges, each fully costed.", [], False),
    (
        "single",
        "How should the manifesto be launched?",
        ["A members' rally", "An online launch", "Launches in every region"],
        False,
    ),
    (
        "multiple",
        "What would you help with during the campaign?",
        ["Door-knocking", "Phone banking", "Leafleting", "Social media", "Giving money"],
        False,
    ),
    ("text", "What is missing from the list of pledges?", [], False),
]
MANIFESTO_TEXTS = [
    "Nothing on mental health services for young people.",
    "Proper funding for libraries and youth clubs.",
    "Votes at sixteen.",
    "A plan for rural broadband and rural buses.",
    "Dental care: there is no NHS dentist taking patients in my town.",
    "Support for small farms in the transition to net zero.",
]

# Discussion of the shortlists motion: (key, author, text, reply to). Authors are roles filled from the region's
# members: "proposer" is the motion's proposer (a councillor, so abuse aimed at them counts by role).
SHORTLISTS_THREAD: list[tuple[str, str, str, str | None]] = [
    (
        "support",
        "a",
        "I support this. Hustings without the shortlist published in advance leave members guessing.",
        None,
    ),
    (
        "tight",
        "b",
        "Fair point, but two weeks is tight for branches that only meet monthly. Could it be three?",
        "support",
    ),
    ("question", "c", "Can the proposer explain how this fits with the national selection rules?", None),
    (
        "answer",
        "proposer",
        "The national rules set a minimum; regions can publish earlier, and the regional board has already agreed "
        "to look at it.",
        "question",
    ),
    ("insult", "d", "You are a clueless idiot and this motion is stupid crap.", None),
    ("cheer", "e", "Hell yes, let's get this done before the next round of selections!", None),
    (
        "spam",
        "f",
        "Limited offer: cheap flights and crypto signals, message me on WhatsApp +44 7700 900123, "
        "visit http://bit.ly/cheap-deal",
        None,
    ),
    ("rubbish", "g", "What a load of rubbish from a useless idiot.", "tight"),
    (
        "snide",
        "h",
        "People like you should never be allowed near a selection panel. Go and join another party.",
        "question",
    ),
    ("thanks", "c", "Thanks, that answers it. I will support.", "answer"),
]
BUSES_THREAD = [
    ("costed", "i", "Has anyone costed this? I would like to see figures before I support it.", None),
    (
        "levy",
        "proposer",
        "The transport authority's own estimate is in the papers for the last regional board; "
        "I will post a summary here.",
        "costed",
    ),
    ("rural", "j", "Rural wards need the buses to exist before a free pass helps anyone.", None),
]
COMPOSITE_THREAD = [
    ("agree", "k", "Good that these were put together: empty homes and new homes are the same argument.", None),
]
CONFERENCE_THREAD = [
    ("creche", "l", "Whatever the venue, please make sure there is a creche.", None),
]
CANDIDATE_THREAD = [
    (
        "hustings",
        "m",
        "Strong statement on housing. I would like to hear more about the plan for private renters.",
        None,
    ),
    ("renters", "n", "Agreed, and on what it means for councils that have already sold their stock.", "hustings"),
]
# The moderator's reasons (the author is emailed the outcome and the reason).
REASON_ABUSE = "Personal abuse of the proposer. Criticise the motion, not the person (discussion guidelines, rule 3)."
REASON_CHEER = "Enthusiasm, not abuse: the classifier reacts to the word 'hell'."


def seed_voice(ctx: DemoContext) -> list[str]:
    """Seed member voice in the demo member's region and return lines for the demo's printed summary."""
    mail = ctx.data / "demo-mail"
    # Moderation decisions email their authors; in the demo these go to files, not into the printed summary.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail)):
        return _seed_voice(ctx, mail)


def _seed_voice(ctx: DemoContext, mail: Any) -> list[str]:
    from omov.demo.context import DEMO_MEMBER
    from omov.members.models import Member
    from omov.members.selectors import eligible_members
    from omov.voice import services as vs

    rng, now, org, officer = ctx.rng, ctx.now, ctx.org, ctx.officer
    demo = Member.objects.select_related("unit").get(organisation=org, membership_number=DEMO_MEMBER)
    region = next((r for r in ctx.regions if demo.unit.path.startswith(r.path)), ctx.regions[0])
    for r in ctx.regions:
        vs.appoint_voice_officer(user=officer, unit=r, actor=ctx.admin)
    vs.set_motion_threshold(unit=region, actor=officer, share=THRESHOLD_SHARE, supporters=0, support_days=SUPPORT_DAYS)
    pool = list(
        eligible_members(organisation=org, units=[region]).exclude(pk=demo.pk).select_related("unit").order_by("pk")
    )
    rng.shuffle(pool)
    cast = _Cast(pool)

    # Motions ---------------------------------------------------------------------------------------------------
    councillor = cast.take("councillor")
    vs.set_public_role(
        member=councillor, role="representative", title=f"Councillor, {councillor.unit.name}", actor=officer
    )
    shortlists = _motion(councillor, region, SHORTLISTS_TITLE, SHORTLISTS_TEXT, now - dt.timedelta(days=12))
    buses_proposer = cast.take("buses")
    buses = _motion(buses_proposer, region, BUSES_TITLE, BUSES_TEXT, now - dt.timedelta(days=6))
    amendment = _motion(
        cast.take("amendment"), region, AMENDMENT_TITLE, AMENDMENT_TEXT, now - dt.timedelta(days=4), amends=buses
    )
    homes = _motion(cast.take("homes"), region, HOMES_TITLE, HOMES_TEXT, now - dt.timedelta(days=20))
    empty = _motion(cast.take("empty"), region, EMPTY_TITLE, EMPTY_TEXT, now - dt.timedelta(days=19))

    threshold = shortlists.threshold
    # Anyone in the region may support (proposers included): one motion passes its threshold, one gets about
    # three fifths of the way, and the demo member supports only the first.
    _support(shortlists, [demo, *rng.sample(pool, min(len(pool), threshold + threshold // 3))], now, rng)
    gathering = max(1, (threshold * 3) // 5) if threshold > 1 else 0
    _support(buses, rng.sample(pool, min(len(pool), gathering)), now, rng)
    _support(amendment, rng.sample(pool, min(len(pool), max(1, threshold // 4))), now, rng)
    for m in (homes, empty):
        _support(m, rng.sample(pool, min(len(pool), max(1, threshold // 3))), now, rng)
    composite = vs.composite_motions(motions=[homes, empty], title=COMPOSITE_TITLE, text=COMPOSITE_TEXT, actor=officer)

    # Consultations ---------------------------------------------------------------------------------------------
    conference = _consultation(
        ctx,
        actor=officer,
        unit=region,
        title=CONFERENCE_TITLE,
        description=CONFERENCE_DESCRIPTION,
        questions=CONFERENCE_QUESTIONS,
        opens_at=now - dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=21),
    )
    n_conference = min(len(pool), max(3, min(60, len(pool) // 4)))
    respondents = rng.sample(pool, n_conference)
    for i, member in enumerate(respondents):
        text = CONFERENCE_SPAM if i == 1 else (CONFERENCE_TEXTS[i // 7 % len(CONFERENCE_TEXTS)] if i % 7 == 0 else "")
        _answer(conference, member, _conference_answers(rng, text), now - dt.timedelta(days=4) + _spread(rng, 4))

    everyone = list(eligible_members(organisation=org).exclude(pk=demo.pk).order_by("pk"))
    manifesto = _consultation(
        ctx,
        actor=ctx.admin,  # organisation-wide: the services reserve it to superusers
        unit=None,
        title=MANIFESTO_TITLE,
        description=MANIFESTO_DESCRIPTION,
        questions=MANIFESTO_QUESTIONS,
        opens_at=now - dt.timedelta(days=45),
        closes_at=now - dt.timedelta(days=15),
    )
    n_manifesto = min(len(everyone), max(5, min(100, len(everyone) // 12)))
    for i, member in enumerate(rng.sample(everyone, n_manifesto)):
        text = MANIFESTO_TEXTS[i // 9 % len(MANIFESTO_TEXTS)] if i % 9 == 0 else ""
        _answer(manifesto, member, _manifesto_answers(rng, text), now - dt.timedelta(days=44) + _spread(rng, 28))
    vs.close_consultation(consultation=manifesto, actor=ctx.admin)
    vs.publish_consultation(consultation=manifesto, actor=ctx.admin)

    # Discussion ------------------------------------------------------------------------------------------------
    cast.fill("proposer", councillor)
    posted = _thread(vs.thread_for_motion(motion=shortlists), SHORTLISTS_THREAD, cast, now - dt.timedelta(days=11), 10)
    # Three members report the polite-sounding put-down the classifier lets through: it goes back to the queue.
    for role in ("r1", "r2", "r3"):
        _report(posted["snide"], cast.take(role), note="Telling a member to leave the party.")
    _report(posted["rubbish"], cast.take("r1"))
    vs.edit_comment(
        comment=posted["support"],
        author=posted["support"].author,
        body=SHORTLISTS_THREAD[0][2] + " Three weeks would be even better, as suggested below.",
        now=now - dt.timedelta(days=9),
    )
    vs.moderate_comment(comment=posted["insult"], actor=officer, decision="reject", reason=REASON_ABUSE, abusive=True)
    posted["cheer"].refresh_from_db()
    if posted["cheer"].status == "held":
        vs.moderate_comment(comment=posted["cheer"], actor=officer, decision="approve", reason=REASON_CHEER)
    cast.fill("proposer", buses_proposer)
    _thread(vs.thread_for_motion(motion=buses), BUSES_THREAD, cast, now - dt.timedelta(days=5), 4)
    _thread(vs.thread_for_motion(motion=composite), COMPOSITE_THREAD, cast, now - dt.timedelta(days=3), 2)
    _thread(vs.thread_for_consultation(consultation=conference), CONFERENCE_THREAD, cast, now - dt.timedelta(days=3), 2)
    candidate = _leader_candidate(org)
    if candidate is not None:
        _thread(vs.thread_for_candidate(candidate=candidate), CANDIDATE_THREAD, cast, now - dt.timedelta(days=2), 1)

    return _summary(
        org=org,
        motions=[shortlists, buses, amendment, composite],
        conference=conference,
        manifesto=manifesto,
        region=region,
        mail=mail,
    )


class _Cast:
    """Hands out distinct members of the region for the parts of the script (a proposer, a commenter...)."""

    def __init__(self, pool: Sequence[Member]) -> None:
        self._pool = list(pool)
        self._next = 0
        self._roles: dict[str, Member] = {}

    def take(self, role: str) -> Member:
        if role not in self._roles:
            # A small demo has few members in a region: roles then share members (cycling through them).
            self._roles[role] = self._pool[self._next % len(self._pool)]
            self._next += 1
        return self._roles[role]

    def fill(self, role: str, member: Member) -> None:
        self._roles[role] = member


def _as_member(member: Member) -> Member:
    """The member, signed up as the user they sign in as, so the audit log names their user (as on the site)."""
    from omov.members.services import user_for_member

    user_for_member(member=member)
    return member


def _spread(rng: random.Random, days: float) -> dt.timedelta:
    return dt.timedelta(seconds=rng.uniform(0, days * 86400))


def _motion(
    proposer: Member, unit: Unit, title: str, text: str, published: dt.datetime, amends: Motion | None = None
) -> Motion:
    from omov.voice import services as vs

    motion = vs.draft_motion(member=_as_member(proposer), unit=unit, title=title, text=text, amends=amends)
    return vs.publish_motion(motion=motion, member=proposer, now=published)


def _support(motion: Motion, members: Sequence[Member], now: dt.datetime, rng: random.Random) -> None:
    """Each member supports the motion, at a time between its publication and now (skipping any who do)."""
    from omov.voice import services as vs
    from omov.voice.models import Support

    already = set(Support.objects.filter(motion=motion).values_list("member_id", flat=True))
    start = motion.published_at or now
    for member in members:
        if member.pk in already:
            continue
        already.add(member.pk)
        at = start + dt.timedelta(seconds=rng.uniform(0, max(1.0, (now - start).total_seconds())))
        vs.support_motion(motion=motion, member=_as_member(member), now=min(at, now))
    motion.refresh_from_db()


def _consultation(
    ctx: DemoContext,
    *,
    actor: Any,
    unit: Unit | None,
    title: str,
    description: str,
    questions: Sequence[tuple[str, str, list[str], bool]],
    opens_at: dt.datetime,
    closes_at: dt.datetime,
) -> Consultation:
    from omov.voice import services as vs

    c = vs.create_consultation(
        organisation=ctx.org,
        title=title,
        actor=actor,
        unit=unit,
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    for kind, text, options, required in questions:
        vs.add_question(consultation=c, actor=actor, kind=kind, text=text, options=options, required=required)
    vs.set_consultation_electorate(consultation=c, actor=actor, units=[unit] if unit is not None else [])
    vs.open_consultation(consultation=c, actor=actor)
    return c


def _answer(consultation: Consultation, member: Member, answers: dict[int, Any], at: dt.datetime) -> None:
    from omov.voice import services as vs

    vs.answer_consultation(consultation=consultation, member=_as_member(member), answers=answers, now=at)


def _ranking(rng: random.Random, weights: Sequence[float], least: int = 1) -> list[int]:
    """A ranking of some options, the popular ones more often first (a weighted draw without replacement)."""
    pool = list(range(len(weights)))
    out: list[int] = []
    for _ in range(rng.randint(least, len(weights))):
        pick = rng.choices(pool, weights=[weights[i] for i in pool])[0]
        out.append(pick)
        pool.remove(pick)
    return out


def _some(rng: random.Random, chances: Sequence[float]) -> list[int]:
    return [i for i, p in enumerate(chances) if rng.random() < p]


def _conference_answers(rng: random.Random, text: str) -> dict[int, Any]:
    return {
        1: rng.choices(range(3), weights=[46, 34, 20])[0],
        2: _some(rng, [0.7, 0.55, 0.3, 0.45]),
        3: _ranking(rng, [34, 22, 18, 14, 12]),
        4: rng.choices(range(5), weights=[8, 14, 18, 36, 24])[0],
        5: text,
    }


def _manifesto_answers(rng: random.Random, text: str) -> dict[int, Any]:
    return {
        1: _ranking(rng, [31, 12, 26, 15, 16], least=2),
        2: rng.choices(range(5), weights=[5, 10, 17, 40, 28])[0],
        3: rng.choices(range(3), weights=[30, 22, 48])[0],
        4: _some(rng, [0.45, 0.2, 0.6, 0.3, 0.25]),
        5: text,
    }


def _thread(
    thread: Thread,
    script: Sequence[tuple[str, str, str, str | None]],
    cast: _Cast,
    start: dt.datetime,
    days: float,
) -> dict[str, Comment]:
    """Post a scripted discussion through the pipeline, one comment every so often from `start`."""
    from omov.voice import services as vs

    posted: dict[str, Comment] = {}
    step = dt.timedelta(days=days) / max(1, len(script))
    for i, (key, role, body, reply_to) in enumerate(script):
        author = _as_member(cast.take(role))
        posted[key] = vs.post_comment(
            thread=thread,
            author=author,
            body=body,
            parent=posted[reply_to] if reply_to else None,
            now=start + step * i + dt.timedelta(minutes=17 * (i % 3)),
        )
    return posted


def _report(comment: Comment, reporter: Member, note: str = "") -> None:
    """A member reports a comment as abusive (not their own: in a very small demo, roles can share members)."""
    from omov.voice import services as vs

    if comment.author_id != reporter.pk:
        vs.report_comment(comment=comment, reporter=_as_member(reporter), reason="abuse", note=note)


def _leader_candidate(org: Any) -> Any:
    """A candidate of the demo's open leadership ballot, whose statement gets a short discussion."""
    from omov.ballots.models import Candidate

    return Candidate.objects.filter(ballot__organisation=org, ballot__title="Leader").order_by("number").last()


def _summary(
    *,
    org: Any,
    motions: Sequence[Motion],
    conference: Consultation,
    manifesto: Consultation,
    region: Unit,
    mail: Any,
) -> list[str]:
    """The lines for the demo's printed summary, counted from what the services stored."""
    from omov.voice.models import Comment, Motion

    shortlists, buses, _, _ = (Motion.objects.get(pk=m.pk) for m in motions)
    comments = Comment.objects.filter(thread__organisation=org)
    waiting = comments.filter(status__in=[Comment.Status.HELD, Comment.Status.SPAM]).count()
    reached = "has reached" if shortlists.state == Motion.State.QUALIFIED else "is still short of"
    return [
        f"Member voice ({region.name} region): 4 motions: one {reached} its support threshold "
        f"({shortlists.supports.count()} of {shortlists.threshold}), one is gathering support "
        f"({buses.supports.count()} of {buses.threshold}) with an amendment, and a composite of two housing motions.",
        f"Consultations: one open ({conference.responses.count()} responses so far; the demo member has not "
        f"answered), one with published results ({manifesto.responses.count()} responses): "
        f"/voice/consultations/{manifesto.pk}/results/.",
        f"Discussion: {comments.count()} comments through the moderation pipeline, {waiting} waiting in the "
        f"moderation queue (/voice/moderation/, also as the member-voice officer), {comments.filter(confirmed_abusive=True).count()} confirmed "
        "abusive; abuse statistics by target at /voice/moderation/abuse/ (the returning officer moderates "
        f"every region). Moderation emails to authors are in {mail}.",
    ]
