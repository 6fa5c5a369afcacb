"""Every write to ballots, one module a state machine; import them from here.

- `setup`: a draft's details, candidates, balance rules, electorate and officers; marking it ready.
- `lifecycle`: opening (as a job), closing, cancelling; `roll`: freezing the voter roll at the opening.
- `credentials`: one-time credentials by email and letter, reissues; `reminders`: once a day, to non-voters.
- `cast`: the one function that writes papers.
- `notices`: telling the voters on the roll that a ballot is cancelled (the job `cancel_ballot` queues).
- `results`: counting (as a job) and publishing.

Conventions: keyword-only arguments; each function is one transaction and appends to the audit log (casting
excepted: a cast is recorded only in the ballot's hash-chained list of papers, never against a member).
`actor` is a Django user (checked: a returning officer of the ballot, or a superuser) or, for trusted callers
(the CLI, background jobs), a string naming them, e.g. "cli". Reads live in `omov.ballots.selectors`, the
permission predicates in `omov.ballots.permissions`; both are re-exported here for callers that predate the split.

States: draft → ready → open → closed → counted → published; draft/ready/open/closed/counted → cancelled.
"""

from omov.ballots.permissions import is_observer, is_officer, is_visible
from omov.ballots.selectors import max_choices_for, profile_for, readiness_problems, rule_for
from omov.ballots.services.cast import Receipt, cast
from omov.ballots.services.credentials import Delivery, Letter, print_letters, reissue_credential, send_credentials
from omov.ballots.services.lifecycle import cancel_ballot, close_ballot, open_ballot, start_opening
from omov.ballots.services.notices import send_cancellation_notices
from omov.ballots.services.reminders import send_reminders, start_reminders
from omov.ballots.services.results import count_ballot, publish_result, start_count
from omov.ballots.services.setup import (
    EDITABLE_FIELDS,
    add_balance_rule,
    add_candidate,
    appoint_returning_officer,
    appoint_scrutineer,
    check_timetable,
    copy_ballot,
    create_ballot,
    mark_ready,
    move_candidate,
    remove_balance_rule,
    remove_candidate,
    remove_returning_officer,
    remove_scrutineer,
    return_to_draft,
    set_electorate,
    update_ballot,
    update_candidate,
    users_for_officers,
    withdraw_candidate,
)

__all__ = [
    "EDITABLE_FIELDS",
    "Delivery",
    "Letter",
    "Receipt",
    "add_balance_rule",
    "add_candidate",
    "appoint_returning_officer",
    "appoint_scrutineer",
    "cancel_ballot",
    "cast",
    "check_timetable",
    "close_ballot",
    "copy_ballot",
    "count_ballot",
    "create_ballot",
    "is_observer",
    "is_officer",
    "is_visible",
    "mark_ready",
    "max_choices_for",
    "move_candidate",
    "open_ballot",
    "print_letters",
    "profile_for",
    "publish_result",
    "readiness_problems",
    "reissue_credential",
    "remove_balance_rule",
    "remove_candidate",
    "remove_returning_officer",
    "remove_scrutineer",
    "return_to_draft",
    "rule_for",
    "send_cancellation_notices",
    "send_credentials",
    "send_reminders",
    "set_electorate",
    "start_count",
    "start_opening",
    "start_reminders",
    "update_ballot",
    "update_candidate",
    "users_for_officers",
    "withdraw_candidate",
]
