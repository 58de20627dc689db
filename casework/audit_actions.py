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
