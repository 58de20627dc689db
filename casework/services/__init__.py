"""Writes of case records. Import from here: `from casework import services`."""

from .advocacy import (
    advocacy_case_link,
    advocacy_case_unlink,
    advocacy_may_write,
    advocacy_record_response,
    advocacy_save,
    advocacy_submit,
)
from .attachments import attachment_open, attachments_add, attachments_check, consent_sign
from .cases import (
    assessment_record,
    case_assign,
    case_import,
    case_move,
    case_open,
    case_update,
    closing_decide,
    closing_request,
    follow_up_done,
    follow_up_schedule,
    note_add,
    plan_decide,
    plan_save,
    plan_submit,
    referral_add,
    referral_update,
    review_add,
    task_done,
    task_reopen,
    transfer_cancel,
    transfer_decide,
    transfer_request,
)
from .clients import (
    POLICY_FIELDS,
    access_record,
    client_duplicate_check,
    client_import_check,
    client_register,
    client_remove,
    client_update,
    clients_purge,
    consent_date_check,
    id_digest,
    policy_update,
)
from .community import (
    activity_may_write,
    activity_save,
    pairing_end,
    pairing_start,
    volunteer_hours_add,
    volunteer_may_write,
    volunteer_save,
)
from .field import entry_once, home_visit_add
from .followups import (
    evaluation_sample_draw,
    follow_up_after_closing_plan,
    follow_up_record,
    sampled_call_record,
    sampled_client_masked,
    sampled_client_reveal,
)
from .grants import access_decide, access_request, access_revoke, grant_approvers
from .groups import (
    group_create,
    group_evaluate,
    group_may_write,
    group_update,
    member_add,
    member_leave,
    session_attendance_record,
    session_plan,
    session_record,
)
from .labels import (
    break_glass_open,
    case_label_follow_clients,
    case_label_remove,
    case_label_set,
    client_label_remove,
    client_label_set,
)
from .measures import goal_measure_record
from .merges import merge_decide, merge_propose, merge_send, merge_undo, merged_clients_purge
from .subject_requests import (
    deletion_report,
    subject_request_answer,
    subject_request_assign,
    subject_request_close,
    subject_request_copy_record,
    subject_request_policy_update,
    subject_request_refuse,
    subject_request_register,
    working_days_after,
)
from .tallies import served_extend, tallies_rebuild

__all__ = [
    "access_decide", "access_record", "access_request", "access_revoke", "grant_approvers", "assessment_record", "case_assign", "case_import", "case_move", "case_open",
    "case_update", "client_duplicate_check", "client_import_check", "client_register", "client_remove", "client_update", "clients_purge", "closing_decide",
    "closing_request", "consent_date_check", "follow_up_done", "follow_up_schedule", "id_digest", "note_add", "plan_decide", "plan_save",
    "plan_submit", "POLICY_FIELDS", "policy_update", "referral_add", "referral_update", "review_add", "task_done", "task_reopen", "transfer_cancel",
    "transfer_decide", "transfer_request",
]  # fmt: skip
__all__ += [
    "activity_may_write", "activity_save", "advocacy_case_link", "advocacy_case_unlink", "advocacy_may_write",
    "advocacy_record_response", "advocacy_save", "advocacy_submit", "group_create", "group_evaluate",
    "group_may_write", "group_update", "member_add", "member_leave", "pairing_end", "pairing_start",
    "session_plan", "session_record", "volunteer_hours_add", "volunteer_may_write", "volunteer_save",
]  # fmt: skip
__all__ += [
    "deletion_report", "subject_request_answer", "subject_request_assign", "subject_request_close",
    "subject_request_copy_record", "subject_request_policy_update", "subject_request_refuse",
    "subject_request_register", "working_days_after",
]  # fmt: skip
__all__ += [
    "break_glass_open", "case_label_follow_clients", "case_label_remove", "case_label_set", "client_label_remove",
    "client_label_set",
]  # fmt: skip
__all__ += [
    "evaluation_sample_draw", "follow_up_after_closing_plan", "follow_up_record", "sampled_call_record",
    "sampled_client_masked", "sampled_client_reveal",
]  # fmt: skip
__all__ += ["goal_measure_record"]
__all__ += ["merge_decide", "merge_propose", "merge_send", "merge_undo", "merged_clients_purge"]
__all__ += ["attachment_open", "attachments_add", "attachments_check", "consent_sign"]
__all__ += ["entry_once", "home_visit_add", "session_attendance_record"]
__all__ += ["served_extend", "tallies_rebuild"]
