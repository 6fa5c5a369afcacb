"""Member voice: motions and their support, consultations and their (anonymous) responses, discussion threads
and comments, and the moderation records. Writes go through omov.voice.services only.

Secrecy of anonymous consultations by construction (as ballots do it): `Participation` records only *that* a
member answered; `Response` and `Answer` have no column that refers to a member, a user or a participation,
no time, and a random id. A member edits their anonymous response with a random key only they hold (the
database keeps its hash). A named consultation links responses to members in a separate table,
`NamedResponse`, used only when the consultation says responses are named.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from omov.ballots.models import Ballot, Candidate
from omov.members.models import Member, Organisation, Unit


def _random_id() -> str:
    return uuid.uuid4().hex


class VoiceOfficer(models.Model):
    """A user who runs member voice for a unit and the units below it (publishes consultations, moderates
    comments, puts motions to a vote). Superusers are officers everywhere."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voice_roles")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="voice_officers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="voice_officer_unique")]

    def __str__(self) -> str:
        return f"{self.user} for {self.unit}"


class PublicRole(models.Model):
    """A member's public role, for abuse statistics by target: candidate, representative or officer."""

    class Role(models.TextChoices):
        CANDIDATE = "candidate"
        REPRESENTATIVE = "representative"
        OFFICER = "officer"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="public_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(max_length=200, blank=True, help_text="e.g. MP for X, branch secretary")

    def __str__(self) -> str:
        return f"{self.member.name}: {self.role}"


class MotionThreshold(models.Model):
    """How much support a motion in a unit needs to go to a vote: a number, a share of the unit's members, or
    both (the larger applies), and how long support stays open. Data, set per unit by an officer."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="motion_threshold")
    supporters = models.PositiveIntegerField(default=0, help_text="at least this many supporters")
    share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        help_text="at least this share of the unit's members (0.05 = 5%), rounded up",
    )
    support_days = models.PositiveIntegerField(default=28, help_text="days a published motion collects support")

    def __str__(self) -> str:
        return f"{self.unit}: {self.supporters} or {self.share:%}"


class Motion(models.Model):
    """A motion (or an amendment to one, or a composite of several) proposed in a unit."""

    class Kind(models.TextChoices):
        MOTION = "motion"
        AMENDMENT = "amendment"
        COMPOSITE = "composite"

    class State(models.TextChoices):
        DRAFT = "draft"
        SUPPORT = "support", "collecting support"
        QUALIFIED = "qualified", "reached the threshold"
        FELL = "fell", "did not reach the threshold"
        WITHDRAWN = "withdrawn"
        COMPOSITED = "composited", "merged into a composite"
        BALLOT = "ballot", "being voted on"
        DECIDED = "decided"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="motions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="motions")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MOTION)
    title = models.CharField(max_length=200)
    text = models.TextField()
    proposer = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="motions")
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")
    composited_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="composited_from"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    threshold = models.PositiveIntegerField(default=0, help_text="supporters needed; fixed when published")
    published_at = models.DateTimeField(null=True, blank=True)
    support_deadline = models.DateTimeField(null=True, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)
    ballot = models.ForeignKey(Ballot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """One member's support for a motion (at most one each; withdrawn by deleting it, which is audited)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["motion", "member"], name="one_support_per_member")]


class Consultation(models.Model):
    """Questions put to an electorate (the same electorate rule as ballots); answered once, editable until
    the close; results published as charts and CSV."""

    class State(models.TextChoices):
        DRAFT = "draft"
        OPEN = "open"
        CLOSED = "closed"
        PUBLISHED = "published"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consultations")
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
        help_text="the unit running it (for officers' rights); none: national",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    anonymous = models.BooleanField(default=True, help_text="responses cannot be linked to members")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    electorate_units = models.ManyToManyField(Unit, blank=True, related_name="+", help_text="none: the whole org")
    electorate_statuses = models.JSONField(default=list, blank=True)
    freeze_date = models.DateField(null=True, blank=True)
    allow_arrears = models.BooleanField(default=False)
    supporters_allowed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def statuses(self) -> list[str]:
        return list(self.electorate_statuses or ["active"])


class Question(models.Model):
    """One question of a consultation."""

    class Kind(models.TextChoices):
        SINGLE = "single", "single choice"
        MULTIPLE = "multiple", "multiple choice"
        RANKING = "ranking"
        TEXT = "text", "free text"
        LIKERT = "likert", "Likert scale"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    options = models.JSONField(default=list, blank=True, help_text="choices, or for Likert the scale's labels")
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="question_number_unique")]

    def __str__(self) -> str:
        return f"Q{self.number}. {self.text[:60]}"


class Participation(models.Model):
    """That a member has answered a consultation. Nothing else: no time, no link to the response."""

    id = models.CharField(max_length=32, primary_key=True, default=_random_id, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "member"], name="one_response_per_member")]


class Response(models.Model):
    """One response to a consultation: a random id, the hash of the edit key its author holds, no member."""

    id = models.CharField(max_length=32, primary_key=True, default=_random_id, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    key_hash = models.CharField(max_length=64, unique=True)


class NamedResponse(models.Model):
    """Who gave a response — only for consultations whose responses are named (not anonymous)."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="named")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")


class Answer(models.Model):
    """The answer to one question in a response. Free text is published only once moderation accepts it."""

    class TextStatus(models.TextChoices):
        NONE = "", "-"
        PENDING = "pending"
        ACCEPTED = "accepted"
        HELD = "held"
        REJECTED = "rejected"

    id = models.CharField(max_length=32, primary_key=True, default=_random_id, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(help_text="an option index, a list of them (in rank order), a scale point, or text")
    text_status = models.CharField(max_length=10, choices=TextStatus.choices, blank=True, default="")
    moderation = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]


class Thread(models.Model):
    """The discussion of one motion, consultation or candidate's statement."""

    class Kind(models.TextChoices):
        MOTION = "motion"
        CONSULTATION = "consultation"
        CANDIDATE = "candidate", "candidate's statement"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    motion = models.OneToOneField(Motion, null=True, blank=True, on_delete=models.CASCADE, related_name="thread")
    consultation = models.OneToOneField(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    candidate = models.OneToOneField(Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="thread")
    subject_member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the person the thread is about (a candidate, a proposer)",
    )
    subject_role = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """A comment or reply. Shown only when `status` is accepted."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted"
        HELD = "held", "held for review"
        SPAM = "spam"
        REJECTED = "rejected"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="voice_comments")
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices)
    reasons = models.JSONField(default=list, blank=True)
    spam_score = models.FloatField(default=0)
    abuse_score = models.FloatField(default=0)
    # Who the comment is aimed at, for abuse statistics: the member replied to, else the thread's subject.
    target_member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_role = models.CharField(max_length=20, blank=True)
    target_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    held_for_abuse = models.BooleanField(default=False)
    confirmed_abusive = models.BooleanField(default=False)
    reports_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["author", "created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.author.name}: {self.body[:50]}"


class CommentRevision(models.Model):
    """An earlier text of an edited comment (the history; the comment holds the current text)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["comment", "written_at"]


class Report(models.Model):
    """A member's report of a comment, with a reason."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", "abusive or offensive"
        SPAM = "spam"
        OFF_TOPIC = "off-topic", "off topic"
        OTHER = "other"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_member")]


class ModerationDecision(models.Model):
    """An officer's decision on a comment (or on a consultation's free-text answer)."""

    class Decision(models.TextChoices):
        APPROVE = "approve"
        REJECT = "reject"
        SPAM = "spam", "spam"
        NOT_SPAM = "not-spam", "not spam"
        WARN = "warn"
        SUSPEND = "suspend", "suspend posting"

    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField()
    abusive = models.BooleanField(default=False, help_text="the officer confirms the comment is abusive")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    suspended_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class PostingSuspension(models.Model):
    """A member may not post comments until `until`."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="posting_suspensions")
    until = models.DateTimeField()
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)


class SpamFeedback(models.Model):
    """An officer's spam / not-spam decision, learned by the local filter (and sent to Akismet if configured).

    It belongs to the organisation of the comment's discussion (set by the service, never taken from a form):
    only that organisation's spam model learns from it."""

    text = models.TextField()
    spam = models.BooleanField()
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="whose spam model learns this decision (none: a decision recorded before models were per "
        "organisation, and no thread to tell whose; learned by none)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "created_at"], name="spamfeedback_org_time")]


class SpamModel(models.Model):
    """One retraining of an organisation's spam model on its officers' decisions (omov.voice.moderation.adapt):
    a sparse correction of the shipped weights, with how it did on the organisation's most recent decisions,
    held out. `accepted` ones are used (the latest); a refused one is kept to say why it was refused."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(help_text="1, 2, 3, ... per organisation")
    accepted = models.BooleanField(default=False)
    trained_at = models.DateTimeField()
    decisions = models.PositiveIntegerField(help_text="decisions learnt (the held-out ones not counted)")
    spam_decisions = models.PositiveIntegerField(default=0)
    held_out = models.PositiveIntegerField(default=0, help_text="the most recent decisions, kept back to check it")
    base = models.CharField(max_length=64, help_text="sha256 of the shipped model's training set")
    metrics = models.JSONField(default=dict, blank=True)
    correction = models.BinaryField(blank=True, default=b"")
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="spammodel_version_unique"),
        ]

    def __str__(self) -> str:
        return f"spam model {self.version} ({'used' if self.accepted else 'refused'})"
