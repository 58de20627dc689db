"""The labels of the reports app's own audit actions (found by socialwork.apps)."""

from django.utils.translation import gettext_lazy as _

from socialwork.audit_actions import audit_action

audit_action("dossier.request", _("Dossier requested"))
audit_action("dossier.download", _("Dossier downloaded"))
audit_action("statistical_form.define", _("Statistical report form defined"))
audit_action("statistical_return.fill", _("Statistical return filled from the records"))
audit_action("statistical_return.correct", _("Statistical return figure corrected"))
audit_action("statistical_return.submit", _("Statistical return submitted"))
audit_action("statistical_return.return", _("Statistical return returned"))
audit_action("statistical_return.approve", _("Statistical return approved and locked"))
audit_action("statistical_return.reopen", _("Statistical return reopened"))
