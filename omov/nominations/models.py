"""Nomination rounds, nominating groups, trigger ballots and open selections. Writes go through services only.

Group keys used by rules (see omov.nominations.thresholds): `mp` = members of the round's parliamentary group
(e.g. the PLP), `clp` = constituency units, `branch` = branch units, `affiliate` = affiliate units.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from omov.ballots.models import Ballot
from omov.members.models import Member, Organisation, Unit

# The rule language's group keys for unit nominations, and the unit kind each stands for.
UNIT_GROUPS = {"clp": Unit.Kind.CONSTITUENCY, "branch": Unit.Kind.BRANCH, "affiliate": Unit.Kind.AFFILIATE}
MEMBER_GROUP = "mp"
GROUP_KEYS = (MEMBER_GROUP, *UNIT_GROUPS)


def _day(d: dt.date) -> str:
    """'1 Mar 2026': a date as the pages write it (strftime's %-d is not portable)."""
    return f"{d.day} {d:%b %Y}"


class NominatingGroup(models.Model):
    """A group of members who nominate as individuals, such as the PLP (MPs and, formerly, MEPs)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="nominating_groups")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="nominating_group_code_unique")]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A member's place in a nominating group; `left_on` set when they leave (the row is kept, for the record)."""

    group = models.ForeignKey(NominatingGroup, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "member"], name="group_member_unique")]

    def __str__(self) -> str:
        since = f"since {_day(self.joined_on)}"
        if self.left_on is not None:
            since = f"{_day(self.joined_on)} to {_day(self.left_on)}"
        return f"{self.member} in {self.group} ({since})"


class NominationRound(models.Model):
    """Nominations for a ballot: who may nominate, when, and the ballot-access rule they are measured against."""

    class State(models.TextChoices):
        DRAFT = "draft"
        OPEN = "open"
        CLOSED = "closed"
        CONFIRMED = "confirmed"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="nomination_rounds")
    title = models.CharField(max_length=200)
    rule = models.TextField(help_text="a preset's name (2014, 2016, 2017, 2018, 2021) or a rule expression")
    groups = models.JSONField(default=list, help_text="who may nominate: some of mp, clp, branch, affiliate")
    parliamentary_group = models.ForeignKey(
        NominatingGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="the group whose members nominate as `mp`",
    )
    scope = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="constituencies and branches nominate only from under this unit (none: the whole organisation)",
    )
    ballot = models.ForeignKey(Ballot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    closing_record = models.JSONField(default=dict, blank=True, editable=False,
                                      help_text="sizes and every candidate's working, frozen at the close")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        # Who runs nominations, trigger ballots and selections: given to a user or a group in the administration
        # (superusers have it). Staff status alone is not enough: scrutineers and member-voice officers are staff.
        permissions = [("run_nominations", "Can run nomination rounds, trigger ballots and open selections")]

    def __str__(self) -> str:
        return self.title


class RoundCandidate(models.Model):
    """Someone seeking nomination in a round (and, in an open selection, their place on the long/shortlist)."""

    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    gender = models.CharField(max_length=50, blank=True, help_text="self-described; for balance rules only")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn = models.BooleanField(default=False)
    sitting = models.BooleanField(default=False, help_text="the sitting representative (in an open selection)")
    longlisted = models.BooleanField(default=False)
    shortlisted = models.BooleanField(default=False)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="round_candidate_name_unique")]

    def __str__(self) -> str:
        return self.name


class Nomination(models.Model):
    """One nomination: by a member of the parliamentary group, or by a unit with its meeting's vote."""

    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="nominations")
    candidate = models.ForeignKey(RoundCandidate, on_delete=models.PROTECT, related_name="nominations")
    group = models.CharField(max_length=20)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField()
    made_by = models.CharField(max_length=150)
    meeting_date = models.DateField(null=True, blank=True)
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["made_at", "pk"]
        constraints = [
            # One standing nomination per nominator per round (a withdrawn one frees the nominator).
            models.UniqueConstraint(fields=["round", "member"], condition=models.Q(withdrawn_at__isnull=True,
                                    member__isnull=False), name="one_standing_nomination_per_member"),
            models.UniqueConstraint(fields=["round", "unit"], condition=models.Q(withdrawn_at__isnull=True,
                                    unit__isnull=False), name="one_standing_nomination_per_unit"),
        ]

    def __str__(self) -> str:
        withdrawn = " (withdrawn)" if self.withdrawn_at else ""
        return f"{self.nominator_label} nominates {self.candidate.name}{withdrawn}"

    @property
    def nominator_name(self) -> str:
        return self.member.name if self.member_id else (self.unit.name if self.unit_id else "")

    @property
    def nominator_label(self) -> str:
        """The nominator with what tells two of the same name apart: a membership number or a unit's code."""
        if self.member_id:
            return f"{self.member.name} ({self.member.membership_number})"
        return f"{self.unit.name} ({self.unit.code})" if self.unit_id else ""


class TriggerBallot(models.Model):
    """Branches and affiliates vote, as two groups, to reselect a sitting representative or open the selection."""

    class Base(models.TextChoices):
        VOTING = "voting", "units that vote"
        ALL = "all", "all units of the group"

    class Outcome(models.TextChoices):
        PENDING = "", "pending"
        RESELECTED = "reselected"
        OPEN_SELECTION = "open_selection", "open selection"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="trigger_ballots")
    constituency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    representative = models.CharField(max_length=200)
    representative_member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL,
                                              related_name="+")
    representative_gender = models.CharField(max_length=50, blank=True)
    share = models.CharField(max_length=20, default="1/3", help_text="share of either group that opens it")
    base = models.CharField(max_length=10, choices=Base.choices, default=Base.VOTING)
    affiliates = models.ManyToManyField(Unit, blank=True, related_name="+",
                                        help_text="the affiliates (affiliated branches) of the constituency")
    closes_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING, blank=True,
                               editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_record = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Trigger ballot: {self.representative} ({self.constituency.name})"


class TriggerVote(models.Model):
    """A branch's or affiliate's vote: reselect the representative, or open the selection."""

    class Choice(models.TextChoices):
        RESELECT = "reselect"
        OPEN = "open"

    trigger = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="votes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    votes_reselect = models.PositiveIntegerField(null=True, blank=True)
    votes_open = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trigger", "unit"], name="one_trigger_vote_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name} ({self.unit.code}) votes to {self.choice}"


class OpenSelection(models.Model):
    """A constituency chooses its candidate: nominations → longlist → shortlist → hustings → OMOV ballot."""

    class Stage(models.TextChoices):
        NOMINATIONS = "nominations"
        LONGLIST = "longlist"
        SHORTLIST = "shortlist"
        HUSTINGS = "hustings"
        BALLOT = "ballot"
        PUBLISHED = "published"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="selections")
    constituency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    trigger = models.OneToOneField(TriggerBallot, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="selection")
    round = models.OneToOneField(NominationRound, on_delete=models.PROTECT, related_name="selection")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NOMINATIONS, editable=False)
    women_share = models.CharField(max_length=20, default="1/2",
                                   help_text="least share of women on the shortlist when enough stand")
    women_genders = models.JSONField(default=list, blank=True, help_text='genders counted, e.g. ["woman"]')
    ballot = models.OneToOneField(Ballot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    selected = models.CharField(max_length=200, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class Hustings(models.Model):
    """A meeting where the shortlisted candidates face the members."""

    selection = models.ForeignKey(OpenSelection, on_delete=models.CASCADE, related_name="hustings")
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300)

    class Meta:
        ordering = ["starts_at"]
        verbose_name_plural = "hustings"

    def __str__(self) -> str:
        return f"Hustings, {_day(self.starts_at)} {self.starts_at:%H:%M} UTC, {self.place}"
