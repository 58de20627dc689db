"""Every role against every page and endpoint: who may open what.

The resolver lists every named page and API endpoint; ACCESS says, in one table, which roles may
open each; every role requests every URL on a small district whose records all lie in station A's
place. Allowed means the page or its normal redirect (an empty form post answers 200, 302 or 400);
refused means 403 or 404, and for anonymous people the login page (pages) or 401/403 (API).
Which case a person reaches is tests/casework/test_matrix.py's business, not this file's.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from socialwork.roles import Role
from tests.security.seed import seed

ANONYMOUS, SUPERUSER = "anonymous", "superuser"
R = Role
ROLES = [ANONYMOUS, *Role.values, SUPERUSER]

# Who is who, as sets of role names. The seeded records lie in station A (town A), in its room A
# and its room's post; the station manager sits at station A, the worker in room A, the
# supervisor at the district centre above the stations, organization staff at their organization.
SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}
EVERYONE = frozenset(ROLES)
NOBODY = frozenset()
WIDE = frozenset({R.DISTRICT_ADMIN, R.AUDITOR, SUPERUSER})  # see the whole district
SEES_STATION_A = WIDE | {R.STATION_MANAGER, R.SUPERVISOR}  # whose place holds station A
SEES_ROOM_A = SEES_STATION_A | {R.SOCIAL_WORKER}  # whose place holds room A
DISTRICT = frozenset({R.DISTRICT_ADMIN, SUPERUSER})  # run the district's records
CASE_TEAM = frozenset({R.STATION_MANAGER, R.SOCIAL_WORKER, R.SUPERVISOR})  # on station A's case
# Outside people the district brings in (socialwork.roles.OUTSIDE_ROLES): none of its registers.
OUTSIDE = frozenset({R.EVALUATOR, R.REVIEWER})
# Who writes station A's volunteers and advocacy records: its manager and the worker who made them.
STATION_A_STAFF = frozenset({R.STATION_MANAGER, R.SOCIAL_WORKER})
# Who builds and downloads the seeded project's dossier (reports.dossiers.selectors): the district,
# the manager of the station whose area the project serves, the organization's own staff, and the
# evaluator assigned to the project's evaluation (the dossier is what the evaluation reads).
PROJECT_DOSSIER = WIDE | {R.STATION_MANAGER, R.ORG_STAFF, R.EVALUATOR}


# The third-party evaluator assigned the seeded project's final evaluation: that project (its
# contract, payments, documents) read-only, the evaluation and its scheme; nothing else.
EVALUATOR = frozenset({R.EVALUATOR})
# Who sees the seeded evaluation: whoever sees the project, but the evaluators only their own.
SEES_EVALUATION = SEES_STATION_A | {R.ORG_STAFF, R.EVALUATOR}


@dataclass(frozen=True)
class Rule:
    roles: frozenset
    method: str = "get"


def get(*groups) -> Rule:
    return Rule(frozenset().union(*groups))


def post(*groups) -> Rule:
    """A page or endpoint that only takes a form post: it is posted empty."""
    return Rule(frozenset().union(*groups), "post")


# Lists answer every signed-in person with what their place holds (scoped, possibly empty); a
# record answers only who sees it. For a case-level URL the table says who reaches the case; which
# step each of them may take is casework.workflow's rule, tested in tests/casework
# (test_workflow_doors.py): where an empty post reaches the service, a step not open to a person
# on the seeded case is a 403 for them, and the table names only those it is open to.
ACCESS: dict[str, Rule] = {
    "activity-detail": get(SEES_ROOM_A),
    "activity-list": get(SIGNED_IN),
    "advocacy-detail": get(SEES_ROOM_A),
    "advocacy-list": get(SIGNED_IN),
    "advocacy-respond": post(STATION_A_STAFF),
    "advocacy-submit": post(STATION_A_STAFF),
    "allowance-roll-close": post(DISTRICT),  # the seeded roll is a draft
    "allowance-roll-detail": get(WIDE, {R.STATION_MANAGER}),
    "allowance-roll-generate": post(DISTRICT),
    "allowance-roll-list": get(WIDE, {R.STATION_MANAGER}),
    "annual-report-detail": get(SEES_STATION_A),
    "annual-report-download": get(SEES_STATION_A),
    "annual-report-list": get(SIGNED_IN),
    "dossier-detail": get(PROJECT_DOSSIER),
    "dossier-download": get(PROJECT_DOSSIER),
    "dossier-list": get(SIGNED_IN),
    "statistical-form-list": get(SIGNED_IN),
    "statistical-form-detail": get(WIDE),
    "statistical-return-list": get(SIGNED_IN),
    "statistical-return-detail": get(WIDE),
    "statistical-return-start": post(SIGNED_IN),  # an empty post is a 400 for anyone signed in
    "statistical-return-fill": post(DISTRICT),
    "statistical-return-review": post(DISTRICT),  # its figures missing: a 400
    "statistical-return-submit": post(DISTRICT),
    "statistical-return-send-back": post({SUPERUSER}),  # its comment missing: a 400
    "statistical-return-approve": post(NOBODY),  # a draft is not approved
    "statistical-return-reopen": post({SUPERUSER}),  # its reason missing: a 400
    "award-detail": get(SEES_STATION_A),
    "award-list": get(SIGNED_IN),
    "api-docs": get(SIGNED_IN),
    "api-root": get(SIGNED_IN),
    "figures-list": get(WIDE, {R.STATION_MANAGER}),  # the dashboard's figures
    "api-schema": get(SIGNED_IN),
    "api-logout": post(SIGNED_IN),  # a session, not a token: a 400 that says so
    "api-token": post(EVERYONE),  # signing in: an empty post is a 400 for anyone
    "api-token-detail": get({R.STATION_MANAGER}),  # the seeded token is the manager's
    "api-token-list": get(SIGNED_IN),  # one's own tokens only
    "api_token_revoke": post({R.STATION_MANAGER}),
    "api_tokens": get(SIGNED_IN),
    "appointment-detail": get(SEES_ROOM_A),
    "appointment-end": post(DISTRICT, {R.STATION_MANAGER}),
    "appointment-list": get(SIGNED_IN),
    "assessment-detail": get(SEES_STATION_A),
    "assessment-list": get(SIGNED_IN),
    "assessment-scheme-detail": get(SIGNED_IN),  # the district's published scheme
    "assessment-scheme-list": get(SIGNED_IN),
    "call-detail": get(SIGNED_IN),
    "call-list": get(SIGNED_IN),
    "case-assess": post(CASE_TEAM),
    "case-assign": post(CASE_TEAM),
    "case-cancel-transfer": post(CASE_TEAM),  # none pending: a 400 for whoever reaches the case
    "case-close": post(CASE_TEAM),
    "case-decide-closing": post(CASE_TEAM),
    "case-decide-transfer": post(CASE_TEAM),
    "case-detail": get(CASE_TEAM),
    "case-follow-up-detail": get(CASE_TEAM),
    "case-follow-up-done": post(CASE_TEAM),
    "case-follow-up-list": get(CASE_TEAM),
    "case-list": get(SIGNED_IN),
    "case-move": post(CASE_TEAM),
    "case-home-visit-detail": get(CASE_TEAM),
    "case-home-visit-list": get(CASE_TEAM),
    "case-note-detail": get(CASE_TEAM),
    "case-note-list": get(CASE_TEAM),
    "case-plan-decide": post(CASE_TEAM),
    "case-plan-detail": get(CASE_TEAM),
    "case-plan-list": get(CASE_TEAM),
    "case-plan-submit": post(NOBODY),  # the seeded plan is approved: 403 to its team, 404 to others
    "case-plan-task-done": post(CASE_TEAM),
    "case-plan-measure": post(CASE_TEAM),
    "case-referral-detail": get(CASE_TEAM),
    "case-referral-list": get(CASE_TEAM),
    "case-referral-outcome": post(CASE_TEAM),
    "case-review": post(CASE_TEAM),
    "case-label": post(CASE_TEAM),  # an empty body: a 400 to who sees the case
    "case-unlabel": post(CASE_TEAM),
    "case-transfer": post(CASE_TEAM),
    "casework:calendar": get(SIGNED_IN),  # one's own cases, or those one sees
    "casework:calendar_ics": get(SIGNED_IN),
    "casework:activity_create": get(DISTRICT, CASE_TEAM),
    "casework:activity_detail": get(SEES_ROOM_A),
    "casework:activity_list": get(SIGNED_IN),
    "casework:activity_update": get(STATION_A_STAFF),
    "casework:advocacy_case_unlink": post(CASE_TEAM),
    "casework:advocacy_cases": get(STATION_A_STAFF),
    "casework:advocacy_create": get(DISTRICT, CASE_TEAM),
    "casework:advocacy_detail": get(SEES_ROOM_A),
    "casework:advocacy_list": get(SIGNED_IN),
    "casework:advocacy_respond": post(STATION_A_STAFF),
    "casework:advocacy_submit": post(STATION_A_STAFF),
    "casework:advocacy_update": get(STATION_A_STAFF),
    "casework:assessment_add": post(CASE_TEAM),
    "casework:case_assign": post({R.STATION_MANAGER}),  # the others on the case: 403
    "casework:break_glass": get({R.STATION_MANAGER, R.DISTRICT_ADMIN}),  # who may open a labelled case
    "casework:case_detail": get(CASE_TEAM),
    "casework:case_label": post(CASE_TEAM),  # an empty form: the case page again (400) to who sees it
    "casework:case_unlabel": post(CASE_TEAM),
    "casework:case_pdf": get(CASE_TEAM),  # the case file on paper: who opens the case
    "casework:attachment": get(CASE_TEAM),  # a photo of the case: who opens the case, 404 for others
    "casework:consent_sign": get(CASE_TEAM),  # who may add a note signs consent with the client
    "casework:case_list": get(SIGNED_IN),
    "casework:case_move": post(STATION_A_STAFF),  # evaluate: the worker and manager, not the supervisor
    "casework:case_open": get(STATION_A_STAFF),
    "casework:case_update": get(STATION_A_STAFF),
    "casework:client_detail": get(CASE_TEAM),
    "casework:client_label": post(CASE_TEAM),
    "casework:client_unlabel": post(CASE_TEAM),
    "casework:client_list": get(SIGNED_IN),
    "casework:client_remove": get(CASE_TEAM),
    "casework:client_subject_export": post(CASE_TEAM),
    "casework:client_update": get(CASE_TEAM),
    "casework:closing_decide": post(CASE_TEAM),
    "casework:closing_request": post(CASE_TEAM),
    "casework:follow_up_done": post(CASE_TEAM),
    "casework:follow_up_record": get(CASE_TEAM),
    # Field pages (casework.views.field_edits): who sees the case or client; a conflicting edit
    # only its sender (the seeded one is the worker's), the list every signed-in person's own.
    "casework:field_follow_up": get(CASE_TEAM),
    "casework:field_task": get(CASE_TEAM),
    "casework:field_client_contact": get(CASE_TEAM),
    "casework:field_conflicts": get(SIGNED_IN),
    "casework:field_conflict": get({R.SOCIAL_WORKER}),
    # An evaluation's satisfaction-call sample: its evaluators and the district; a sampled case's
    # client is shown and recorded only by the evaluators, of a drawn sample (none in the seed).
    "casework:evaluation_sample": get({R.DISTRICT_ADMIN}, EVALUATOR),
    "casework:sampled_reveal": post(NOBODY),
    "casework:sampled_call": get(NOBODY),
    "satisfaction-question-list": get(SIGNED_IN),
    # Merging duplicate clients: the district's (no merge in the seed: tests/casework/test_merge_pages.py
    # walks one); a station sends its own client for merging.
    "casework:merge_list": get({R.DISTRICT_ADMIN}),
    "casework:merge_propose": get({R.DISTRICT_ADMIN}),
    "casework:merge_detail": get(NOBODY),
    "casework:merge_decide": post(NOBODY),
    "casework:merge_undo": post(NOBODY),
    "casework:client_merge_send": get({R.STATION_MANAGER}),  # the district proposes a merge itself
    "client-merge-list": get(SIGNED_IN),  # scoped: the district's merges, nobody else's
    "client-merge-detail": get(NOBODY),
    "client-merge-decide": post(NOBODY),
    "client-merge-undo": post(NOBODY),
    "client-merge-send": post(SIGNED_IN),  # the client is named in the body: an empty post is a 400
    "satisfaction-question-detail": get(SIGNED_IN - {R.REVIEWER}),  # an evaluator asks them on a call
    "casework:follow_up_schedule": post(CASE_TEAM),
    "casework:grant_decide": post(DISTRICT),
    "casework:grant_list": get(DISTRICT),
    "casework:grant_revoke": post(DISTRICT),
    "casework:group_create": get(DISTRICT, CASE_TEAM),
    "casework:group_detail": get(CASE_TEAM),
    "casework:group_evaluate": post(CASE_TEAM),
    "casework:group_list": get(SIGNED_IN),
    "casework:group_member_add": post(CASE_TEAM),
    "casework:group_member_leave": post(CASE_TEAM),
    "casework:group_session_plan": post(CASE_TEAM),
    "casework:group_session_record": get(STATION_A_STAFF),
    "casework:group_update": get(STATION_A_STAFF),
    "casework:my_cases": get(SIGNED_IN),
    # Field work on a phone (casework.views.field): every signed-in person has a field home and a
    # precache list (their own open cases, possibly none); a case's field pages open only for the
    # worker who holds it, a session's attendance for whoever writes the group.
    "casework:field_home": get(SIGNED_IN),
    "casework:field_precache": get(SIGNED_IN),
    "casework:field_case": get({R.SOCIAL_WORKER}),
    "casework:field_note": get({R.SOCIAL_WORKER}),
    "casework:field_visit": get({R.SOCIAL_WORKER}),
    "casework:field_attendance": get(STATION_A_STAFF),
    # The phone's outbox (filled on the phone, reads no record) and its offline page (kept by the
    # service worker, perhaps before a login; nothing personal).
    "casework:field_outbox": get(SIGNED_IN),
    "casework:field_offline": get(EVERYONE),
    "casework:note_add": get(CASE_TEAM),
    "casework:plan_decide": post(CASE_TEAM),
    "casework:plan_save": post(CASE_TEAM),
    "casework:plan_submit": post(CASE_TEAM),
    "casework:policy": get(DISTRICT),
    "casework:referral_add": post(CASE_TEAM),
    "casework:goal_measure": post(CASE_TEAM),
    "casework:station_referrals": get(SEES_STATION_A),  # counts for whoever sees the station
    "casework:referral_update": post(CASE_TEAM),
    "casework:review_add": post(CASE_TEAM),
    # Personal information requests: the seeded one is station A's, assigned to its manager.
    "casework:subject_request_answer": get({R.STATION_MANAGER}),  # the one it is assigned to
    "casework:subject_request_assign": post({R.DISTRICT_ADMIN, R.STATION_MANAGER}),
    "casework:subject_request_close": post(NOBODY),  # not answered yet: 403 to its people, 404 to others
    "casework:subject_request_copy": get(NOBODY),  # no copy yet
    "casework:subject_request_create": get({R.STATION_MANAGER}),
    "casework:subject_request_detail": get(WIDE, {R.STATION_MANAGER}),
    "casework:subject_request_list": get(WIDE, {R.STATION_MANAGER, R.SOCIAL_WORKER}),
    "casework:subject_request_policy": get(DISTRICT),
    "casework:subject_request_refuse": post({R.DISTRICT_ADMIN, R.STATION_MANAGER}),
    "casework:task_done": post(CASE_TEAM),
    "casework:transfer_cancel": post(CASE_TEAM),
    "casework:transfer_decide": post(CASE_TEAM),
    "casework:transfer_request": post(CASE_TEAM),
    "casework:volunteer_create": get(DISTRICT, CASE_TEAM),
    "casework:volunteer_detail": get(SEES_ROOM_A),
    "casework:volunteer_hours_add": post(STATION_A_STAFF),
    "casework:volunteer_list": get(SIGNED_IN),
    "casework:volunteer_pairing_end": post(STATION_A_STAFF),
    "casework:volunteer_pairing_start": post(STATION_A_STAFF),
    "casework:volunteer_update": get(STATION_A_STAFF),
    "subject-request-answer": post({R.STATION_MANAGER}),
    "subject-request-assign": post({R.DISTRICT_ADMIN, R.STATION_MANAGER}),
    "subject-request-close": post(NOBODY),
    "subject-request-detail": get(WIDE, {R.STATION_MANAGER}),
    "subject-request-list": get(SIGNED_IN),
    "subject-request-refuse": post({R.DISTRICT_ADMIN, R.STATION_MANAGER}),
    "client-detail": get(CASE_TEAM),
    "client-list": get(SIGNED_IN),
    "client-remove": post(CASE_TEAM),
    "contract-amend": post(DISTRICT),
    "contract-detail": get(SEES_STATION_A, {R.ORG_STAFF}, EVALUATOR),
    "contract-list": get(SIGNED_IN),
    "exam-detail": get(SEES_STATION_A),
    "exam-list": get(SIGNED_IN),
    "group-detail": get(CASE_TEAM),
    "group-evaluate": post(CASE_TEAM),
    "group-leave": post(CASE_TEAM),
    "group-list": get(SIGNED_IN),
    "group-members": post(CASE_TEAM),
    "group-record": post(CASE_TEAM),
    "group-sessions": post(CASE_TEAM),
    "healthz": get(EVERYONE),
    # The installable web app: its manifest and service worker, served to anyone (no data).
    "webapp_manifest": get(EVERYONE),
    "webapp_service_worker": get(EVERYONE),
    "home": get(SIGNED_IN),
    # Suggestions and the header search: open to everyone signed in, each answering only with
    # what the person may see (tests/socialwork/test_pickers.py).
    "pick": get(SIGNED_IN),
    "search": get(SIGNED_IN),
    # One's own second factor (socialwork.accounts.views): a verified session is sent on from the
    # code's page, may set up an app when it has none, and gets new recovery codes only with one.
    "second_factor": get(SIGNED_IN),
    "second_factor_recovery_codes": post(SIGNED_IN),
    "second_factor_setup": get(SIGNED_IN),
    "second_factor_verify": get(SIGNED_IN),
    "inbox": get(SIGNED_IN),
    "inbox-detail": get({R.STATION_MANAGER}),  # the seeded notification is the manager's
    "inbox-list": get(SIGNED_IN),
    "inbox-read": post({R.STATION_MANAGER}),
    "inbox-read-all": post(SIGNED_IN),
    "inbox_read": post(SIGNED_IN),  # marks only one's own: a no-op, not a leak
    "inbox_read_all": post(SIGNED_IN),
    # Local rules (socialwork.local_rules): a district's own or its city's default; posted empty,
    # an editor is told the key is missing (a redirect with the message, a 400 in the API)
    "local_rule_adopt": post(DISTRICT),
    "local_rule_own": post(DISTRICT),
    "api-local-rule": get(WIDE),  # the state of the rule in one's own place
    "api-local-rule-adopt": post(DISTRICT),
    "api-local-rule-own": post(DISTRICT),
    "login": get(EVERYONE),
    "logout": post(SIGNED_IN),
    "notification_preferences": get(SIGNED_IN),
    "organization-detail": get(WIDE, {R.ORG_STAFF}),
    "organization-list": get(SIGNED_IN),
    "password_change": get(SIGNED_IN),
    "password_change_done": get(SIGNED_IN),
    "payment-detail": get(SEES_STATION_A, {R.ORG_STAFF}, EVALUATOR),
    "payment-list": get(SIGNED_IN),
    "position-detail": get(SEES_ROOM_A),
    "position-list": get(SIGNED_IN),
    "positions:allowance_policies": get(WIDE, {R.STATION_MANAGER}),
    "positions:allowance_roll_close": post(DISTRICT),
    "positions:allowance_roll_detail": get(WIDE, {R.STATION_MANAGER}),
    "positions:allowance_roll_pdf": get(WIDE, {R.STATION_MANAGER}),  # the roll on paper, as on the page
    "positions:allowance_roll_export": get(DISTRICT),  # the payroll file: who manages the roll
    "positions:allowance_rolls": get(WIDE, {R.STATION_MANAGER}),
    "positions:allowance_roll_progress": get(WIDE, {R.STATION_MANAGER}),
    "positions:appointment_create": post(DISTRICT, {R.STATION_MANAGER}),
    "positions:appointment_end": post(DISTRICT, {R.STATION_MANAGER}),
    "positions:appointment_transfer": post(DISTRICT, {R.STATION_MANAGER}),
    "positions:assessment_record": get(DISTRICT),
    "positions:assessment_scheme_create": get(DISTRICT),
    "positions:assessment_scheme_detail": get(SIGNED_IN),
    "positions:assessment_scheme_update": get(DISTRICT),
    "positions:assessment_schemes": get(SIGNED_IN),
    "positions:award_create": get(DISTRICT, {R.STATION_MANAGER}),
    "positions:award_detail": get(SEES_STATION_A),
    "positions:award_list": get(SIGNED_IN),
    "positions:award_update": get(DISTRICT, {R.STATION_MANAGER}),
    "positions:coverage": get(SIGNED_IN),
    "positions:exam_list": get(SIGNED_IN),
    # A station's people import its clients, cases, volunteers and their hours, as they register them one by one.
    "positions:import": get(DISTRICT, STATION_A_STAFF),
    "positions:import_template": get(DISTRICT, {R.STATION_MANAGER}),
    # The seeded run is the district administrator's: theirs, and the superuser's, to see and undo.
    "positions:import_run": get(DISTRICT),
    "positions:import_run_progress": get(DISTRICT),
    "positions:import_undo": post(DISTRICT),
    "positions:network": get(SIGNED_IN),
    "positions:position_create": get(DISTRICT, {R.STATION_MANAGER}),
    "positions:position_detail": get(SEES_ROOM_A),
    "positions:position_list": get(SIGNED_IN),
    "positions:position_update": get(DISTRICT, {R.STATION_MANAGER}),
    "positions:region_create": get(DISTRICT),
    "positions:region_update": get(DISTRICT),
    "positions:region_tree": get(SIGNED_IN),
    "positions:studio_create": get(DISTRICT),
    "positions:studio_detail": get(SEES_STATION_A),
    "positions:studio_list": get(SIGNED_IN),
    "positions:studio_project_add": post(DISTRICT),  # an empty form: back to the studio
    "positions:studio_update": get(DISTRICT),
    "positions:unit_create": get(DISTRICT),
    "positions:unit_detail": get(SEES_STATION_A),
    "positions:unit_update": get(DISTRICT),
    "positions:worker_create": get(DISTRICT, {R.STATION_MANAGER}),
    "positions:worker_detail": get(SEES_STATION_A),  # a worker sees only their own record
    "positions:worker_list": get(SIGNED_IN),
    "positions:worker_update": get(DISTRICT, {R.STATION_MANAGER}),
    # Registration (issue 21): renewing and recording hours, by who manages the worker's registration.
    "positions:outside_training_create": get(DISTRICT, {R.STATION_MANAGER}),
    "positions:registration_renew": get(DISTRICT, {R.STATION_MANAGER}),
    "positions:outside_training_check": post(DISTRICT, {R.STATION_MANAGER}),  # checked already: a message
    "positions:outside_training_certificate": get(SEES_STATION_A),
    "registration-period-list": get(SIGNED_IN),
    "registration-period-detail": get(SEES_STATION_A),
    "registration-period-renew": post(DISTRICT, {R.STATION_MANAGER}),  # not open yet: a 400
    "outside-training-list": get(SIGNED_IN),
    "outside-training-detail": get(SEES_STATION_A),
    "outside-training-check": post(DISTRICT, {R.STATION_MANAGER}),  # checked already: a 400
    "positions:workforce_statistics": get(SIGNED_IN),
    "project-decide": post(DISTRICT),
    "project-detail": get(SEES_STATION_A, {R.ORG_STAFF}, EVALUATOR),
    "project-list": get(SIGNED_IN),
    "project-move": post(DISTRICT, {R.ORG_STAFF}),
    "project-review": post(DISTRICT),
    "projects:acceptance_record": post(DISTRICT),
    "projects:evaluation_list": get(SIGNED_IN),
    "projects:evaluation_detail": get(SEES_EVALUATION),
    "projects:evaluation_score": post(EVALUATOR),
    "projects:rectification_add": post(EVALUATOR),
    "projects:rectification_respond": post({R.ORG_STAFF}),  # the provider's staff
    "projects:rectification_review": post(EVALUATOR),
    "projects:evaluation_conclude": post(EVALUATOR),
    "projects:evaluation_assign": get(DISTRICT),
    "projects:evaluation_scheme_list": get(WIDE),
    "projects:evaluation_scheme_create": get(DISTRICT),
    "projects:evaluation_scheme_detail": get(WIDE, EVALUATOR),
    "projects:evaluation_scheme_edit": get(DISTRICT),
    "evaluation-list": get(SIGNED_IN),
    "evaluation-detail": get(SEES_EVALUATION),
    "evaluation-score": post(EVALUATOR),
    "evaluation-rectify": post(EVALUATOR),
    "evaluation-conclude": post(EVALUATOR),
    "evaluation-scheme-list": get(SIGNED_IN),
    "evaluation-scheme-detail": get(WIDE, EVALUATOR),
    "rectification-item-list": get(SIGNED_IN),
    "rectification-item-detail": get(SEES_EVALUATION),
    "rectification-item-respond": post({R.ORG_STAFF}),
    "rectification-item-review": post(EVALUATOR),
    "projects:application_create": get(DISTRICT, {R.ORG_STAFF}),
    "projects:application_update": get(DISTRICT, {R.ORG_STAFF}),
    # The seeded procurement's project is contracted: awarding is open to nobody now (a 403 from
    # projects.workflow.actions_for; every state is walked in tests/projects/test_workflow_doors.py).
    # Rescinding is a form, like signing: the district reaches it (the empty reason is a 400)
    # and the service refuses it; anyone else is refused before the form is read.
    "projects:bid_award": post(NOBODY),
    "projects:bid_award_rescind": post(DISTRICT),
    "projects:bid_record": post(DISTRICT),
    "projects:call_create": get(DISTRICT),
    "projects:call_detail": get(SIGNED_IN),
    "projects:call_list": get(SIGNED_IN),
    "projects:call_update": get(DISTRICT),
    "projects:contract_amend": post(DISTRICT),
    "projects:contract_sign": post(DISTRICT),
    "projects:honour_add": post(DISTRICT),
    "projects:milestone_complete": post(DISTRICT, {R.ORG_STAFF}),
    "projects:organization_create": get(DISTRICT),
    "projects:organization_detail": get(WIDE, {R.ORG_STAFF}),
    "projects:organization_list": get(SIGNED_IN),
    "projects:organization_update": get(DISTRICT),
    "projects:overview": get(SIGNED_IN),
    "budget-list": get(WIDE),  # the year's budgets: the place's own, a city's districts side by side
    "projects:payment_record": post(DISTRICT),
    "projects:procurement_open": post(DISTRICT),
    "projects:progress_report_submit": post(DISTRICT, {R.ORG_STAFF}),
    "projects:project_decide": post(DISTRICT),
    "projects:project_detail": get(SEES_STATION_A, {R.ORG_STAFF}, EVALUATOR),
    "projects:project_document": get(SEES_STATION_A, {R.ORG_STAFF}, EVALUATOR),  # as the project's page
    "projects:contract_summary": get(SEES_STATION_A, {R.ORG_STAFF}, EVALUATOR),  # the provider's staff too
    "projects:project_list": get(SIGNED_IN),
    # Review panels: district-wide people read every panel, an expert reviewer the panels they sit
    # on (the seeded one); only its members declare and score (an empty form: a 400), and only
    # district-wide people read the decision pack, which holds every reviewer's score.
    "projects:panel_list": get(SIGNED_IN),
    "projects:panel_create": get(DISTRICT),
    "projects:panel_update": get(DISTRICT),
    "projects:panel_detail": get(WIDE, {R.REVIEWER}),
    "projects:panel_application": get(WIDE, {R.REVIEWER}),
    "projects:panel_declare": post({R.REVIEWER}),
    "projects:panel_score": post({R.REVIEWER}),
    "projects:panel_pack": get(WIDE),
    "projects:panel_pack_all": get(WIDE),
    "review-panel-list": get(SIGNED_IN),
    "review-panel-detail": get(WIDE, {R.REVIEWER}),
    "review-panel-results": get(WIDE, {R.REVIEWER}),
    "review-panel-declare": post({R.REVIEWER}),
    "review-panel-score": post({R.REVIEWER}),
    "projects:project_move": post({R.ORG_STAFF}),  # submit: only the applicant's side; the district 403
    "projects:project_review": post(DISTRICT),
    "projects:supervision_visit_record": post(DISTRICT),
    "region-detail": get(SEES_STATION_A),
    "region-list": get(SIGNED_IN),
    "report-export-detail": get({R.STATION_MANAGER}),
    "report-export-list": post(SIGNED_IN),
    "reports:annual_download": get(SEES_STATION_A),
    "reports:annual_list": get(SIGNED_IN),
    "reports:annual_status": get(SEES_STATION_A),
    "reports:archive": get({R.DISTRICT_ADMIN}),  # the whole district's data: its administrators only
    "reports:archive_download": get(NOBODY),  # the archive of whoever asked for it; here nobody did
    "reports:dashboard": get(WIDE, {R.STATION_MANAGER}),
    "reports:dossier_download": get(PROJECT_DOSSIER),
    "reports:dossier_list": get(SIGNED_IN),
    "reports:dossier_request_any_station": post(NOBODY),  # an empty post names no station: a 404
    "reports:dossier_request_project": post(PROJECT_DOSSIER),
    "reports:dossier_request_station": post(WIDE, {R.STATION_MANAGER}),  # station A's
    "reports:dossier_status": get(PROJECT_DOSSIER),
    # Statistical returns (reports.upward.selectors): district-wide people see their place's; its
    # administrators fill and submit; a district at the top of the tree has nobody above it to
    # review but the superuser, and the seeded return is a draft (nothing to approve).
    "reports:upward_list": get(WIDE),
    "reports:upward_board": get(WIDE),
    "reports:upward_return": get(WIDE),
    "reports:upward_xlsx": get(WIDE),
    "reports:upward_form_define": post(NOBODY),  # a city's or a province's administrators only
    "reports:upward_start": post(DISTRICT),  # an empty post gives no year: back to the list, told why
    "reports:upward_step": post(DISTRICT),  # submitting the seeded draft
    "reports:export": get(WIDE, {R.STATION_MANAGER}),
    "reports:export_download": get({R.STATION_MANAGER}),
    "reports:export_status": get({R.STATION_MANAGER}),  # the export the manager started
    "task_progress": get(SIGNED_IN),
    "training-certificate-detail": get(SEES_STATION_A),
    "training-certificate-list": get(SIGNED_IN),
    "training-certificate-pdf": get(SEES_STATION_A),
    # The seeded enrolment's attendance is taken: cancelling is among nobody's actions (403), and
    # the page's form (below) answers its organizers with a redirect that says why.
    "training-enrolment-cancel": post(NOBODY),
    "training-enrolment-detail": get(SEES_STATION_A),
    "training-enrolment-list": get(SIGNED_IN),
    "training-series-certificates": post(DISTRICT),
    "training-series-detail": get(SEES_STATION_A),
    "training-series-list": get(SIGNED_IN),
    "training-session-attendance": post(DISTRICT, {R.STATION_MANAGER}),  # as the page: its organizers
    "training-session-detail": get(SEES_STATION_A),
    "training-session-list": get(SIGNED_IN),
    "training-trainer-detail": get(SIGNED_IN - OUTSIDE),  # the district's staff, not outside people
    "training-trainer-list": get(SIGNED_IN),
    "training:attendance": get(DISTRICT, {R.STATION_MANAGER}),
    "training:certificate_pdf": get(SEES_STATION_A),
    "training:certificates_issue": post(DISTRICT),
    "training:enrolment_cancel": post(DISTRICT, {R.STATION_MANAGER}),
    "training:enrolment_create": post(DISTRICT, {R.STATION_MANAGER}),
    "training:figures": get(SIGNED_IN),
    "training:hours": get(SIGNED_IN),
    "training:practice_base_list": get(SIGNED_IN),
    "training:series_create": get(DISTRICT),
    "training:series_detail": get(SEES_STATION_A),
    "training:series_list": get(SIGNED_IN),
    "training:series_update": get(DISTRICT),
    "training:session_create": get(DISTRICT),
    "training:session_detail": get(SEES_STATION_A),
    "training:attendance_sheet": get(SEES_STATION_A),  # as the session's page
    "training:session_update": get(DISTRICT),
    "training:trainer_list": get(SIGNED_IN),
    "unit-detail": get(SEES_STATION_A),
    "unit-list": get(SIGNED_IN),
    "volunteer-detail": get(SEES_ROOM_A),
    "volunteer-hours": get(SEES_ROOM_A),
    "volunteer-list": get(SIGNED_IN),
    "worker-detail": get(SEES_STATION_A),
    "worker-list": get(SIGNED_IN),
    "studio-detail": get(SEES_STATION_A),
    "studio-list": get(SIGNED_IN),
    "studio-projects": post(DISTRICT),  # an empty body: a 400 that says what is missing
}

# Refusals a view leaves to its service (a form error instead of 403) go here, with the reason.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# The resolver: every named URL but the admin's, the language switch, static files and DRF's
# format-suffix duplicates.


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            inner = (
                f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            )
            yield from _walk(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if "format" in pattern.pattern.regex.groupindex:
                continue
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


SKIPPED = {"set_language"}


def resolved_urls() -> dict[str, URLPattern]:
    return {name: pattern for name, pattern in _walk(get_resolver().url_patterns) if name not in SKIPPED}


def is_api(url: str) -> bool:
    """The API answers for itself (401/403), as the login middleware leaves it."""
    return url.startswith("/api/")


# Path parameters, from the seeded district.


def _pk(kind):
    return lambda o: {"pk": o[kind].pk}


PATH_ARGS = {
    # Pages
    "local_rule_adopt": lambda o: {"name": "hours_requirement"},
    "local_rule_own": lambda o: {"name": "hours_requirement"},
    "api-local-rule": lambda o: {"name": "hours_requirement"},
    "api-local-rule-adopt": lambda o: {"name": "hours_requirement"},
    "api-local-rule-own": lambda o: {"name": "hours_requirement"},
    "inbox_read": _pk("notification"),
    "pick": lambda o: {"kind": "region"},
    "api_token_revoke": _pk("api_token"),
    "task_progress": lambda o: {"task_id": o["export_task"]},
    "positions:unit_detail": _pk("unit"),
    "positions:unit_update": _pk("unit"),
    "positions:region_update": _pk("region"),
    "positions:position_detail": _pk("position"),
    "positions:position_update": _pk("position"),
    "positions:appointment_create": _pk("position"),
    "positions:appointment_end": _pk("appointment"),
    "positions:appointment_transfer": _pk("appointment"),
    "positions:worker_detail": _pk("worker"),
    "positions:worker_update": _pk("worker"),
    "positions:outside_training_create": _pk("worker"),
    "positions:registration_renew": _pk("worker"),
    "positions:outside_training_check": _pk("outside_training"),
    "positions:outside_training_certificate": _pk("outside_training"),
    "registration-period-detail": _pk("period"),
    "registration-period-renew": _pk("period"),
    "outside-training-detail": _pk("outside_training"),
    "outside-training-check": _pk("outside_training"),
    "positions:award_detail": _pk("award"),
    "positions:award_update": _pk("award"),
    "positions:studio_detail": _pk("studio"),
    "positions:studio_update": _pk("studio"),
    "positions:studio_project_add": _pk("studio"),
    "positions:assessment_scheme_detail": _pk("scheme"),
    "positions:assessment_scheme_update": _pk("scheme"),
    "positions:assessment_record": _pk("scheme"),
    "positions:allowance_roll_detail": _pk("roll"),
    "positions:allowance_roll_pdf": _pk("roll"),
    "positions:allowance_roll_close": _pk("roll"),
    "positions:allowance_roll_export": _pk("roll"),
    "positions:allowance_roll_progress": lambda o: {"task_id": o["roll_run"].id},
    "positions:import_template": lambda o: {"kind": "positions"},
    "positions:import_run": _pk("import_run"),
    "positions:import_run_progress": _pk("import_run"),
    "positions:import_undo": _pk("import_run"),
    "training:certificate_pdf": _pk("certificate"),
    "training:series_detail": _pk("series"),
    "training:series_update": _pk("series"),
    "training:certificates_issue": _pk("series"),
    "training:session_create": _pk("series"),
    "training:session_detail": _pk("session"),
    "training:attendance_sheet": _pk("session"),
    "training:session_update": _pk("session"),
    "training:enrolment_create": _pk("session"),
    "training:attendance": _pk("session"),
    "training:enrolment_cancel": _pk("enrolment"),
    "projects:project_detail": _pk("project"),
    "projects:contract_summary": _pk("project"),
    "projects:project_document": lambda o: {"kind": "plan", "pk": o["project"].pk},
    "projects:application_update": _pk("draft_project"),
    "projects:project_move": lambda o: {"pk": o["draft_project"].pk, "move": "submit"},
    "projects:project_review": _pk("project"),
    "projects:project_decide": _pk("project"),
    "projects:procurement_open": _pk("project"),
    "projects:bid_record": _pk("project"),
    "projects:bid_award": lambda o: {"pk": o["project"].pk, "bid_pk": o["bid"].pk},
    "projects:bid_award_rescind": lambda o: {"pk": o["project"].pk, "bid_pk": o["bid"].pk},
    "projects:contract_amend": _pk("project"),
    "projects:contract_sign": _pk("project"),
    "projects:payment_record": _pk("project"),
    "projects:milestone_complete": lambda o: {"pk": o["project"].pk, "milestone_pk": o["milestone"].pk},
    "projects:supervision_visit_record": _pk("project"),
    "projects:acceptance_record": _pk("project"),
    "projects:progress_report_submit": _pk("project"),
    "projects:honour_add": _pk("project"),
    "projects:organization_detail": _pk("organization"),
    "projects:organization_update": _pk("organization"),
    "projects:call_detail": _pk("call"),
    "projects:evaluation_detail": _pk("evaluation"),
    "projects:evaluation_score": _pk("evaluation"),
    "projects:rectification_add": _pk("evaluation"),
    "projects:rectification_respond": lambda o: {"pk": o["evaluation"].pk, "item_pk": o["rectification"].pk},
    "projects:rectification_review": lambda o: {"pk": o["evaluation"].pk, "item_pk": o["rectification"].pk},
    "projects:evaluation_conclude": _pk("evaluation"),
    "projects:evaluation_assign": _pk("project"),
    "projects:evaluation_scheme_detail": _pk("evaluation_scheme"),
    "projects:evaluation_scheme_edit": _pk("evaluation_scheme"),
    "projects:panel_detail": _pk("panel"),
    "projects:panel_update": _pk("panel"),
    "projects:panel_pack_all": _pk("panel"),
    "projects:panel_application": lambda o: {"pk": o["panel"].pk, "project_pk": o["review_project"].pk},
    "projects:panel_declare": lambda o: {"pk": o["panel"].pk, "project_pk": o["review_project"].pk},
    "projects:panel_score": lambda o: {"pk": o["panel"].pk, "project_pk": o["review_project"].pk},
    "projects:panel_pack": lambda o: {"pk": o["panel"].pk, "project_pk": o["review_project"].pk},
    "review-panel-detail": _pk("panel"),
    "review-panel-results": _pk("panel"),
    "review-panel-declare": _pk("panel"),
    "review-panel-score": _pk("panel"),
    "projects:call_update": _pk("call"),
    "casework:case_detail": _pk("case"),
    "casework:case_pdf": _pk("case"),
    "casework:attachment": _pk("attachment"),
    "casework:consent_sign": _pk("case"),
    "casework:case_update": _pk("case"),
    "casework:case_move": lambda o: {"pk": o["case"].pk, "move": "evaluate"},
    "casework:note_add": _pk("case"),
    "casework:field_case": _pk("case"),
    "casework:field_note": _pk("case"),
    "casework:field_visit": _pk("case"),
    "casework:field_attendance": _pk("group_session"),
    "casework:assessment_add": _pk("case"),
    "casework:plan_save": _pk("case"),
    "casework:plan_submit": _pk("case"),
    "casework:plan_decide": _pk("case"),
    "casework:task_done": lambda o: {"pk": o["case"].pk, "task_pk": o["task"].pk},
    "casework:referral_add": _pk("case"),
    "casework:goal_measure": _pk("case"),
    "casework:station_referrals": _pk("unit"),
    "casework:referral_update": lambda o: {"pk": o["case"].pk, "referral_pk": o["referral"].pk},
    "casework:follow_up_schedule": _pk("case"),
    "casework:follow_up_done": lambda o: {"pk": o["case"].pk, "follow_up_pk": o["follow_up"].pk},
    "casework:follow_up_record": _pk("follow_up"),
    "casework:field_follow_up": _pk("follow_up"),
    "casework:field_task": _pk("task"),
    "casework:field_client_contact": _pk("client"),
    "casework:field_conflict": _pk("field_conflict"),
    "casework:evaluation_sample": _pk("evaluation"),
    "casework:sampled_reveal": lambda o: {"pk": o["evaluation"].pk, "sampled_pk": 999999},
    "casework:sampled_call": lambda o: {"pk": o["evaluation"].pk, "sampled_pk": 999999},
    "satisfaction-question-detail": _pk("satisfaction_question"),
    "casework:merge_detail": lambda o: {"pk": 999999},
    "casework:merge_decide": lambda o: {"pk": 999999},
    "casework:merge_undo": lambda o: {"pk": 999999},
    "casework:client_merge_send": _pk("client"),
    "client-merge-detail": lambda o: {"pk": 999999},
    "client-merge-decide": lambda o: {"pk": 999999},
    "client-merge-undo": lambda o: {"pk": 999999},
    "casework:review_add": _pk("case"),
    "casework:closing_request": _pk("case"),
    "casework:closing_decide": _pk("case"),
    "casework:transfer_request": _pk("case"),
    "casework:transfer_decide": _pk("case"),
    "casework:transfer_cancel": _pk("case"),
    "casework:case_assign": _pk("case"),
    "casework:client_detail": _pk("client"),
    "casework:client_label": _pk("client"),
    "casework:client_unlabel": _pk("client"),
    "casework:case_label": _pk("case"),
    "casework:case_unlabel": _pk("case"),
    "casework:client_update": _pk("client"),
    "casework:client_remove": _pk("client"),
    "casework:client_subject_export": _pk("client"),
    "casework:group_detail": _pk("group"),
    "casework:group_update": _pk("group"),
    "casework:group_member_add": _pk("group"),
    "casework:group_member_leave": lambda o: {"pk": o["group"].pk, "member_pk": o["member"].pk},
    "casework:group_session_plan": _pk("group"),
    "casework:group_session_record": lambda o: {"pk": o["group"].pk, "session_pk": o["group_session"].pk},
    "casework:group_evaluate": _pk("group"),
    "casework:activity_detail": _pk("activity"),
    "casework:activity_update": _pk("activity"),
    "casework:volunteer_detail": _pk("volunteer"),
    "casework:volunteer_update": _pk("volunteer"),
    "casework:volunteer_hours_add": _pk("volunteer"),
    "casework:volunteer_pairing_start": _pk("volunteer"),
    "casework:volunteer_pairing_end": lambda o: {"pk": o["volunteer"].pk, "pairing_pk": o["pairing"].pk},
    "casework:advocacy_detail": _pk("advocacy"),
    "casework:advocacy_update": _pk("advocacy"),
    "casework:advocacy_submit": _pk("advocacy"),
    "casework:advocacy_respond": _pk("advocacy"),
    "casework:advocacy_cases": _pk("advocacy"),
    "casework:advocacy_case_unlink": lambda o: {"pk": o["advocacy"].pk, "case_pk": o["case"].pk},
    "casework:subject_request_detail": _pk("subject_request"),
    "casework:subject_request_assign": _pk("subject_request"),
    "casework:subject_request_answer": _pk("subject_request"),
    "casework:subject_request_refuse": _pk("subject_request"),
    "casework:subject_request_close": _pk("subject_request"),
    "casework:subject_request_copy": _pk("subject_request"),
    "casework:grant_decide": _pk("grant"),
    "casework:grant_revoke": _pk("grant"),
    "reports:annual_status": _pk("report"),
    "reports:annual_download": lambda o: {"pk": o["report"].pk, "kind": "xlsx"},
    "reports:dossier_download": lambda o: {"pk": o["dossier"].pk, "kind": "pdf"},
    "reports:dossier_request_project": _pk("project"),
    "reports:dossier_request_station": _pk("unit"),
    "reports:dossier_status": _pk("dossier"),
    "reports:upward_board": _pk("statistical_form"),
    "reports:upward_return": _pk("statistical_return"),
    "reports:upward_xlsx": _pk("statistical_return"),
    "reports:upward_start": _pk("statistical_form"),
    "reports:upward_step": lambda o: {"pk": o["statistical_return"].pk, "step": "submit"},
    "reports:export": lambda o: {"key": "positions", "fmt": "csv"},
    "reports:export_status": lambda o: {"task_id": o["export_task"]},
    "reports:export_download": lambda o: {"task_id": o["export_task"]},
    "reports:archive_download": lambda o: {"pk": o["export_task"]},
    # API
    "region-detail": _pk("region"),
    "unit-detail": _pk("unit"),
    "position-detail": _pk("position"),
    "worker-detail": _pk("worker"),
    "appointment-detail": _pk("appointment"),
    "appointment-end": _pk("appointment"),
    "exam-detail": _pk("exam"),
    "award-detail": _pk("award"),
    "studio-detail": _pk("studio"),
    "studio-projects": _pk("studio"),
    "assessment-detail": _pk("assessment"),
    "assessment-scheme-detail": _pk("scheme"),
    "allowance-roll-close": _pk("roll"),
    "allowance-roll-detail": _pk("roll"),
    "training-series-detail": _pk("series"),
    "training-series-certificates": _pk("series"),
    "training-session-detail": _pk("session"),
    "training-session-attendance": _pk("session"),
    "training-trainer-detail": _pk("trainer"),
    "training-enrolment-detail": _pk("enrolment"),
    "training-enrolment-cancel": _pk("enrolment"),
    "training-certificate-detail": _pk("certificate"),
    "training-certificate-pdf": _pk("certificate"),
    "organization-detail": _pk("organization"),
    "call-detail": _pk("call"),
    "project-detail": _pk("project"),
    "project-decide": _pk("project"),
    "project-move": _pk("draft_project"),
    "project-review": _pk("project"),
    "contract-detail": _pk("contract"),
    "evaluation-detail": _pk("evaluation"),
    "evaluation-score": _pk("evaluation"),
    "evaluation-rectify": _pk("evaluation"),
    "evaluation-conclude": _pk("evaluation"),
    "evaluation-scheme-detail": _pk("evaluation_scheme"),
    "rectification-item-detail": _pk("rectification"),
    "rectification-item-respond": _pk("rectification"),
    "rectification-item-review": _pk("rectification"),
    "contract-amend": _pk("contract"),
    "payment-detail": _pk("payment"),
    "client-detail": _pk("client"),
    "client-remove": _pk("client"),
    "subject-request-detail": _pk("subject_request"),
    "subject-request-assign": _pk("subject_request"),
    "subject-request-answer": _pk("subject_request"),
    "subject-request-refuse": _pk("subject_request"),
    "subject-request-close": _pk("subject_request"),
    "case-detail": _pk("case"),
    "case-assess": _pk("case"),
    "case-assign": _pk("case"),
    "case-close": _pk("case"),
    "case-decide-closing": _pk("case"),
    "case-decide-transfer": _pk("case"),
    "case-move": _pk("case"),
    "case-transfer": _pk("case"),
    "case-cancel-transfer": _pk("case"),
    "case-review": _pk("case"),
    "case-label": _pk("case"),
    "case-unlabel": _pk("case"),
    "case-note-list": lambda o: {"case_pk": o["case"].pk},
    "case-home-visit-list": lambda o: {"case_pk": o["case"].pk},
    "case-home-visit-detail": lambda o: {"case_pk": o["case"].pk, "pk": o["home_visit"].pk},
    "case-note-detail": lambda o: {"case_pk": o["case"].pk, "pk": o["note"].pk},
    "case-plan-list": lambda o: {"case_pk": o["case"].pk},
    "case-plan-detail": lambda o: {"case_pk": o["case"].pk, "pk": o["plan"].pk},
    "case-plan-decide": lambda o: {"case_pk": o["case"].pk, "pk": o["plan"].pk},
    "case-plan-submit": lambda o: {"case_pk": o["case"].pk, "pk": o["plan"].pk},
    "case-plan-task-done": lambda o: {"case_pk": o["case"].pk, "pk": o["plan"].pk},
    "case-plan-measure": lambda o: {"case_pk": o["case"].pk, "pk": o["plan"].pk},
    "case-referral-list": lambda o: {"case_pk": o["case"].pk},
    "case-referral-detail": lambda o: {"case_pk": o["case"].pk, "pk": o["referral"].pk},
    "case-referral-outcome": lambda o: {"case_pk": o["case"].pk, "pk": o["referral"].pk},
    "case-follow-up-list": lambda o: {"case_pk": o["case"].pk},
    "case-follow-up-detail": lambda o: {"case_pk": o["case"].pk, "pk": o["follow_up"].pk},
    "case-follow-up-done": lambda o: {"case_pk": o["case"].pk, "pk": o["follow_up"].pk},
    "group-detail": _pk("group"),
    "group-evaluate": _pk("group"),
    "group-members": _pk("group"),
    "group-leave": lambda o: {"pk": o["group"].pk, "member_pk": o["member"].pk},
    "group-sessions": _pk("group"),
    "group-record": lambda o: {"pk": o["group"].pk, "session_pk": o["group_session"].pk},
    "activity-detail": _pk("activity"),
    "volunteer-detail": _pk("volunteer"),
    "volunteer-hours": _pk("volunteer"),
    "advocacy-detail": _pk("advocacy"),
    "advocacy-respond": _pk("advocacy"),
    "advocacy-submit": _pk("advocacy"),
    "inbox-detail": _pk("notification"),
    "api-token-detail": _pk("api_token"),
    "inbox-read": _pk("notification"),
    "report-export-detail": lambda o: {"pk": o["export_task"]},
    "annual-report-detail": _pk("report"),
    "annual-report-download": _pk("report"),
    "dossier-detail": _pk("dossier"),
    "dossier-download": _pk("dossier"),
    "statistical-form-detail": _pk("statistical_form"),
    **{
        f"statistical-return-{action}": _pk("statistical_return")
        for action in ("detail", "fill", "review", "submit", "send-back", "approve", "reopen")
    },
}


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker):
    """The seeded district, built once and rolled back after the module; each test runs in a
    savepoint inside it, so what an empty post changes is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = seed()
        sessions = {}
        for role, user in data.users.items():
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        data.sessions = sessions
        yield data
        transaction.set_rollback(True)


def browser(district, role) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = district.sessions[role]
    return client


def url_of(name, district) -> str:
    kwargs = PATH_ARGS.get(name, lambda o: {})(district.objects)
    return reverse(name, kwargs=kwargs)


def method_of(name, pattern) -> str:
    actions = getattr(pattern.callback, "actions", None)
    if actions is not None:
        return "get" if "get" in actions else "post"
    return ACCESS[name].method if name in ACCESS else "get"


def outcome(role, name, status, location, api) -> str:
    """'allowed', 'refused' or what else happened."""
    if role == ANONYMOUS:
        if api and status in (401, 403):
            return "refused"
        if not api and status == 302 and location.startswith(reverse("login")):
            return "refused"
    elif status in (403, 404):
        return "refused"
    if status in (200, 201, 202, 204, 302, 400):
        return "allowed"
    return f"status {status}"


RESOLVED = resolved_urls()


def test_every_url_the_resolver_lists_has_a_declared_rule():
    resolved = set(resolved_urls())
    assert resolved - set(ACCESS) == set(), "declare who may open these in ACCESS"
    assert set(ACCESS) - resolved == set(), "these URLs are gone; drop them from ACCESS"
    assert set(PATH_ARGS) <= resolved


CASES = [
    pytest.param(
        role, name, id=f"{role}-{name}",
        marks=[pytest.mark.xfail(reason=KNOWN_BUGS[name, role], strict=True)] if (name, role) in KNOWN_BUGS else [],
    )
    for name in sorted(ACCESS)
    for role in ROLES
]  # fmt: skip


@pytest.mark.parametrize(("role", "name"), CASES)
def test_each_role_opens_exactly_what_it_may(district, db, role, name):
    url = url_of(name, district)
    api, method = is_api(url), method_of(name, RESOLVED[name])
    client = browser(district, role)
    if method == "post":
        response = client.post(
            url, "{}" if api else {}, **({"content_type": "application/json"} if api else {})
        )
    else:
        response = client.get(url)
    expected = "allowed" if role in ACCESS[name].roles else "refused"
    got = outcome(role, name, response.status_code, response.get("Location", ""), api)
    assert got == expected, f"{role} {method.upper()} {url}: {response.status_code}"


# The admin for the three administrators of MLPS 2.0 (and the district administrator and the
# superuser for comparison): who reads the audit log, who runs sessions and lockouts, who runs
# accounts and groups. No one of them reads a case record there.

ADMIN_PAGES = {
    "admin:socialwork_auditentry_changelist": {R.AUDITOR},
    "admin:sessions_session_changelist": {R.SECURITY_ADMIN, SUPERUSER},
    "admin:axes_accessattempt_changelist": {R.SECURITY_ADMIN, SUPERUSER},
    "admin:socialwork_user_changelist": {R.SYSTEM_ADMIN, R.SECURITY_ADMIN, SUPERUSER},
    # Groups are the roles of socialwork/roles.py: read, never added or edited (issue 16).
    "admin:auth_group_changelist": {R.SYSTEM_ADMIN, R.SECURITY_ADMIN, SUPERUSER},
    "admin:auth_group_add": set(),
    "admin:socialwork_user_add": {R.SYSTEM_ADMIN, SUPERUSER},
    "admin:socialwork_apitoken_changelist": {R.SECURITY_ADMIN, SUPERUSER},
    "admin:socialwork_apitokenpolicy_changelist": {R.SECURITY_ADMIN, SUPERUSER},  # its one row
    "admin:socialwork_secondfactorpolicy_changelist": {R.SECURITY_ADMIN, SUPERUSER},  # its one row
    # Open, and scoped to nothing, to the roles with the model's view permission; closed to the two
    # technical administrators.
    "admin:casework_case_changelist": {R.DISTRICT_ADMIN, R.AUDITOR, SUPERUSER},
    "admin:casework_client_changelist": {R.DISTRICT_ADMIN, R.AUDITOR, SUPERUSER},
}
ADMIN_ROLES = [R.SYSTEM_ADMIN, R.SECURITY_ADMIN, R.AUDITOR, R.DISTRICT_ADMIN, SUPERUSER]


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("name", sorted(ADMIN_PAGES))
def test_the_admin_pages_of_each_administrator(district, db, role, name):
    response = browser(district, role).get(reverse(name))
    assert (response.status_code == 200) == (role in ADMIN_PAGES[name]), response.status_code
    if response.status_code != 200:
        assert response.status_code in (302, 403), response.status_code


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_no_administrator_reads_a_case_record_in_the_admin(district, db, role):
    case, client = district.objects["case"], district.objects["client"]
    case_link = reverse("admin:casework_case_change", args=[case.pk])
    client_link = reverse("admin:casework_client_change", args=[client.pk])
    browser_ = browser(district, role)
    for url in (case_link, client_link):  # the change pages send them away, or refuse
        page = browser_.get(url, follow=True).content.decode()
        assert case.presenting_problem not in page and client.name not in page, url
    for url, link in (  # searches echo what was searched, so look for the record's link
        (reverse("admin:casework_case_changelist") + f"?q={case.number}", case_link),
        (reverse("admin:casework_client_changelist") + f"?q={client.name}", client_link),
    ):
        assert link not in browser_.get(url).content.decode(), url


# A case labelled sensitive (security label, MLPS 2.0 安全标记) and break-glass: its worker and
# supervisor open it; the station manager and the district administrator, who may open it in an
# emergency, meet a 'restricted case' notice (403) on its page and nothing anywhere else; everyone
# else meets the 404 of any case they do not see. After the station manager breaks glass, the case
# opens to them alone, until the access expires.
LABELLED_OPEN = {R.SOCIAL_WORKER, R.SUPERVISOR}
MAY_BREAK_GLASS = {R.STATION_MANAGER, R.DISTRICT_ADMIN}


def _labelled_case(district):
    from casework import services as casework_services
    from tests.casework.factories import case_in_intervention

    users = district.users
    case = case_in_intervention(users["social_worker"], users["supervisor"])
    casework_services.case_label_set(
        actor=users["social_worker"], case=case, reason="domestic_violence", note=""
    )
    return case, case.clients.get()


def _labelled_outcomes(district, case, client) -> dict[str, tuple[int, int, int, int]]:
    """Each role's status on the case page, the case's API, the client page and the client's API."""
    seen = {}
    for role in ROLES:
        if role == ANONYMOUS:
            continue
        client_ = browser(district, role)
        seen[role] = tuple(
            client_.get(url).status_code
            for url in (
                reverse("casework:case_detail", args=[case.pk]),
                f"/api/v1/cases/{case.pk}/",
                reverse("casework:client_detail", args=[client.pk]),
                f"/api/v1/clients/{client.pk}/",
            )
        )
    return seen


def test_a_labelled_case_opens_to_its_worker_and_supervisor_and_breaks_glass_for_the_manager(district, db):
    from datetime import timedelta

    from django.utils import timezone

    from casework import services as casework_services
    from casework.models import BreakGlass

    case, client = _labelled_case(district)
    seen = _labelled_outcomes(district, case, client)
    for role, statuses in seen.items():
        if role in LABELLED_OPEN:
            assert statuses == (200, 200, 200, 200), role
        elif role in MAY_BREAK_GLASS:
            assert statuses == (403, 404, 404, 404), role  # the notice, and nothing else
        else:
            assert statuses == (404, 404, 404, 404), role
    notice = browser(district, R.STATION_MANAGER).get(case.get_absolute_url()).content.decode()
    assert reverse("casework:break_glass") + f"?number={case.number}" in notice
    assert case.presenting_problem not in notice and client.name not in notice

    manager = district.users[R.STATION_MANAGER]
    opened = casework_services.break_glass_open(actor=manager, case_number=case.number, reason="紧急安置")
    seen = _labelled_outcomes(district, case, client)
    assert seen[R.STATION_MANAGER] == (200, 200, 200, 200)
    assert seen[R.DISTRICT_ADMIN] == (403, 404, 404, 404)  # the manager's access is theirs alone
    assert all(
        seen[role] == (404, 404, 404, 404) for role in seen if role not in LABELLED_OPEN | MAY_BREAK_GLASS
    )

    BreakGlass.objects.filter(pk=opened.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _labelled_outcomes(district, case, client)[R.STATION_MANAGER] == (403, 404, 404, 404)


@pytest.mark.parametrize("role", [role for role in ROLES if role != ANONYMOUS])
def test_only_those_who_may_break_glass_learn_a_labelled_case_exists(district, db, role):
    """The break-glass page answers an unknown number, a case elsewhere and an unlabelled case the
    same; a labelled number opens the case. Everyone else is refused the page."""
    case, _client = _labelled_case(district)
    client_ = browser(district, role)
    url = reverse("casework:break_glass")
    if role not in MAY_BREAK_GLASS:
        assert client_.get(url).status_code == 403
        assert client_.post(url, {"case_number": case.number, "reason": "看看"}).status_code == 403
        return
    answers = [
        client_.post(url, {"case_number": number, "reason": "紧急"})
        for number in ("NO-SUCH-0001", district.objects["case"].number)
    ]
    assert [answer.status_code for answer in answers] == [400, 400]
    assert answers[0].context["form"].errors == answers[1].context["form"].errors
    assert client_.post(url, {"case_number": case.number, "reason": ""}).status_code == 400
    opened = client_.post(url, {"case_number": case.number, "reason": "紧急安置"})
    assert opened.status_code == 302 and opened["Location"] == case.get_absolute_url()


# Two districts in a city (issue 23): each district's administrator and station manager reach
# their own district's records and never the district beside; the city's administrator (the
# district administrator's role, placed at the city) reaches both. One record of each kind, by
# its page and its API detail endpoint; who reaches it in its own district is ACCESS's answer for
# the role they hold.
RECORD_DOORS = [
    "positions:unit_detail", "unit-detail", "region-detail",
    "positions:position_detail", "position-detail", "positions:worker_detail", "worker-detail",
    "appointment-detail", "exam-detail", "positions:award_detail", "award-detail",
    "positions:studio_detail", "studio-detail",
    "training:series_detail", "training-series-detail", "training:session_detail", "training-session-detail",
    "training-trainer-detail",
    "projects:organization_detail", "organization-detail", "projects:call_detail", "call-detail",
    "projects:project_detail", "project-detail",
    "casework:case_detail", "case-detail", "casework:activity_detail", "activity-detail",
    "casework:volunteer_detail", "volunteer-detail", "casework:advocacy_detail", "advocacy-detail",
]  # fmt: skip

# person -> (the role they hold, the districts whose records they reach: "first", "second")
CITY_PEOPLE = {
    "district_admin": (R.DISTRICT_ADMIN, {"first"}),
    "station_manager": (R.STATION_MANAGER, {"first"}),
    "second_admin": (R.DISTRICT_ADMIN, {"second"}),
    "second_manager": (R.STATION_MANAGER, {"second"}),
    "city_admin": (R.DISTRICT_ADMIN, {"first", "second"}),
}


@pytest.fixture(scope="module")
def city_sessions(district):
    people = district.users | district.others
    return {name: _session_of(people[name]) for name in CITY_PEOPLE}


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize("name", RECORD_DOORS)
def test_each_district_reaches_its_own_records_and_the_city_both(district, city_sessions, db, name):
    records = {"first": district.objects, "second": district.second}
    for person, (role, reaches) in CITY_PEOPLE.items():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = city_sessions[person]
        for place, objects in records.items():
            url = reverse(name, kwargs=PATH_ARGS[name](objects))
            status = client.get(url).status_code
            if place in reaches and role in ACCESS[name].roles:
                assert status == 200, (person, place, url, status)
            else:
                assert status in (403, 404), (person, place, url, status)
