"""Erasure of canvass data: a whole list at its retention date (by the scheduler), one contact on request, and
linking a contact to a member only when an organiser confirms it.

Erasing blanks an elector's name, number, address and house, and the free text of their door records; the row,
its walk list and its outcomes stay without anyone's identity, so contact rates and totals remain true."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from omov.audit.services import record
from omov.members.models import Member
from omov.organising.errors import InvalidInput, WrongState
from omov.organising.models import DoorRecord, Elector, ElectorList
from omov.organising.services._common import require_organiser

_BLANK = {"elector_number": "", "name": "", "address": "", "house": "", "member": None, "erased": True}


def _erase(electors: Any) -> int:
    DoorRecord.objects.filter(elector__in=electors).update(issues="")
    return int(electors.update(**_BLANK))


@transaction.atomic
def erase_expired_lists(*, actor: Any, today: dt.date | None = None) -> int:
    """Erase the personal data of every list whose retention date has passed; how many lists. Run daily."""
    require_organiser(actor, None, "erase expired lists")
    today = today or timezone.localdate()
    erased = 0
    for elector_list in ElectorList.objects.select_for_update().filter(retain_until__lt=today, erased_at__isnull=True):
        count = _erase(elector_list.electors.all())
        elector_list.erased_at = timezone.now()
        elector_list.save(update_fields=["erased_at"])
        record(
            actor=actor,
            action="organising.list.erase",
            subject=f"elector-list:{elector_list.pk}",
            details={"electors": count, "retain_until": elector_list.retain_until.isoformat()},
        )
        erased += 1
    return erased


@transaction.atomic
def erase_contact(*, elector: Elector, actor: Any, reason: str = "request") -> Elector:
    """Erase one contact (a request to erase under UK GDPR art. 17). Cannot be undone."""
    require_organiser(actor, elector.elector_list.unit, "erase contacts")
    if elector.erased:
        raise WrongState("this contact was already erased")
    _erase(Elector.objects.filter(pk=elector.pk))
    record(
        actor=actor,
        action="organising.contact.erase",
        subject=f"elector-list:{elector.elector_list_id}",
        details={"elector": elector.pk, "reason": reason[:200]},
    )
    elector.refresh_from_db()
    return elector


@transaction.atomic
def confirm_contact_is_member(*, elector: Elector, member: Member, actor: Any) -> Elector:
    """Link a contact to a member: only when an organiser confirms they are the same person (never guessed)."""
    require_organiser(actor, elector.elector_list.unit, "link contacts to members")
    if elector.erased:
        raise WrongState("this contact was erased")
    if member.organisation_id != elector.elector_list.unit.organisation_id:
        raise InvalidInput("the member belongs to another organisation")
    elector.member = member
    elector.save(update_fields=["member"])
    record(
        actor=actor,
        action="organising.contact.link",
        subject=f"elector-list:{elector.elector_list_id}",
        details={"elector": elector.pk, "member": member.pk},
    )
    return elector
