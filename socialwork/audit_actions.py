"""Every action the audit log records, declared once with the words its reader sees.

A row keeps its action as a code (`case.view`); the audit log shows the action's label, in the
reader's language. Declare a new action here (or in an app's own `audit_actions` module, found at
start-up like `notifications`), beside the others of its app:

    audit_action("contract.amend", _("Contract amended by a supplementary agreement"))

Three kinds of action are named by rule rather than one by one:

- an admin-edited model's add, change and delete (socialwork.admin_base.AuditedAdmin writes
  `<model>.create|update|delete`): "<the model's name>: created|changed|deleted";
- a list's export (reports.exports writes `<export key>.export`): "List exported";
- a workflow step (`case.<move>`, `project.<move>`, `plan.<decision>`) is declared like any other.

`audit_record` refuses an action with no label while settings.AUDIT_REQUIRE_LABELS is on (tests
and development), so a new action cannot reach the log unlabelled; in production the row is
written anyway and shows its code. tests/socialwork/test_audit_labels.py lists any literal action
in the source that has no label.

Summaries: a row's summary names the record (its number, name or amount), never composes a
sentence; the sentence is the action's label, translated when read.
"""

import re

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, object] = {}

ADMIN_VERBS = {
    "create": _("%(record)s: created"),
    "update": _("%(record)s: changed"),
    "delete": _("%(record)s: deleted"),
}
EXPORT = re.compile(r"^[a-z][a-z0-9_-]*\.export$")


def audit_action(name: str, label) -> str:
    """Declare an action with the words the audit log shows for it; returns its name."""
    ACTIONS[name] = label
    return name


def _model_named(model_name: str):
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return model
    return None


def action_label(name: str):
    """The action's label in the active language, or None when it has none."""
    if name in ACTIONS:
        return ACTIONS[name]
    prefix, _dot, verb = name.rpartition(".")
    if verb in ADMIN_VERBS and (model := _model_named(prefix)) is not None:
        return ADMIN_VERBS[verb] % {"record": model._meta.verbose_name}
    if EXPORT.match(name):
        return _("List exported")
    return None


def action_shown(name: str) -> str:
    """What the reader sees for an action: its label, or its code when it has none."""
    label = action_label(name)
    return str(label) if label is not None else name


# Requests refused, logins and logouts (socialwork.audit).
ACCESS_DENIED = audit_action("access.denied", _("Access denied (no permission)"))
ACCESS_NOT_FOUND = audit_action("access.not_found", _("Access denied (record out of scope or not found)"))
LOGIN = audit_action("login.success", _("Login succeeded"))
LOGIN_FAILED = audit_action("login.failure", _("Login failed"))
LOGOUT = audit_action("logout", _("Logged out"))

# Accounts (socialwork.accounts.services) and API tokens (socialwork.tokens).
audit_action("account.create", _("Account created"))
audit_action("account.place", _("Account's place in the network changed"))
audit_action("account.roles_set", _("Account's roles changed"))
audit_action("account.personal_data_role_grant", _("Role reading personal data granted"))
audit_action("account.deactivate", _("Account deactivated"))
audit_action("account.reactivate", _("Account reactivated"))
audit_action("account.password_reset", _("Password reset by the administrator"))
audit_action("account.unlock", _("Account unlocked"))
audit_action("account.locked", _("Login locked after failed attempts"))
audit_action("address.unlock", _("Address unlocked"))
audit_action("api_token.create", _("API token issued"))
audit_action("api_token.revoke", _("API token revoked"))
audit_action("api_token.policy", _("API token lifetime set"))
# The second factor (socialwork.accounts.twofactor).
audit_action("account.second_factor_enrol", _("Second factor set up"))
audit_action("account.second_factor_reset", _("Second factor reset by the security administrator"))
audit_action("account.recovery_codes_renew", _("Recovery codes renewed"))
audit_action("login.otp_success", _("Second factor passed"))
audit_action("login.otp_failure", _("Second factor failed (wrong code)"))
audit_action("login.recovery_code", _("Logged in with a recovery code"))
audit_action("second_factor.policy", _("Second factor policy changed"))

# Backups (socialwork.backups), made by the nightly task or a command.
audit_action("backup.create", _("Backup made"))
audit_action("backup.failure", _("Backup failed"))
audit_action("backup.restore_check", _("Backup restored in the restore check"))
audit_action("backup.restore_check_failure", _("Backup failed its restore check"))
# The audit log itself (socialwork.audit_chain, the audit log's admin).
AUDIT_ARCHIVED = audit_action("audit.archive", _("Audit log archived to a file"))
AUDIT_EXPORTED = audit_action("audit.export", _("Audit log exported"))
AUDIT_POLICY_SET = audit_action("audit.policy", _("Audit log retention period set"))

# Encrypted columns (socialwork.crypto): a run of `manage.py reencrypt`.
audit_action("fields.reencrypt", _("Encrypted fields re-encrypted under the current key"))

# The network (positions).
audit_action("region.create", _("Region created"))
audit_action("region.update", _("Region changed"))
audit_action("unit.create", _("Service unit created"))
audit_action("unit.update", _("Service unit changed"))
audit_action("position.create", _("Position created"))
audit_action("position.update", _("Position changed"))
audit_action("worker.create", _("Social worker registered"))
audit_action("worker.update", _("Social worker changed"))
audit_action("worker.search", _("Social workers looked up by the digits of an ID number"))
audit_action("appointment.create", _("Appointment made"))
audit_action("appointment.end", _("Appointment ended"))
audit_action("exam.record", _("Exam result recorded"))
audit_action("allowance_policy.create", _("Allowance policy created"))
audit_action("allowance_roll.generate", _("Allowance roll generated"))
audit_action("allowance_roll.close", _("Allowance roll closed"))
audit_action("assessment_scheme.create", _("Assessment scheme created"))
audit_action("assessment_scheme.update", _("Assessment scheme changed"))
audit_action("assessment.create", _("Assessment recorded"))
audit_action("assessment.update", _("Assessment changed"))
audit_action("award.create", _("Award recorded"))
audit_action("award.update", _("Award changed"))
audit_action("studio.create", _("Studio set up"))
audit_action("studio.update", _("Studio changed"))
audit_action("studio_project.create", _("Studio project added"))

# Training.
audit_action("series.create", _("Training series created"))
audit_action("series.update", _("Training series changed"))
audit_action("session.create", _("Training session created"))
audit_action("session.update", _("Training session changed"))
audit_action("enrolment.create", _("Enrolment made"))
audit_action("enrolment.cancel", _("Enrolment cancelled"))
audit_action("enrolment.promote", _("Enrolment moved from the waiting list"))
audit_action("attendance.record", _("Attendance recorded"))
audit_action("attendance.enter", _("Past attendance entered"))
audit_action("certificate.issue", _("Certificate issued"))
audit_action("hours_requirement.set", _("Training hours requirement set"))
audit_action("trainer.create", _("Trainer added"))
audit_action("practice_base.create", _("Practice base added"))

# Casework: clients and cases.
audit_action("client.create", _("Client registered"))
audit_action("client.update", _("Client changed"))
audit_action("client.view", _("Client viewed"))
audit_action("client.list", _("Clients listed"))
audit_action("client.search", _("Clients looked up by name"))
audit_action("client.export", _("Clients exported"))
audit_action("client.subject_export", _("Client's personal data exported for them"))
audit_action("client.remove", _("Client removed"))
audit_action("client.erase", _("Client's personal data erased"))
audit_action("client.duplicate_check", _("Intake duplicate check"))
audit_action("client.probe_report", _("Unusual intake look-ups reported"))
audit_action("case.open", _("Case opened"))
audit_action("case.update", _("Case changed"))
audit_action("case.view", _("Case viewed"))
audit_action("case.list", _("Cases listed"))
audit_action("case.export", _("Cases exported"))
audit_action("case.print", _("Case file printed"))
audit_action("case.assign", _("Case assigned"))
audit_action("case.review", _("Case reviewed"))
audit_action("case.access_request", _("Access to a case requested"))
audit_action("case.access_approve", _("Access to a case approved"))
audit_action("case.access_decline", _("Access to a case declined"))
audit_action("case.revoke", _("Access to a case revoked"))
audit_action("case.label", _("Case labelled sensitive"))
audit_action("case.unlabel", _("Security label of a case removed"))
audit_action("case.break_glass", _("Labelled case opened in an emergency (break-glass)"))
audit_action("client.label", _("Client labelled sensitive"))
audit_action("client.unlabel", _("Security label of a client removed"))
# The case workflow's steps (casework.workflow.MOVES), written as case.<move>.
# case.assess is both the step "start the assessment" and the assessment's record.
audit_action("case.assess", _("Case assessment"))
audit_action("case.plan", _("Case: planning started"))
audit_action("case.intervene", _("Case: intervention started"))
audit_action("case.evaluate", _("Case: evaluation started"))
audit_action("case.resume", _("Case: back to the intervention"))
audit_action("case.close", _("Case closed"))
audit_action("case.reopen", _("Case reopened"))
audit_action("plan.save", _("Service plan saved"))
audit_action("plan.submit", _("Service plan submitted"))
audit_action("plan.approved", _("Service plan approved"))
audit_action("plan.returned", _("Service plan returned"))
audit_action("task.done", _("Plan task done"))
audit_action("note.add", _("Case note added"))
audit_action("home_visit.add", _("Home visit recorded"))
audit_action("referral.add", _("Referral made"))
audit_action("referral.update", _("Referral changed"))
audit_action("follow_up.schedule", _("Follow-up scheduled"))
audit_action("follow_up.done", _("Follow-up done"))
audit_action("closing.request", _("Case closing requested"))
audit_action("closing.returned", _("Case closing returned"))
audit_action("transfer.request", _("Case transfer requested"))
audit_action("transfer.accept", _("Case transfer accepted"))
audit_action("transfer.decline", _("Case transfer declined"))
audit_action("transfer.cancel", _("Case transfer cancelled"))
audit_action("casework_policy.update", _("Casework policy changed"))
audit_action("category.create", _("Case category: created"))
audit_action("category.update", _("Case category: changed"))
audit_action("category.delete", _("Case category: deleted"))

# Casework: groups, community, advocacy.
audit_action("group.create", _("Group created"))
audit_action("group.update", _("Group changed"))
audit_action("group.view", _("Group viewed"))
audit_action("group.member_add", _("Group member added"))
audit_action("group.member_leave", _("Group member left"))
audit_action("group.session_plan", _("Group session planned"))
audit_action("group.session_record", _("Group session recorded"))
audit_action("group.attendance_record", _("Group session attendance recorded"))
audit_action("group.evaluate", _("Group evaluated"))
audit_action("activity.create", _("Community activity created"))
audit_action("activity.update", _("Community activity changed"))
audit_action("volunteer.create", _("Volunteer registered"))
audit_action("volunteer.update", _("Volunteer changed"))
audit_action("volunteer.view", _("Volunteer viewed"))
audit_action("volunteer.hours_add", _("Volunteer hours added"))
audit_action("volunteer.pairing_start", _("Volunteer pairing started"))
audit_action("volunteer.pairing_end", _("Volunteer pairing ended"))
audit_action("advocacy.create", _("Policy proposal created"))
audit_action("advocacy.update", _("Policy proposal changed"))
audit_action("advocacy.submit", _("Policy proposal submitted"))
audit_action("advocacy.respond", _("Response to a policy proposal recorded"))
audit_action("advocacy.case_link", _("Case linked to a policy proposal"))
audit_action("advocacy.case_unlink", _("Case unlinked from a policy proposal"))

# Projects (government purchase of services).
audit_action("organization.create", _("Social organization registered"))
audit_action("organization.update", _("Social organization changed"))
audit_action("organization.teams_add", _("Service teams added to a social organization"))
audit_action("call.create", _("Call for projects created"))
audit_action("call.update", _("Call for projects changed"))
audit_action("project.create", _("Project application created"))
audit_action("project.update", _("Project application changed"))
audit_action("project.document_download", _("Project document downloaded"))
audit_action("project.provider", _("Project provider changed"))
audit_action("project.import", _("Project of a past year imported"))
# The project workflow's steps (projects.workflow.MOVES), written as project.<move>.
audit_action("project.submit", _("Project application submitted"))
audit_action("project.start_review", _("Project review started"))
audit_action("project.return", _("Project application returned"))
audit_action("project.approve", _("Project approved"))
audit_action("project.reject", _("Project rejected"))
audit_action("project.contract", _("Project contracted"))
audit_action("project.start", _("Project work started"))
audit_action("project.request_acceptance", _("Project acceptance requested"))
audit_action("project.complete", _("Project completed"))
audit_action("project.rectify", _("Project sent back for rectification"))
audit_action("project.terminate", _("Project terminated"))
audit_action("review.create", _("Project review scored"))
audit_action("review.update", _("Project review score changed"))
audit_action("procurement.open", _("Procurement opened"))
audit_action("bid.record", _("Bid recorded"))
audit_action("bid.award", _("Bid awarded"))
audit_action("bid.award_rescind", _("Award rescinded"))
audit_action("contract.sign", _("Contract signed"))
audit_action("contract.amend", _("Contract amended by a supplementary agreement"))
audit_action("milestone.complete", _("Milestone completed"))
audit_action("payment.record", _("Payment recorded"))
audit_action("payment.import", _("Past payment imported"))
audit_action("progress_report.submit", _("Progress report submitted"))
audit_action("supervision_visit.record", _("Supervision visit recorded"))
audit_action("acceptance.record", _("Acceptance recorded"))
audit_action("honour.add", _("Honour recorded"))

# Reports.
audit_action("annual_report.request", _("Annual report requested"))
audit_action("annual_report.recover", _("Annual report recovered"))
audit_action("export.download", _("Export downloaded"))
audit_action("archive.request", _("District archive requested"))
audit_action("archive.write", _("District archive written"))
audit_action("archive.download", _("District archive downloaded"))
audit_action("archive.import", _("District archive imported"))
audit_action("import.run", _("Import written"))
audit_action("import.undo", _("Import undone"))

# Local rules (socialwork.local_rules): a district takes a rule of its own, or follows its city's
# default again.
audit_action("local_rule.own", _("District rule set apart from the city's default"))
audit_action("local_rule.adopt", _("District rule returned to the city's default"))
