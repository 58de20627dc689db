"""A client's requests under the Personal Information Protection Law (个人信息保护法, arts. 15 and
44-48): to see, copy, correct or delete what is held about them, to have its processing explained,
or to withdraw their consent to it. Each is registered with the day it was received and answered
within the district's number of working days (`SubjectRequestPolicy`)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint
from socialwork.models import TimeStampedModel

USER = settings.AUTH_USER_MODEL


class SubjectRequestPolicy(TimeStampedModel):
    """How long the district takes to answer a request, counted in working days: Mondays to
    Fridays, less the public holidays it lists, plus the weekend days it lists as worked (调休)."""

    answer_working_days = models.PositiveSmallIntegerField(
        _("working days to answer a request"),
        default=15,
        help_text=_(
            "The Personal Information Protection Law asks for a timely answer; 15 working days is usual."
        ),
    )
    holidays = models.JSONField(_("public holidays"), default=list, blank=True)
    working_weekend_days = models.JSONField(_("weekend days worked (调休)"), default=list, blank=True)

    class Meta:
        verbose_name = _("personal information requests policy")
        verbose_name_plural = _("personal information requests policy")
        constraints = [
            CheckConstraint(
                condition=Q(pk=1),
                name="subject_request_policy_single_row",
                field=None,
                violation_error_message=_(
                    "There is one requests policy; change it rather than adding another."
                ),
            )
        ]

    def __str__(self):
        return str(_("Personal information requests policy"))

    @classmethod
    def current(cls) -> "SubjectRequestPolicy":
        return cls.objects.get_or_create(pk=1)[0]


class SubjectRequest(TimeStampedModel):
    """One request of a client about their personal information. The client is kept by link and by
    number: once the client is erased for good the request stays, naming them by number."""

    class Kind(models.TextChoices):
        ACCESS = "access", pgettext_lazy("personal information", "Access")
        COPY = "copy", pgettext_lazy("personal information", "Copy")
        CORRECTION = "correction", pgettext_lazy("personal information", "Correction")
        DELETION = "deletion", pgettext_lazy("personal information", "Deletion")
        WITHDRAWAL = "withdrawal", _("Withdrawal of consent")
        EXPLANATION = "explanation", _("Explanation of the processing")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")
        LETTER = "letter", _("By letter")
        EMAIL = "email", _("By email")
        ONLINE = "online", _("Online")

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("personal information request", "Registered")
        ASSIGNED = "assigned", pgettext_lazy("personal information request", "Assigned")
        ANSWERED = "answered", pgettext_lazy("personal information request", "Answered")
        CLOSED = "closed", pgettext_lazy("personal information request", "Closed")
        REFUSED = "refused", pgettext_lazy("personal information request", "Refused")

    client = models.ForeignKey(
        "casework.Client", verbose_name=_("client"), on_delete=models.SET_NULL, null=True,
        related_name="subject_requests",
    )  # fmt: skip
    client_number = models.PositiveIntegerField(_("client number"))
    station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("request"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("how received"), max_length=20, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due by"), db_index=True)
    details = models.TextField(_("what the client asks"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    registered_by = models.ForeignKey(
        USER, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        USER, verbose_name=_("assigned to"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)
    copy_file = models.FileField(
        _("copy of the personal information"), upload_to="subject_requests/", blank=True
    )
    deletion_report = models.JSONField(_("what was deleted and what is kept"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal information request")
        verbose_name_plural = _("personal information requests")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["station", "status"], name="subject_request_station_idx")]
        constraints = [
            CheckConstraint(
                condition=Q(due_on__gte=F("received_on")),
                name="subject_request_due_after_received",
                field="due_on",
                violation_error_message=_("The answer cannot be due before the request was received."),
            ),
            CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="subject_request_refusal_has_reason",
                field="refusal_reason",
                violation_error_message=_("Say why the request is refused."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("casework:subject_request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.REGISTERED, self.Status.ASSIGNED)


class SubjectRequestStep(models.Model):
    """A step on a request's own timeline: who did what, when, with their words. The audit log
    holds the same step for the auditor."""

    class Action(models.TextChoices):
        REGISTER = "register", pgettext_lazy("personal information request", "Registered")
        ASSIGN = "assign", pgettext_lazy("personal information request", "Assigned")
        ANSWER = "answer", pgettext_lazy("personal information request", "Answered")
        REFUSE = "refuse", pgettext_lazy("personal information request", "Refused")
        CLOSE = "close", pgettext_lazy("personal information request", "Closed")

    request = models.ForeignKey(
        SubjectRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("step"), max_length=40, choices=Action.choices)
    actor = models.ForeignKey(
        USER, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal information request step")
        verbose_name_plural = _("personal information request steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request}: {self.action}"
