"""Every write to organisations, units and members. Keyword-only arguments; one transaction each; audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from omov.audit.models import Job
from omov.audit.services import create_job, record
from omov.core.actors import SYSTEM
from omov.core.jobs import enqueue
from omov.members.addresses import address_problem, clean_address
from omov.members.emails import normalise_email
from omov.members.errors import MemberError
from omov.members.importer import ImportReport, ProgressFn, import_members_csv, is_email
from omov.members.models import Appointment, Member, Organisation, Unit
from omov.members.names import name_problem
from omov.members.permissions import is_org_admin


@transaction.atomic
def create_organisation(*, name: str, slug: str, actor: Any = SYSTEM) -> Organisation:
    """A new organisation."""
    if Organisation.objects.filter(slug=slug).exists():
        raise MemberError(f"an organisation with the short name {slug!r} already exists")
    org = Organisation.objects.create(name=name, slug=slug)
    record(actor=actor, action="organisation.create", subject=f"organisation:{org.pk}", details={"name": name})
    return org


@transaction.atomic
def create_unit(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    affiliate_kind: str = "",
    affiliated_members: int = 0,
    actor: Any = SYSTEM,
    audit: bool = True,
) -> Unit:
    """A new unit under `parent` (or at the top of the tree); affiliates carry a kind and a membership size."""
    if kind not in Unit.Kind.values:
        raise MemberError(f"unknown unit kind {kind!r}; choose one of: {', '.join(Unit.Kind.values)}")
    if parent is not None and parent.organisation_id != organisation.pk:
        raise MemberError("a unit's parent must belong to the same organisation")
    if kind == Unit.Kind.AFFILIATE and affiliate_kind not in {"union", "society", "other"}:
        raise MemberError("an affiliate needs a kind: union, society or other")
    if Unit.objects.filter(organisation=organisation, code=code).exists():
        raise MemberError(f"a unit with code {code!r} already exists")
    unit = Unit.objects.create(
        organisation=organisation,
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        affiliate_kind=affiliate_kind,
        affiliated_members=affiliated_members,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    if audit:
        record(actor=actor, action="unit.create", subject=f"unit:{unit.pk}", details={"code": code, "kind": kind})
    return unit


@transaction.atomic
def create_member(
    *,
    organisation: Organisation,
    membership_number: str,
    name: str,
    unit: Unit,
    joined_on: dt.date,
    email: str = "",
    status: str = Member.Status.ACTIVE,
    category: str = Member.Category.MEMBER,
    arrears: Decimal | int = 0,
    gender: str = "",
    postal: bool = False,
    address: str = "",
    postcode: str = "",
    actor: Any = SYSTEM,
    audit: bool = True,
) -> Member:
    """One new member (the CSV import does the same in bulk)."""
    if problem := address_problem(address, postcode):
        raise MemberError(problem)
    if status not in Member.Status.values:
        raise MemberError(f"unknown status {status!r}; choose one of: {', '.join(Member.Status.values)}")
    for text, what in ((membership_number, "the membership number"), (name, "the member's name"), (gender, "gender")):
        if problem := name_problem(text, what):
            raise MemberError(problem)
    if email and not is_email(email):
        raise MemberError(f"{email!r} is not an email address")
    if unit.organisation_id != organisation.pk:
        raise MemberError("the member's unit belongs to another organisation")
    if Member.objects.filter(organisation=organisation, membership_number=membership_number).exists():
        raise MemberError(f"membership number {membership_number} is already taken")
    member = Member.objects.create(
        organisation=organisation,
        membership_number=membership_number,
        name=name,
        email=normalise_email(email),
        unit=unit,
        joined_on=joined_on,
        status=status,
        category=category,
        arrears=Decimal(arrears),
        gender=gender,
        postal=postal,
        address=clean_address(address),
        postcode=postcode.strip(),
    )
    if audit:
        record(actor=actor, action="member.create", subject=f"member:{member.pk}", details={})
    return member


@transaction.atomic
def set_member_status(*, member: Member, status: str, actor: Any, reason: str = "") -> Member:
    """Change a member's status (active / lapsed / suspended)."""
    if status not in Member.Status.values:
        raise MemberError(f"unknown status {status!r}; choose one of: {', '.join(Member.Status.values)}")
    old = member.status
    member.status = status
    member.save(update_fields=["status"])
    record(
        actor=actor,
        action="member.status",
        subject=f"member:{member.pk}",
        details={"from": old, "to": status, "reason": reason},
    )
    return member


@transaction.atomic
def user_for_member(*, member: Member) -> Any:
    """The Django user a member signs in as (created on first use, with no password: sign-in is by link)."""
    if member.user_id:
        return member.user
    User = get_user_model()
    username = f"m-{member.organisation_id}-{member.membership_number}"
    user, _ = User.objects.get_or_create(username=username, defaults={"email": member.email})
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    member.user = user
    member.save(update_fields=["user"])
    return user


def import_members(
    *,
    organisation: Organisation,
    path: str | Path,
    update: bool = False,
    dry_run: bool = False,
    skip_bad: bool = False,
    actor: Any = SYSTEM,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Import members from a CSV file: all-or-nothing unless `skip_bad`; idempotent (keyed by membership number).

    Without `update`, a row whose membership number exists with different details is a bad row; with it, the
    member is updated. The returned report names every bad row and why. Writes in one transaction.
    """
    report = import_members_csv(
        organisation=organisation, path=Path(path), update=update, dry_run=dry_run, skip_bad=skip_bad, progress=progress
    )
    if report.written:
        record(
            actor=actor,
            action="members.import",
            subject=f"organisation:{organisation.pk}",
            details={"file": Path(path).name, **report.summary()},
        )
    return report


def start_member_import(
    *,
    organisation: Organisation,
    path: str | Path,
    update: bool = False,
    dry_run: bool = False,
    skip_bad: bool = False,
    actor: Any = SYSTEM,
) -> Job:
    """Queue a CSV import as a background job (as the admin does); its Job row reports progress and outcome."""
    job = create_job(kind="import-members", subject=f"organisation:{organisation.pk}", created_by=actor)
    record(
        actor=actor,
        action="members.import.queued",
        subject=f"organisation:{organisation.pk}",
        details={"file": Path(path).name, "job": str(job.pk), "update": update, "dry_run": dry_run},
    )
    enqueue("omov.members.import_members", str(job.pk), organisation.pk, str(path), update, dry_run, skip_bad)
    return job


def _require_org_admin(actor: Any, organisation: Organisation) -> None:
    if not is_org_admin(actor=actor, organisation=organisation):
        raise MemberError(f"only an administrator of {organisation.name} can appoint or remove its officers")


@transaction.atomic
def appoint(*, organisation: Organisation, user: Any, role: str, unit: Unit | None = None, actor: Any) -> Appointment:
    """Give `user` a role in the organisation for `unit` and the units below it (no unit: everywhere).

    Only an organisation administrator may (a superuser, or someone appointed administrator of the whole
    organisation); an administrator's appointment is always organisation-wide. Appointing twice is harmless."""
    _require_org_admin(actor, organisation)
    if role not in Appointment.Role.values:
        raise MemberError(f"unknown role {role!r}; choose one of: {', '.join(Appointment.Role.values)}")
    if unit is not None and unit.organisation_id != organisation.pk:
        raise MemberError("the unit belongs to another organisation")
    if role == Appointment.Role.ADMINISTRATOR and unit is not None:
        raise MemberError("an administrator is appointed for the whole organisation, not one unit")
    if not getattr(user, "is_active", False):
        raise MemberError(f"{user} cannot sign in (the account is inactive)")
    appointment, created = Appointment.objects.get_or_create(
        organisation=organisation, user=user, role=role, unit=unit
    )
    if created:
        record(
            actor=actor,
            action="organisation.appoint",
            subject=f"organisation:{organisation.pk}",
            details={"user": user.get_username(), "role": role, "unit": unit.code if unit else None},
        )
    return appointment


@transaction.atomic
def revoke(*, appointment: Appointment, actor: Any) -> None:
    """End an appointment. An administrator cannot remove their own administrator role (someone else must), so
    that an organisation is never left without one by a slip."""
    organisation = appointment.organisation
    _require_org_admin(actor, organisation)
    if appointment.role == Appointment.Role.ADMINISTRATOR and getattr(actor, "pk", None) == appointment.user_id:
        raise MemberError("you cannot remove your own administrator role; ask another administrator")
    details = {
        "user": appointment.user.get_username(),
        "role": appointment.role,
        "unit": appointment.unit.code if appointment.unit else None,
    }
    Appointment.objects.filter(pk=appointment.pk).delete()
    record(actor=actor, action="organisation.revoke", subject=f"organisation:{organisation.pk}", details=details)


def user_for_email(*, email: str) -> Any:
    """The account to appoint for an address: an existing user with it, else the account of the member with it
    (made on first use, sign-in by link). A MemberError if nobody has the address."""
    User = get_user_model()
    address = normalise_email(email)
    user = User.objects.filter(email__iexact=address, is_active=True).order_by("pk").first()
    if user is not None:
        return user
    member = Member.objects.filter(email=address).order_by("pk").first()
    if member is None:
        raise MemberError(f"nobody with the address {email!r} is known: add them as a member first")
    return user_for_member(member=member)
