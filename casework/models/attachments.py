"""Photos and documents on a case's records, and consent a client signed on a phone's screen.

The bytes are stored encrypted at rest (socialwork.crypto.stored) under a random name; a row here
keeps only the reference, the original name (an encrypted column), its type and size, who added
it and when. The rules (who may add, which files, who may open one) live in
casework.services.attachments and casework.selectors.cases_visible_to, never here.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.crypto.fields import EncryptedCharField
from socialwork.crypto.stored import EncryptedFileRef
from socialwork.models import TimeStampedModel

from .cases import Case, ServiceNote
from .clients import Client
from .field import HomeVisit

USER = settings.AUTH_USER_MODEL


class ClientConsent(TimeStampedModel):
    """Informed consent (知情同意) a client, or their guardian, signed on the worker's screen: what
    they consented to, who signed and who took the signature, and when. The client's record
    carries the consent it sets (Client.consents_to_services and consents_to_data_processing)."""

    class Relationship(models.TextChoices):
        SELF = "self", _("The client")
        GUARDIAN = "guardian", _("Guardian")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="signed_consents"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consents",
    )  # fmt: skip
    consents_to_services = models.BooleanField(_("consents to services"), default=False)
    consents_to_data_processing = models.BooleanField(
        _("consents to the processing of their data"), default=False
    )
    signer_name = EncryptedCharField(_("signed by"), max_length=100)
    relationship = models.CharField(
        _("signer's relationship to the client"), max_length=10, choices=Relationship.choices
    )
    signature = EncryptedFileRef(_("signature"))
    taken_by = models.ForeignKey(USER, verbose_name=_("taken by"), on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("signed consent")
        verbose_name_plural = _("signed consents")
        ordering = ["-taken_at", "-pk"]

    def __str__(self):
        return f"#{self.client_id} · {self.taken_at:%Y-%m-%d}"


class Attachment(TimeStampedModel):
    """A photo or document on a case, or on one of its notes, home visits or signed consents."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments"
    )
    note = models.ForeignKey(
        ServiceNote, verbose_name=_("service note"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments",
    )  # fmt: skip
    home_visit = models.ForeignKey(
        HomeVisit, verbose_name=_("home visit"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments",
    )  # fmt: skip
    consent = models.ForeignKey(
        ClientConsent, verbose_name=_("signed consent"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments",
    )  # fmt: skip
    stored = EncryptedFileRef(_("stored file"))
    original_name = EncryptedCharField(_("file name"), max_length=255)
    content_type = models.CharField(pgettext_lazy("attachment", "file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case} · #{self.pk}"

    def get_absolute_url(self):
        return reverse("casework:attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
