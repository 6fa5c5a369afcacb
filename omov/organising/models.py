"""Organising: organisers of units, events and trainings with RSVPs and attendance, courses completed, and
canvassing (elector lists, walk lists, door records) with retention dates.

Canvass data are special-category personal data (political opinions, UK GDPR art. 9): only organisers of the
list's unit (or a unit above it) read them, and each list's personal data are erased at its retention date.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from omov.members.models import Member, Organisation, Unit


class Organiser(models.Model):
    """A user appointed to organise events and canvassing for a unit and the units below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organiser_roles")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="organisers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="organiser_unique")]

    def __str__(self) -> str:
        return f"{self.user} organises {self.unit}"


class Course(models.Model):
    """A training course a member can complete (e.g. "Canvassing basics"); an event may require it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="courses")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="course_code_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """A training session, canvass session, phone bank or meeting of a unit."""

    class Kind(models.TextChoices):
        TRAINING = "training", "training session"
        CANVASS = "canvass", "canvass session"
        PHONE_BANK = "phone_bank", "phone bank"
        MEETING = "meeting", "meeting"

    class Audience(models.TextChoices):
        UNIT = "unit", "members of the unit"
        MEMBERS = "members", "all members"
        PUBLIC = "public", "anyone (public sign-up form)"

    class State(models.TextChoices):
        SCHEDULED = "scheduled"
        CANCELLED = "cancelled"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True, help_text="where it is held (in person)")
    link = models.URLField(blank=True, help_text="the meeting link (online)")
    capacity = models.PositiveIntegerField(default=0, help_text="places; 0 for no limit")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.UNIT)
    teaches = models.ForeignKey(
        Course,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
        help_text="a training: attending it completes this course",
    )
    requires = models.ForeignKey(
        Course,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="required_by",
        help_text="only members who completed this course may join",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.SCHEDULED)
    reminded_at = models.DateTimeField(null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # iCalendar UID, stable across edits
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE: bumped on each change
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def online(self) -> bool:
        return bool(self.link) and not self.place


class Rsvp(models.Model):
    """One person's place at an event: a member, or (public events) someone who signed up with a name and email."""

    class State(models.TextChoices):
        GOING = "going"
        WAITING = "waiting"  # the event was full: first come, first served when a place is given up
        CANCELLED = "cancelled"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="rsvps")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.GOING)
    attended = models.BooleanField(null=True, blank=True)  # None until the organiser marks attendance
    confirmed_at = models.DateTimeField(null=True, blank=True)  # confirmation email sent
    reminded_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)  # the waiting list's order (first come first served)
    promoted_at = models.DateTimeField(null=True, blank=True)  # a place came up and was given to them
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"], condition=models.Q(member__isnull=False), name="rsvp_member_unique"
            ),
            models.UniqueConstraint(
                fields=["event", "email"], condition=models.Q(member__isnull=True), name="rsvp_public_unique"
            ),
        ]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.name} at {self.event}"


class Completion(models.Model):
    """A member completed a course (recorded when an organiser marks them present at a training)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL)
    completed_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "course"], name="completion_unique")]


DEFAULT_SCALE = "Definitely us\nProbably us\nUndecided\nProbably other\nDefinitely other"


class ElectorList(models.Model):
    """Electors of an area, imported from a CSV for a unit's canvassing, kept until `retain_until`."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="elector_lists")
    name = models.CharField(max_length=200)
    retain_until = models.DateField(help_text="personal data are erased after this date; counts remain")
    intention_scale = models.TextField(
        default=DEFAULT_SCALE, help_text="voting-intention answers, one a line, most favourable first"
    )
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def scale(self) -> list[str]:
        return [line.strip() for line in self.intention_scale.splitlines() if line.strip()]


class WalkList(models.Model):
    """The doors of one side of a street (or a whole street), in walking order, for a session or canvasser."""

    class Side(models.TextChoices):
        ODD = "odd"
        EVEN = "even"
        BOTH = "both"

    elector_list = models.ForeignKey(ElectorList, on_delete=models.CASCADE, related_name="walk_lists")
    name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    side = models.CharField(max_length=10, choices=Side.choices, default=Side.BOTH)
    session = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="walk_lists")
    canvasser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="walk_lists"
    )

    class Meta:
        ordering = ["street", "side"]

    def __str__(self) -> str:
        return self.name


class Elector(models.Model):
    """One elector of a list. Erasure blanks the personal fields and keeps the row, so counts stay true."""

    elector_list = models.ForeignKey(ElectorList, on_delete=models.CASCADE, related_name="electors")
    elector_number = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    street = models.CharField(max_length=200, blank=True)
    house = models.CharField(max_length=40, blank=True)  # "12", "12A", "Flat 3, 12"
    polling_district = models.CharField(max_length=20, blank=True)
    walk_list = models.ForeignKey(WalkList, null=True, blank=True, on_delete=models.SET_NULL, related_name="electors")
    position = models.PositiveIntegerField(default=0)
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="set only when an organiser confirms that this elector is this member",
    )
    erased = models.BooleanField(default=False)

    class Meta:
        ordering = ["walk_list", "position", "pk"]

    def __str__(self) -> str:
        return self.name or f"erased elector {self.pk}"


class DoorRecord(models.Model):
    """What happened at one door. `client_id` makes a retried send from the phone's outbox count once."""

    class Outcome(models.TextChoices):
        NOT_IN = "not_in", "not in"
        REFUSED = "refused", "refused"
        SPOKE = "spoke", "spoke"

    elector = models.ForeignKey(Elector, on_delete=models.CASCADE, related_name="door_records")
    walk_list = models.ForeignKey(WalkList, null=True, on_delete=models.SET_NULL, related_name="door_records")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    intention = models.PositiveSmallIntegerField(null=True, blank=True)  # index into the list's scale, 1-based
    issues = models.CharField(max_length=500, blank=True)
    wants_poster = models.BooleanField(default=False)
    wants_to_join = models.BooleanField(default=False)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    client_id = models.UUIDField(unique=True)

    class Meta:
        ordering = ["recorded_at"]


class SignUpForm(models.Model):
    """A public page of a unit: a volunteer sign-up form, or a petition with a target. Anyone may sign it without
    an account; every submission is screened by the moderation pipeline before it is shown or counted."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", "volunteer sign-up form"
        PETITION = "petition", "petition"

    class State(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="signup_forms")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="the petition's text, or what the volunteers sign up for")
    interests = models.TextField(blank=True, help_text="volunteer forms: interests to tick, one a line")
    consent = models.TextField(help_text="the consent wording each person agrees to (kept with their submission)")
    ask_phone = models.BooleanField(default=True)
    offer_join = models.BooleanField(default=True, help_text="ask whether they would like to join")
    target = models.PositiveIntegerField(default=0, help_text="petitions: the number of signatures aimed for")
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def interest_choices(self) -> list[str]:
        return [line.strip() for line in self.interests.splitlines() if line.strip()]


class Submission(models.Model):
    """One person's sign-up or signature. It counts (and becomes a contact) once the moderation pipeline accepted
    it (or an organiser approved it) and, for a petition, once its signer confirmed their email address."""

    class Moderation(models.TextChoices):
        ACCEPTED = "accepted"
        HELD = "held"  # kept for an organiser to review
        SPAM = "spam"  # kept too (an organiser may restore it), never counted or shown

    class JoinState(models.TextChoices):
        NONE = "", "—"
        REQUESTED = "requested", "waiting for the membership officer"
        HANDLED = "handled", "handled by the membership officer"

    form = models.ForeignKey(SignUpForm, on_delete=models.CASCADE, related_name="submissions")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    postcode = models.CharField(max_length=10)
    phone = models.CharField(max_length=30, blank=True)
    interests = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    consent_text = models.TextField()  # the wording they agreed to, as it was then
    moderation = models.CharField(max_length=20, choices=Moderation.choices)
    reasons = models.JSONField(default=list, blank=True)
    join = models.CharField(max_length=20, choices=JoinState.choices, default=JoinState.NONE, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the confirmation link's secret
    ip_key = models.CharField(max_length=64, blank=True)  # a keyed hash of the address (flood screening), not the IP
    created_at = models.DateTimeField(db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)
    erased = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "email"], name="submission_email_unique")]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name or f"erased submission {self.pk}"

    @property
    def counts(self) -> bool:
        return self.moderation == self.Moderation.ACCEPTED and self.confirmed_at is not None and not self.erased
