"""Every write of the organising app (re-exported: callers write `from omov.organising import services`)."""

from omov.organising.services.canvass import (
    assign_walk_list,
    cut_walk_lists,
    export_list,
    import_electors,
    record_door,
    split_address,
)
from omov.organising.services.events import (
    appoint_organiser,
    cancel_event,
    cancel_rsvp,
    create_course,
    create_event,
    mark_attendance,
    rsvp,
    send_confirmation,
    send_reminders,
    sign_up,
)
from omov.organising.services.privacy import confirm_contact_is_member, erase_contact, erase_expired_lists

__all__ = [
    "appoint_organiser",
    "assign_walk_list",
    "cancel_event",
    "cancel_rsvp",
    "confirm_contact_is_member",
    "create_course",
    "create_event",
    "cut_walk_lists",
    "erase_contact",
    "erase_expired_lists",
    "export_list",
    "import_electors",
    "mark_attendance",
    "record_door",
    "rsvp",
    "send_confirmation",
    "send_reminders",
    "sign_up",
    "split_address",
]
