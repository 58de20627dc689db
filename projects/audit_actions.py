"""The audit actions of projects' later modules (socialwork.audit_actions holds the first ones)."""

from django.utils.translation import gettext_lazy as _

from socialwork.audit_actions import audit_action

# Review panels (projects.services.panels).
audit_action("panel.create", _("Review panel set up"))
audit_action("panel.update", _("Review panel changed"))
audit_action("panel.application_add", _("Application put before a review panel"))
audit_action("panel.no_conflict_declared", _("No conflict of interest declared"))
audit_action("panel.conflict_declared", _("Conflict of interest declared: reviewer withdrawn"))
audit_action("panel.pack_download", _("Review panel decision pack downloaded"))
