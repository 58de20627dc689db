from django.db import models
from django.utils.translation import gettext_lazy as _

from socialwork.constraints import CheckConstraint


class SecondFactorPolicy(models.Model):
    """Which of the roles that may use a second factor must use one: the security administrator's
    choice, one row. The roles that must always use one are socialwork.roles'
    SECOND_FACTOR_REQUIRED_ROLES; this row only adds to them (socialwork.accounts.twofactor)."""

    required_roles = models.JSONField(
        _("also required of"),
        default=list,
        blank=True,
        help_text=_(
            "Holders of these roles must also log in with a second factor. District administrators, "
            "station managers, supervisors, the three administrators and superusers always must."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("second factor policy")
        verbose_name_plural = _("second factor policy")
        constraints = [
            CheckConstraint(
                condition=models.Q(id=1),
                name="second_factor_policy_singleton",
                field=None,
                violation_error_message=_(
                    "There is one second factor policy; change it rather than adding another."
                ),
            )
        ]

    def __str__(self):
        return str(_("second factor policy"))
