from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.crypto.fields import EncryptedTextField
from socialwork.models import TimeStampedModel
from socialwork.money import MoneyField

from .clients import Client, VulnerabilityCategory
from .common import RISK_FIRST, Approval, RiskLevel
from .labels import Labelled, label_constraint

USER = settings.AUTH_USER_MODEL


class Case(Labelled, TimeStampedModel):
    """One piece of casework with one or more clients. Its number is unique per numbering station
    and year, and stays with the case when it is transferred. Its status moves only along
    casework.workflow, each move recorded as a CaseTransition."""

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        REFERRAL = "referral", _("Referral")
        OUTREACH = "outreach", _("Outreach")
        HOTLINE = "hotline", _("Hotline")

    class Status(models.TextChoices):
        INTAKE = "intake", _("Intake")
        ASSESSMENT = "assessment", pgettext_lazy("casework", "Assessment")
        PLANNING = "planning", _("Planning")
        INTERVENTION = "intervention", _("Intervention")
        EVALUATION = "evaluation", _("Evaluation")
        CLOSED = "closed", pgettext_lazy("casework", "Closed")
        REOPENED = "reopened", _("Reopened")

    number = models.CharField(_("case number"), max_length=40, db_index=True)
    numbered_by = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("numbered by"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    clients = models.ManyToManyField(
        Client, through="CaseClient", related_name="cases", verbose_name=_("clients")
    )
    category = models.ForeignKey(
        VulnerabilityCategory, verbose_name=pgettext_lazy("casework", "category"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="cases",
    )  # fmt: skip
    intake_on = models.DateField(_("intake date"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    referred_by = models.CharField(_("referred by"), max_length=100, blank=True)
    presenting_problem = EncryptedTextField(_("presenting problem"))
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="cases"
    )
    # The purchased-services project the work is done under, if any: its dossier and its
    # evaluation's samples count it there (issue 21).
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="cases",
    )  # fmt: skip
    worker = models.ForeignKey(
        USER, verbose_name=_("assigned worker"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="cases",
    )  # fmt: skip
    supervisor = models.ForeignKey(
        USER, verbose_name=_("supervisor"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="supervised_cases",
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INTAKE)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    last_note_on = models.DateField(_("last note on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        USER, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # Kept by casework.services: the station manager of such a client's registering station
    # reaches them through this case, which the client lists read without joining every case.
    clients_elsewhere = models.BooleanField(
        _("has clients registered at another station"), default=False, editable=False
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-intake_on", "-pk"]
        constraints = [
            UniqueConstraint(
                fields=["numbered_by", "year", "sequence"],
                name="case_number_unique",
                field=None,
                violation_error_message=_("Another case took this number at the same moment; save again."),
            ),
            label_constraint("case"),
        ]
        indexes = [
            models.Index(fields=["worker", "status"], name="case_worker_status_idx"),
            models.Index(fields=["station", "status"], name="case_station_status_idx"),
            models.Index(fields=["supervisor", "status"], name="case_supervisor_status_idx"),
            # The lists' order, and the first intake year a person's cases offer as a filter.
            models.Index(fields=["intake_on", "id"], name="case_intake_idx"),
            # The case list in its order, read part by part (socialwork.pages.InParts): a person's
            # own cases and those they supervise, each from one end of its index.
            models.Index(
                fields=["worker", "intake_on", "id"],
                condition=Q(removed_at__isnull=True),
                name="case_worker_intake_idx",
            ),
            models.Index(
                fields=["supervisor", "intake_on", "id"],
                condition=Q(removed_at__isnull=True),
                name="case_supervisor_intake_idx",
            ),
            # My cases: a worker's open cases in their order, a page read from one end and counted
            # without the table.
            models.Index(
                F("worker"),
                RISK_FIRST,
                F("last_note_on"),
                F("id"),
                condition=Q(removed_at__isnull=True) & ~Q(status="closed"),
                name="case_my_open_idx",
            ),  # fmt: skip
            models.Index(
                fields=["station"],
                condition=models.Q(clients_elsewhere=True),
                name="case_clients_elsewhere_idx",
            ),
            # The figures' cases opened and closed in a year, by place and category, counted from
            # the index alone (reports.figures): a province's figures read a year's entries of each
            # station, not its ten million cases.
            models.Index(
                fields=["station", "intake_on"],
                include=["category", "id"],
                condition=Q(removed_at__isnull=True),
                name="case_station_intake_idx",
            ),
            models.Index(
                fields=["station", "closed_on"],
                include=["category", "status", "id"],
                condition=Q(removed_at__isnull=True),
                name="case_station_closed_idx",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("casework:case_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class CaseClient(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="case_clients"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="case_links"
    )
    primary = models.BooleanField(_("main client"), default=False)

    class Meta:
        verbose_name = _("client of a case")
        verbose_name_plural = _("clients of cases")
        constraints = [
            UniqueConstraint(
                fields=["case", "client"],
                name="case_client_unique",
                field="client",
                violation_error_message=_("This client is already on the case."),
            ),
            UniqueConstraint(
                fields=["case"],
                condition=Q(primary=True),
                name="case_one_primary_client",
                field="primary",
                violation_error_message=_("A case has one main client."),
            ),
        ]

    def __str__(self):
        return f"{self.case} · {self.client}"


class CaseTransition(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        pgettext_lazy("casework", "from"), max_length=20, choices=Case.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Case.Status.choices)
    actor = models.ForeignKey(
        USER, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Landed in `to_status` by an import (casework.imports) rather than by a step taken here; the
    # reason names the sheet and row it came from.
    imported = models.BooleanField(_("imported"), default=False)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("case status change")
        verbose_name_plural = _("case status changes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class AccessGrant(TimeStampedModel):
    """A request that one more person may see one case, for a reason, until a day. A district
    administrator asks; another one, neither the asker nor the person, approves or declines. Only
    an approved grant that has not ended or been revoked lets the person see the case."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("access grant", "Requested")
        APPROVED = "approved", pgettext_lazy("access grant", "Approved")
        DECLINED = "declined", pgettext_lazy("access grant", "Declined")
        REVOKED = "revoked", pgettext_lazy("access grant", "Revoked")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.CASCADE, related_name="case_grants"
    )
    reason = models.CharField(_("reason"), max_length=200)
    expires_on = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(
        USER, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(pgettext_lazy("decision", "comment"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        USER, verbose_name=_("revoked by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-created_at"]
        constraints = [
            # Grants made before a second person had to approve are kept, revoked, when self-made.
            CheckConstraint(
                condition=~Q(user=F("requested_by")) | Q(status="revoked"),
                name="accessgrant_not_to_self",
                field="user",
                violation_error_message=_(
                    "Nobody is granted access by their own request: name someone else."
                ),
            ),
            CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (~Q(decided_by=F("requested_by")) & ~Q(decided_by=F("user"))),
                name="accessgrant_second_person_decides",
                field="decided_by",
                violation_error_message=_(
                    "Access is decided by someone other than the person who asked for it and the person it is for."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.case} → {self.user}"

    @property
    def gives_access(self) -> bool:
        from django.utils import timezone

        return self.status == self.Status.APPROVED and self.expires_on >= timezone.localdate()


class Assessment(TimeStampedModel):
    """Needs, strengths and risk across the domains of a client's life."""

    class Domain(models.TextChoices):
        ECONOMIC = "economic", _("Economic")
        HEALTH = "health", _("Health")
        EDUCATION = "education", pgettext_lazy("casework", "Education")
        EMPLOYMENT = "employment", _("Employment")
        FAMILY = "family", _("Family")
        PSYCHOLOGICAL = "psychological", _("Psychological")
        SOCIAL_SUPPORT = "social_support", _("Social support")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    summary = EncryptedTextField(_("summary"), blank=True)
    risk_level = models.CharField(_("overall risk"), max_length=10, choices=RiskLevel.choices)
    author = models.ForeignKey(
        USER, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("casework", "assessment")
        verbose_name_plural = pgettext_lazy("casework", "assessments")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.case} · {self.assessed_on}"


class AssessmentDomain(models.Model):
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=pgettext_lazy("casework", "assessment"),
        on_delete=models.CASCADE,
        related_name="domains",
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Assessment.Domain.choices)
    needs = EncryptedTextField(_("needs"), blank=True)
    strengths = EncryptedTextField(_("strengths"), blank=True)
    risk = models.CharField(_("risk"), max_length=10, choices=RiskLevel.choices, blank=True)

    class Meta:
        verbose_name = _("assessment domain")
        verbose_name_plural = _("assessment domains")
        constraints = [
            UniqueConstraint(
                fields=["assessment", "domain"],
                name="assessment_domain_unique",
                field="domain",
                violation_error_message=_("This domain is already in the assessment."),
            )
        ]

    def __str__(self):
        return self.get_domain_display()


class ServicePlan(TimeStampedModel):
    """Goals with indicators and tasks with owners and dates. The supervisor approves it or returns
    it with a comment; a returned plan is changed and submitted again."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=Approval.choices, default=Approval.DRAFT)
    author = models.ForeignKey(USER, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("supervisor's comment"), blank=True)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["case", "version"]
        constraints = [
            UniqueConstraint(
                fields=["case", "version"],
                name="plan_version_unique",
                field=None,
                violation_error_message=_(
                    "Another version of this plan was saved at the same moment; open the case again and retry."
                ),
            )
        ]

    def __str__(self):
        return f"{self.case} · v{self.version}"


class PlanRound(models.Model):
    """One round of a service plan's approval: what was sent to the supervisor, by whom and when,
    and what they decided, with their comment. A plan returned and sent again has a round for
    each time, so every return and its comment stays on the case's timeline."""

    class Outcome(models.TextChoices):
        APPROVED = Approval.APPROVED.value, Approval.APPROVED.label
        RETURNED = Approval.RETURNED.value, Approval.RETURNED.label

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="rounds")
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    goals = models.JSONField(_("goals as submitted"), default=list, blank=True)
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("supervisor's comment"), blank=True)

    class Meta:
        verbose_name = _("round of plan approval")
        verbose_name_plural = _("rounds of plan approval")
        ordering = ["plan", "submitted_at", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["plan"],
                condition=Q(decided_at__isnull=True),
                name="plan_round_one_open_per_plan",
                field=None,
                violation_error_message=_("This plan is already waiting for the supervisor's decision."),
            ),
            CheckConstraint(
                condition=Q(outcome="", decided_at__isnull=True)
                | (~Q(outcome="") & Q(decided_at__isnull=False)),
                name="plan_round_decided_with_outcome",
                field="outcome",
                violation_error_message=_(
                    "A decided round needs its outcome, and an undecided one has none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.submitted_at:%Y-%m-%d}"


class PlanGoal(models.Model):
    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("service plan"), on_delete=models.CASCADE, related_name="goals"
    )
    """A goal of the plan and, under MZ/T 094, the measure that shows whether it was reached: a
    scale (抑郁自评量表 SDS) or a rating (1–10) taken before the work and after it. At closing the
    worker states whether the goal was reached, partly or not, with the evidence."""

    class MeasureKind(models.TextChoices):
        SCORE = "score", _("Scale score")
        RATING = "rating", pgettext_lazy("measure", "Rating")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Outcome(models.TextChoices):
        REACHED = "reached", pgettext_lazy("goal outcome", "Reached")
        PARTLY = "partly", _("Partly reached")
        NOT_REACHED = "not_reached", _("Not reached")

    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("service plan"), on_delete=models.CASCADE, related_name="goals"
    )
    description = models.CharField(_("goal"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=300, blank=True)
    reached = models.BooleanField(_("reached"), null=True, blank=True)
    measure = models.CharField(
        _("measure"), max_length=120, blank=True, help_text=_("The scale or rating, e.g. 抑郁自评量表 SDS.")
    )
    measure_kind = models.CharField(
        _("kind of measure"), max_length=10, choices=MeasureKind.choices, blank=True
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, blank=True)
    before_value = models.DecimalField(_("before"), max_digits=8, decimal_places=2, null=True, blank=True)
    before_on = models.DateField(_("measured before on"), null=True, blank=True)
    after_value = models.DecimalField(_("after"), max_digits=8, decimal_places=2, null=True, blank=True)
    after_on = models.DateField(_("measured after on"), null=True, blank=True)
    outcome = models.CharField(
        pgettext_lazy("goal", "outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    evidence = EncryptedTextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(before_value__isnull=True) | Q(before_on__isnull=False),
                name="goal_before_dated",
                field="before_on",
                violation_error_message=_("Give the date the measure was taken before."),
            ),
            CheckConstraint(
                condition=Q(after_value__isnull=True) | Q(after_on__isnull=False),
                name="goal_after_dated",
                field="after_on",
                violation_error_message=_("Give the date the measure was taken after."),
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def change(self):
        """After minus before, when both were taken."""
        if self.before_value is None or self.after_value is None:
            return None
        return self.after_value - self.before_value

    @property
    def improved(self):
        """Whether the change goes the better way (None when it cannot be told)."""
        change = self.change
        if change is None or not change or self.direction not in self.Direction.values:
            return None
        return (change > 0) == (self.direction == self.Direction.HIGHER)


class PlanTask(models.Model):
    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("service plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    goal = models.ForeignKey(
        PlanGoal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    description = models.CharField(_("task"), max_length=300)
    owner = models.CharField(_("owner"), max_length=100)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # Raised by one at every change (casework.services.versions): an edit made on an older version
    # is checked field by field (casework.services.conflicts).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description


class ServiceNote(TimeStampedModel):
    class Method(models.TextChoices):
        HOME_VISIT = "home_visit", _("Home visit")
        OFFICE = "office", _("Office")
        PHONE = "phone", _("Phone")
        ONLINE = "online", _("Online")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField(_("date"))
    method = models.CharField(pgettext_lazy("service note", "method"), max_length=20, choices=Method.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    content = EncryptedTextField(_("what happened"))
    author = models.ForeignKey(USER, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("service note")
        verbose_name_plural = _("service notes")
        ordering = ["-noted_on", "-pk"]
        constraints = [
            CheckConstraint(
                condition=Q(minutes__gt=0),
                name="note_minutes_positive",
                field="minutes",
                violation_error_message=_("Give the minutes spent, more than zero."),
            )
        ]
        indexes = [models.Index(fields=["case", "noted_on"], name="note_case_date_idx")]

    def __str__(self):
        return f"{self.case} · {self.noted_on}"


class Referral(TimeStampedModel):
    """A resource linked for the client: a department, organization or person asked for something,
    and what came of it (compensation obtained, tuition waived, a job found)."""

    class TargetKind(models.TextChoices):
        DEPARTMENT = "department", _("Government department")
        ORGANIZATION = "organization", _("Organization")
        PERSON = "person", _("Person")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        IN_PROGRESS = "in_progress", pgettext_lazy("casework", "In progress")
        SUCCEEDED = "succeeded", _("Succeeded")
        DECLINED = "declined", _("Declined")

    class Outcome(models.TextChoices):
        NONE = "", _("—")
        FINANCIAL_AID = "financial_aid", _("Financial aid")
        COMPENSATION = "compensation", _("Compensation obtained")
        FEES_WAIVED = "fees_waived", _("Fees or tuition waived")
        JOB = "job", _("A job found")
        SUBSIDY = "subsidy", _("Subsidy or allowance granted")
        SERVICE = "service", _("Service provided")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals")
    target_kind = models.CharField(_("to a"), max_length=20, choices=TargetKind.choices)
    target = models.CharField(_("to whom"), max_length=200)
    organization = models.ForeignKey(
        "projects.SocialOrganization", verbose_name=_("social organization"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="referrals",
    )  # fmt: skip
    request = EncryptedTextField(_("what was asked"))
    referred_on = models.DateField(_("referred on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    outcome_note = EncryptedTextField(_("outcome in words"), blank=True)
    amount = MoneyField(_("amount obtained (yuan)"), null=True, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    answer_by = models.DateField(
        _("answer expected by"), null=True, blank=True,
        help_text=_("The date by which the receiver should answer."),
    )  # fmt: skip
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    outcome_by = models.DateField(
        _("outcome expected by"), null=True, blank=True,
        help_text=_("The date by which the referral should have a result."),
    )  # fmt: skip
    author = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["referred_on", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="referral_amount_ok",
                field="amount",
                violation_error_message=_("The amount cannot be negative."),
            )
        ]

    def __str__(self):
        return self.target


class FollowUp(TimeStampedModel):
    """A planned follow-up of a case: during the case (跟进), after its closing (结案回访, scheduled
    when the closing is approved), or a call or visit of a case an evaluation sampled. One done
    after closing or sampled carries the satisfaction questionnaire (casework.models.followups)."""

    class Kind(models.TextChoices):
        DURING = "during", _("During the case")
        AFTER_CLOSING = "after_closing", _("After closing")
        SAMPLED = "sampled", _("Evaluation sample")

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Home visit")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField(
        pgettext_lazy("follow-up", "kind"), max_length=20, choices=Kind.choices, default=Kind.DURING,
        db_index=True,
    )  # fmt: skip
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, blank=True)
    due_on = models.DateField(_("due on"), db_index=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    # The questionnaire's free comment and the average of its answers, kept when it is recorded
    # (whether it counts as satisfied is the district's threshold, CaseworkPolicy.satisfied_from).
    comment = EncryptedTextField(_("the client's comment"), blank=True)
    satisfaction_average = models.DecimalField(
        _("average satisfaction"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    author = models.ForeignKey(USER, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+")
    done_by = models.ForeignKey(
        USER, verbose_name=_("done by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.case} · {self.due_on}"


class SupervisorReview(TimeStampedModel):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    comments = models.TextField(_("comments"))
    advice = models.TextField(_("advice to the worker"), blank=True)
    supervisor = models.ForeignKey(
        USER, verbose_name=_("supervisor"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("supervisor review")
        verbose_name_plural = _("supervisor reviews")
        ordering = ["reviewed_on", "pk"]

    def __str__(self):
        return f"{self.case} · {self.reviewed_on}"


class Closing(TimeStampedModel):
    """The request to close a case: why, which goals were reached, what the client said. The
    supervisor approves it (the case closes) or returns it with a comment."""

    class Reason(models.TextChoices):
        GOALS_REACHED = "goals_reached", _("Goals reached")
        CLIENT_WITHDREW = "client_withdrew", _("The client withdrew")
        MOVED_AWAY = "moved_away", _("The client moved away")
        REFERRED_ON = "referred_on", _("Referred to another service")
        NO_CONTACT = "no_contact", _("Contact lost")
        DIED = "died", _("The client died")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="closings")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    summary = EncryptedTextField(_("summary of the work"))
    goals_reached = EncryptedTextField(_("goals reached"), blank=True)
    client_feedback = EncryptedTextField(_("the client's feedback"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True, choices=[(n, str(n)) for n in range(1, 6)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Approval.choices, default=Approval.SUBMITTED
    )
    author = models.ForeignKey(
        USER, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("supervisor's comment"), blank=True)

    class Meta:
        verbose_name = _("closing")
        verbose_name_plural = _("closings")
        ordering = ["created_at", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["case"],
                condition=Q(status="submitted"),
                name="closing_one_pending_per_case",
                field=None,
                violation_error_message=_("A closing of this case already waits for a decision."),
            )
        ]

    def __str__(self):
        return f"{self.case} · {self.get_reason_display()}"


class Transfer(TimeStampedModel):
    """A case handed to another worker or station, which accepts or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="transfers")
    from_station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("from station"), on_delete=models.PROTECT, related_name="+"
    )
    from_worker = models.ForeignKey(
        USER, verbose_name=_("from worker"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("to station"), on_delete=models.PROTECT, related_name="+"
    )
    to_worker = models.ForeignKey(
        USER, verbose_name=_("to worker"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="incoming_transfers",
    )  # fmt: skip
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        USER, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(pgettext_lazy("decision", "comment"), blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["created_at", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_case",
                field=None,
                violation_error_message=_("A transfer of this case already waits for a decision."),
            ),
            CheckConstraint(
                condition=~Q(to_worker=F("from_worker")) | ~Q(to_station=F("from_station")),
                name="transfer_goes_somewhere",
                field="to_worker",
                violation_error_message=_("A transfer goes to another worker or another station."),
            ),
        ]

    def __str__(self):
        return f"{self.case} → {self.to_station}"
