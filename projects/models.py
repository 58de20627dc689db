from django.db import models
from django.utils.translation import gettext_lazy as _

from socialwork.models import TimeStampedModel


class SocialOrganization(TimeStampedModel):
    """A social organization that employs social workers or delivers projects.

    The workforce issue needs only its name; the projects issue completes it (credit code check,
    kind, grade, service teams).
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")
        ordering = ["name"]

    def __str__(self):
        return self.name
