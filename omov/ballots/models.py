"""Ballots and what hangs off them. Writes go through omov.ballots.services only.

Secrecy by construction: `Paper` has no column that refers to a member, a voter or a credential, no precise
time, and a random id. A voter's row records only *that* they voted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from omov.members.models import Member, Organisation, Unit

RANKED_METHODS = ("irv", "scottish", "ers97", "meek", "wigm")
MARK_METHODS = ("fptp", "bloc", "approval")
METHOD_CHOICES = [(m, m) for m in RANKED_METHODS + MARK_METHODS]


class Ballot(models.Model):
    """One ballot: what is being decided, how it is counted, who may vote, when, and who runs it."""

    class State(models.TextChoices):
        DRAFT = "draft"
        READY = "ready"
        OPEN = "open"
        CLOSED = "closed"
        COUNTED = "counted"
        PUBLISHED = "published"
        CANCELLED = "cancelled"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ballots")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    method = models.CharField(max_length=20, choices=METHOD_CHOICES, help_text="a rule preset of omov.count")
    options = models.JSONField(default=dict, blank=True, help_text="changes to the preset's options")
    seats = models.PositiveIntegerField(default=1)
    max_choices = models.PositiveIntegerField(
        null=True, blank=True, help_text="most candidates a paper may rank or mark (default: method's own)"
    )
    allow_empty = models.BooleanField(default=False, help_text="accept a paper with no preference (abstention)")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    count_when_closed = models.BooleanField(
        default=False,
        help_text="start the count as soon as the ballot closes (at its closing time or by hand); "
        "the result is still published only by a returning officer",
    )
    # Electorate rule, resolved into the roll (Voter rows) when the ballot opens.
    electorate_units = models.ManyToManyField(Unit, blank=True, related_name="+", help_text="none: the whole org")
    electorate_statuses = models.JSONField(default=list, blank=True)
    freeze_date = models.DateField(null=True, blank=True, help_text="members must have joined on or before")
    allow_arrears = models.BooleanField(default=False)
    supporters_allowed = models.BooleanField(default=False)
    returning_officers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="ballots_run")
    scrutineers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="ballots_observed")
    seed = models.CharField(max_length=100, blank=True, help_text="seed for any draw by lot; published")
    cancelled_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # A verifiable ballot (docs/crypto.md §11, docs/record.md §9), chosen while drafting, for any method: papers are
    # encrypted in the voter's device and signed under a credential key; trustees hold the decryption key.
    verifiable = models.BooleanField(
        default=False, help_text="papers encrypted on the voter's device; trustees decrypt"
    )
    credential_mode = models.CharField(
        max_length=10,
        choices=[("server", "server"), ("offline", "offline")],
        default="server",
        help_text="server: the voting token is the credential code; offline: codes made off the server "
        "(`omov credentials generate`), only the public list uploaded",
    )
    trustee_count = models.PositiveSmallIntegerField(default=3, help_text="n, the trustees of a verifiable ballot")
    trustee_threshold = models.PositiveSmallIntegerField(default=2, help_text="t, how many of them must decrypt")
    mix_count = models.PositiveSmallIntegerField(
        default=2, help_text="ranked verifiable ballots: 2 = the server's mix then a trustee's; 1 = the server's only"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def ranked(self) -> bool:
        """Papers rank candidates in order (IRV, STV); otherwise they carry marks (FPTP, bloc, approval)."""
        return self.method in RANKED_METHODS

    @property
    def election_id(self) -> str:
        """E of a verifiable ballot: fixed from its creation, so trustees and `omov credentials generate` can use
        it while it is a draft."""
        return f"omov-ballot-{self.public_id}"

    @property
    def statuses(self) -> list[str]:
        return list(self.electorate_statuses or ["active"])


class Candidate(models.Model):
    """A candidate (or an option such as Yes / No), numbered in ballot-paper order."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="candidates")
    number = models.PositiveIntegerField(help_text="position on the paper, from 1")
    name = models.CharField(max_length=200)
    statement = models.TextField(blank=True)
    gender = models.CharField(max_length=50, blank=True, help_text="self-described; for balance rules only")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn = models.BooleanField(default=False)

    class Meta:
        ordering = ["ballot", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "number"], name="candidate_number_unique"),
            models.UniqueConstraint(fields=["ballot", "name"], name="candidate_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class BalanceRule(models.Model):
    """At least `minimum` (at most `maximum`) of the elected from a group: candidates of the given genders, or
    the candidates listed. Applied inside the count (omov.count.Constraint)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="balance_rules")
    group = models.CharField(max_length=100, help_text="e.g. women")
    minimum = models.PositiveIntegerField(default=0)
    maximum = models.PositiveIntegerField(null=True, blank=True)
    genders = models.JSONField(default=list, blank=True, help_text='e.g. ["woman"]; matched ignoring case')
    candidates = models.ManyToManyField(Candidate, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"at least {self.minimum} {self.group}"


class Voter(models.Model):
    """One line of a ballot's frozen roll. Records only *whether* the member has voted."""

    class Channel(models.TextChoices):
        EMAIL = "email"
        POST = "post"

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    voted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "member"], name="one_voter_per_member")]


class Credential(models.Model):
    """A voter's one-time credential, stored only as a hash; minted when delivered (the token is in the
    message alone), re-minted if a delivery fails, spent by `cast`."""

    class Delivery(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        PRINTED = "printed"
        FAILED = "failed"

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="credentials")
    voter = models.OneToOneField(Voter, on_delete=models.CASCADE, related_name="credential")
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    spent = models.BooleanField(default=False)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    pending_code = models.CharField(
        max_length=40,
        blank=True,
        db_default="",  # the roll's rows are also inserted by SQL (services/roll.py, on PostgreSQL)
        help_text="verifiable ballots in server mode only: the code minted at opening (its public key is on the "
        "published list), kept until it is delivered and then erased",
    )


class Paper(models.Model):
    """A cast paper: canonical bytes, their hash (the tracker code) and its link in the ballot's hash chain.

    No member, voter or credential column; no time; a random id. Never updated or deleted.
    """

    id = models.CharField(max_length=32, primary_key=True, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="papers")
    position = models.BigIntegerField()
    content = models.BinaryField()
    tracker = models.CharField(max_length=64, unique=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "position"], name="paper_position_unique")]
        ordering = ["ballot", "position"]

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("papers cannot be changed once cast")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("papers cannot be deleted")


class Result(models.Model):
    """The outcome of a count: stored when counted, visible to all once published."""

    ballot = models.OneToOneField(Ballot, on_delete=models.CASCADE, related_name="result")
    rule = models.CharField(max_length=50)
    seed = models.CharField(max_length=100)
    elected = models.JSONField(default=list)
    papers = models.PositiveIntegerField()
    roll = models.PositiveIntegerField()
    sheet_json = models.TextField(help_text="the count sheet as rendered by omov.count (JSON)")
    sheet_html = models.TextField(blank=True)
    sheet_csv = models.TextField(blank=True)
    blt = models.TextField(help_text="the anonymised papers as a BLT file, for anyone to recount")
    counted_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    @property
    def turnout(self) -> float:
        """Papers cast as a share of the roll (0..1)."""
        return self.papers / self.roll if self.roll else 0.0


# The tables only a verifiable ballot uses (omov/ballots/verifiable/models.py), registered with this app.
from omov.ballots.verifiable.models import (  # noqa: E402
    BoardComponent,
    CredentialKey,
    DecryptionInput,
    Election,
    Mix,
    PartialDecryption,
    SpoiledTracker,
    Trustee,
)

__all__ = [
    "MARK_METHODS",
    "METHOD_CHOICES",
    "RANKED_METHODS",
    "BalanceRule",
    "Ballot",
    "BoardComponent",
    "Candidate",
    "Credential",
    "CredentialKey",
    "DecryptionInput",
    "Election",
    "Mix",
    "Paper",
    "PartialDecryption",
    "Result",
    "SpoiledTracker",
    "Trustee",
    "Voter",
]
