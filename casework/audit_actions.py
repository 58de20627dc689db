"""The audit log's words for the steps of personal information requests (casework.services.
subject_requests), found at start-up beside socialwork.audit_actions."""

from django.utils.translation import gettext_lazy as _

from socialwork.audit_actions import audit_action

audit_action("subject_request.register", _("Personal information request registered"))
audit_action("subject_request.assign", _("Personal information request assigned"))
audit_action("subject_request.answer", _("Personal information request answered"))
audit_action("subject_request.refuse", _("Personal information request refused"))
audit_action("subject_request.close", _("Personal information request closed"))
audit_action("subject_request.copy_download", _("Copy of a client's personal information downloaded"))
audit_action("subject_request_policy.update", _("Personal information requests policy changed"))
audit_action("client.consent_withdraw", _("Client's consent to processing withdrawn"))
audit_action("case.import", _("Case imported from a spreadsheet"))
audit_action("evaluation_sample.draw", _("Evaluation's satisfaction sample drawn"))
audit_action("evaluation_sample.redraw", _("Evaluation's satisfaction sample drawn again"))
audit_action("evaluation_sample.reveal", _("Sampled client's name and phone shown to an evaluator"))
audit_action("evaluation_sample.call", _("Sampled satisfaction call recorded"))
audit_action("satisfaction_question.create", _("Satisfaction question: created"))
audit_action("satisfaction_question.update", _("Satisfaction question: changed"))
audit_action("satisfaction_question.delete", _("Satisfaction question: deleted"))
audit_action("goal.measure_before", _("Goal's measure before the work recorded"))
audit_action("goal.measure_after", _("Goal's measure after the work recorded"))
audit_action("client.merge_send", _("Client sent for merging"))
audit_action("client.merge_propose", _("Merge of two client records proposed"))
audit_action("client.merge", _("Client records merged"))
audit_action("client.merge_reject", _("Merge of two client records rejected"))
audit_action("client.merge_undo", _("Merge of two client records undone"))
audit_action("client.merge_view", _("Merge of two client records viewed"))
audit_action("attachment.add", _("Photos or documents attached to a case"))
audit_action("attachment.open", _("Attachment of a case opened"))
audit_action("consent.sign", _("Client's consent signed on the screen"))
audit_action("task.reopen", _("Plan task marked not done"))
audit_action("follow_up.amend", _("Follow-up's day or result changed"))
audit_action("field_conflict.keep", _("Conflicting edit kept for a choice"))
audit_action("field_conflict.resolve", _("Conflicting edit resolved"))
