"""What registration and continuing education write to the audit log and send to people,
declared once (socialwork.audit_actions, socialwork.notifications). Loaded at start-up through
positions.reminders."""

from django.utils.translation import gettext_lazy as _

from socialwork.audit_actions import audit_action
from socialwork.notifications import notification_kind

audit_action("registration_period.create", _("Registration period recorded"))
audit_action("registration_period.update", _("Registration period changed"))
audit_action("registration.renew", _("Registration renewed"))
audit_action("outside_training.create", _("Outside training hours recorded"))
audit_action("outside_training.check", _("Outside training hours checked"))
audit_action("outside_training.download", _("Outside training certificate downloaded"))
audit_action("registrationhourspolicy.create", _("Registration hours requirement created"))
audit_action("registrationhourspolicy.update", _("Registration hours requirement changed"))
audit_action("registrationhourspolicy.delete", _("Registration hours requirement deleted"))

REGISTRATION_RENEWED = notification_kind(
    "registration_renewed", label=_("A registration was renewed (mine, or of my station's workers)")
)
OUTSIDE_TRAINING_RECORDED = notification_kind(
    "outside_training_recorded", label=_("Outside training hours to check (station managers)")
)
