"""Organisations, units (a tree: region → constituency → branch; affiliates beside it) and members."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from omov.members.emails import normalise_email


class Organisation(models.Model):
    """A membership organisation: the root of its units, members and ballots."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(
        max_length=60, default="Europe/London", help_text="an IANA time zone: ballots' timetables are shown in it"
    )

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of the organisation's tree. `path` is the chain of ids from the root ("/3/17/42/") so that
    "this unit and everything under it" is one indexed prefix query."""

    class Kind(models.TextChoices):
        NATION = "nation", "nation"
        REGION = "region", "region"
        CONSTITUENCY = "constituency", "constituency party"
        BRANCH = "branch", "branch"
        AFFILIATE = "affiliate", "affiliate"

    class AffiliateKind(models.TextChoices):
        NONE = "", "-"
        UNION = "union", "trade union"
        SOCIETY = "society", "socialist society"
        OTHER = "other", "other"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(max_length=50, help_text="short unique code, used by the CSV import")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=500, db_index=True, editable=False, default="")
    affiliate_kind = models.CharField(max_length=20, choices=AffiliateKind.choices, blank=True, default="")
    affiliated_members = models.PositiveIntegerField(
        default=0, help_text="an affiliate's affiliated membership (for thresholds such as 5% of it)"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="unit_code_unique")]
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Member(models.Model):
    """One member (or registered/affiliated supporter) of an organisation."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        LAPSED = "lapsed"
        SUSPENDED = "suspended"

    class Category(models.TextChoices):
        MEMBER = "member"
        REGISTERED_SUPPORTER = "registered_supporter", "registered supporter"
        AFFILIATED_SUPPORTER = "affiliated_supporter", "affiliated supporter"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    membership_number = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, db_index=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members")
    joined_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    category = models.CharField(max_length=30, choices=Category.choices, default=Category.MEMBER)
    arrears = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    gender = models.CharField(
        max_length=50, blank=True, help_text="self-described; used only to apply a ballot's balance rules"
    )
    postal = models.BooleanField(default=False, help_text="receives ballot credentials by post, not email")
    # Where a credential letter goes: the lines above the postcode, one a line (house, street, town).
    address = models.TextField(blank=True, help_text="postal address lines, one a line, without the postcode")
    postcode = models.CharField(max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "membership_number"], name="membership_number_unique")
        ]
        indexes = [models.Index(fields=["organisation", "status"])]
        ordering = ["membership_number"]

    def __str__(self) -> str:
        return f"{self.name} ({self.membership_number})"

    def clean(self) -> None:
        # The admin's form: store the address in the form sign-in matches (omov/members/emails.py).
        self.email = normalise_email(self.email)

    @property
    def address_lines(self) -> list[str]:
        """The postal address as printed on a letter: its lines, then the postcode ([] when there is none)."""
        lines = [line.strip() for line in self.address.splitlines() if line.strip()]
        return [*lines, self.postcode] if self.postcode else lines

    @property
    def in_arrears(self) -> bool:
        return self.arrears > 0


class Appointment(models.Model):
    """A person's role in an organisation, for one unit and every unit below it (no unit: the whole organisation).

    An administrator appoints the others; a returning officer creates and runs ballots whose electorate lies in
    their units; a scrutineer observes those ballots; nominations and member-voice officers run those parts."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "administrator"
        RETURNING_OFFICER = "returning_officer", "returning officer"
        SCRUTINEER = "scrutineer", "scrutineer"
        NOMINATIONS_OFFICER = "nominations_officer", "nominations officer"
        VOICE_OFFICER = "voice_officer", "member-voice officer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointments")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="appointments")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="appointments",
        help_text="this unit and those below it; none: the whole organisation",
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "unit", "role"], name="appointment_unique"),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], condition=models.Q(unit__isnull=True),
                name="appointment_org_wide_unique",
            ),
        ]
        ordering = ["organisation", "role", "unit__path"]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else self.organisation.name
        return f"{self.user} — {self.get_role_display()}, {where}"
