from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


# Highest risk first: the stored values do not sort that way by themselves.
RISK_FIRST = models.Case(
    *(
        models.When(risk_level=level, then=models.Value(rank))
        for rank, level in enumerate((RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW))
    ),
    default=models.Value(3),
)


class Approval(models.TextChoices):
    """Where a piece of work that needs the supervisor's approval stands."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
