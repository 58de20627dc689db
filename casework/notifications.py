"""The kinds of notification casework sends (declared in socialwork.notifications)."""

from django.utils.translation import gettext_lazy as _

from socialwork.notifications import notification_kind

CASEWORK = notification_kind("casework", label=_("My cases: assignments, plans, closings and transfers"))
INTAKE_PROBE = notification_kind(
    "casework_intake_probe", label=_("Someone looked up a client of mine at intake")
)
ACCESS_REQUEST = notification_kind("casework_access_request", label=_("Requests to read a case"))
ACCESS_GRANT = notification_kind(
    "casework_access_grant", label=_("Access to a case granted, refused or ended")
)
CASE_ASSIGNED = notification_kind("casework_case_assigned", label=_("A case was assigned to me"))
TRANSFER_DECIDED = notification_kind(
    "casework_transfer_decided", label=_("A transfer I asked for was accepted or declined")
)
SUBJECT_REQUEST = notification_kind(
    "casework_subject_request",
    label=_("Personal information requests: registered, assigned to me, answered or refused"),
)
LABEL = notification_kind(
    "casework_label", label=_("A case or client of mine was labelled sensitive or unlabelled")
)
BREAK_GLASS = notification_kind(
    "casework_break_glass", label=_("Someone opened a labelled case in an emergency (break-glass)")
)
MERGE = notification_kind(
    "casework_merge", label=_("Client records merged: proposed, approved, rejected or undone")
)
FIELD_CONFLICT = notification_kind(
    "casework_field_conflict", label=_("A change of mine met another person's edit, and they chose")
)
