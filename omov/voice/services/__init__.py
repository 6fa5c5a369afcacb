"""Every write to member voice, one module a part; import them from here.

- `officers`: member-voice officers, public roles, motion thresholds.
- `motions`: drafting, publishing, support, withdrawal, expiry, composites; `motion_votes`: motions and
  questions put to the members as ballots, and their outcomes.
- `consultations`: questions, electorate, opening to publishing, answers and their moderation.
- `discussion`: threads, comments, reports; `moderation`: the screening pipeline and moderators' decisions.

Conventions: keyword-only arguments; each function checks who acts, writes in one transaction and appends to
the audit log. Reads live in `omov.voice.selectors`, predicates in `omov.voice.permissions` (re-exported here
for callers that predate the split).
"""

from omov.voice.permissions import is_voice_officer, member_in_unit
from omov.voice.selectors import (
    consultation_is_open,
    in_electorate,
    key_hash,
    supporters_needed,
    threshold_rule,
    voice_settings,
)
from omov.voice.services._common import MAX_MOTION, MAX_TEXT_ANSWER, MAX_TITLE
from omov.voice.services.consultations import (
    LIKERT_DEFAULT,
    add_question,
    answer_consultation,
    close_consultation,
    create_consultation,
    moderate_answer,
    open_consultation,
    publish_consultation,
    set_consultation_electorate,
)
from omov.voice.services.discussion import (
    comment_on_candidate,
    edit_comment,
    is_suspended,
    post_comment,
    report_comment,
    thread_for_candidate,
    thread_for_consultation,
    thread_for_motion,
)
from omov.voice.services.moderation import (
    DECISION_TEXT,
    active_spam_model,
    get_pipeline,
    lift_suspension,
    moderate_comment,
    moderation_settings,
    org_decisions,
    request_spam_retrain,
    reset_pipeline,
    retrain_due,
    retrain_due_spam_models,
    retrain_spam_model,
)
from omov.voice.services.motion_votes import (
    position_vote_from_question,
    priorities_ballot,
    put_motion_to_vote,
    record_motion_outcome,
)
from omov.voice.services.motions import (
    close_expired_motions,
    composite_motions,
    draft_motion,
    publish_motion,
    support_motion,
    update_motion,
    withdraw_motion,
    withdraw_support,
)
from omov.voice.services.officers import appoint_voice_officer, set_motion_threshold, set_public_role

__all__ = [
    "DECISION_TEXT",
    "LIKERT_DEFAULT",
    "MAX_MOTION",
    "MAX_TEXT_ANSWER",
    "MAX_TITLE",
    "add_question",
    "answer_consultation",
    "appoint_voice_officer",
    "close_consultation",
    "close_expired_motions",
    "composite_motions",
    "consultation_is_open",
    "create_consultation",
    "draft_motion",
    "edit_comment",
    "get_pipeline",
    "active_spam_model",
    "org_decisions",
    "request_spam_retrain",
    "retrain_due",
    "retrain_due_spam_models",
    "retrain_spam_model",
    "in_electorate",
    "is_suspended",
    "is_voice_officer",
    "lift_suspension",
    "key_hash",
    "member_in_unit",
    "moderate_answer",
    "moderate_comment",
    "moderation_settings",
    "open_consultation",
    "position_vote_from_question",
    "post_comment",
    "priorities_ballot",
    "publish_consultation",
    "publish_motion",
    "put_motion_to_vote",
    "record_motion_outcome",
    "report_comment",
    "reset_pipeline",
    "set_consultation_electorate",
    "set_motion_threshold",
    "set_public_role",
    "support_motion",
    "supporters_needed",
    "comment_on_candidate",
    "thread_for_candidate",
    "thread_for_consultation",
    "thread_for_motion",
    "threshold_rule",
    "update_motion",
    "voice_settings",
    "withdraw_motion",
    "withdraw_support",
]
