from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.models import TimeStampedModel

from .clients import Client, VulnerabilityCategory

USER = settings.AUTH_USER_MODEL


class Group(TimeStampedModel):
    """Group work: a worker runs planned sessions with members who are clients. It is seen by the
    people who see cases at its station: its worker, its supervisor and the station manager."""

    class Kind(models.TextChoices):
        SUPPORT = "support", _("Support group")
        GROWTH = "growth", _("Growth group")
        EDUCATION = "education", _("Educational group")
        THERAPY = "therapy", _("Therapeutic group")
        MUTUAL_AID = "mutual_aid", _("Mutual aid group")
        RECREATION = "recreation", _("Recreational group")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey(
        VulnerabilityCategory, verbose_name=_("served group"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="groups",
    )  # fmt: skip
    aims = models.TextField(_("aims"))
    station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="groups"
    )
    # The purchased-services project the work is done under, if any: its dossier and its
    # evaluation's samples count it there (issue 21).
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="groups",
    )  # fmt: skip
    community = models.ForeignKey(
        "positions.Region", verbose_name=_("community or village"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="groups",
    )  # fmt: skip
    worker = models.ForeignKey(
        USER, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="work_groups"
    )
    supervisor = models.ForeignKey(
        USER, verbose_name=_("supervisor"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    evaluation = models.TextField(_("evaluation"), blank=True)
    aims_met = models.BooleanField(_("aims met"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("casework", "group")
        verbose_name_plural = pgettext_lazy("casework", "groups")
        ordering = ["-starts_on", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="group_dates_ok",
                field="ends_on",
                violation_error_message=_("A group cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("casework:group_detail", args=[self.pk])


class GroupMember(TimeStampedModel):
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("casework", "group"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="group_memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["group", "client"],
                name="group_member_unique",
                field="client",
                violation_error_message=_("This client is already a member of the group."),
            )
        ]

    def __str__(self):
        return str(self.client)


class GroupSession(TimeStampedModel):
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("casework", "group"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("casework", "session"))
    planned_on = models.DateField(_("planned for"))
    theme = models.CharField(_("theme"), max_length=200)
    plan = models.TextField(_("plan"), blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    record = models.TextField(_("what happened"), blank=True)

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["group", "number"]
        constraints = [
            UniqueConstraint(
                fields=["group", "number"],
                name="group_session_number_unique",
                field="number",
                violation_error_message=_("Another session took this number at the same moment; save again."),
            )
        ]

    def __str__(self):
        return f"{self.group} #{self.number}"


class GroupAttendance(models.Model):
    session = models.ForeignKey(
        GroupSession,
        verbose_name=pgettext_lazy("casework", "session"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    member = models.ForeignKey(
        GroupMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("group attendance")
        verbose_name_plural = _("group attendance")
        constraints = [
            UniqueConstraint(
                fields=["session", "member"],
                name="group_attendance_unique",
                field="member",
                violation_error_message=_("This member's attendance at this session is already recorded."),
            )
        ]

    def __str__(self):
        return f"{self.session} · {self.member}"
