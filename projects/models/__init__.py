"""Community service projects and government purchase of services, from the call to acceptance,
and the social organizations that deliver them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import CheckConstraint, UniqueConstraint
from socialwork.creditcodes import validate_credit_code
from socialwork.local_rules import owner_field
from socialwork.models import TimeStampedModel
from socialwork.money import MoneyField

# The share of a contract held back until acceptance passes: the district sets it per contract,
# within this range (percent). The one place the range is declared.
FINAL_SHARE_MIN, FINAL_SHARE_MAX, FINAL_SHARE_DEFAULT = 10, 30, 10


class ServiceArea(models.TextChoices):
    YOUTH = "youth", _("Youth")
    HEALTH = "health", _("Medical and health")
    CORRECTION = "correction", _("Community correction")
    MILITARY = "military", _("Military families")
    FAMILY = "family", _("Family services")
    LEFT_BEHIND = "left_behind", _("The three left-behind groups")
    SPECIAL_GROUPS = "special_groups", _("Special groups")
    ELDERLY = "elderly", _("Elderly care")
    DISABILITY = "disability", _("Disability rehabilitation")
    OTHER = "other", _("Other")


class SocialOrganization(TimeStampedModel):
    """A social organization that employs social workers or delivers projects."""

    class Kind(models.TextChoices):
        SOCIAL_WORK_INSTITUTION = "institution", _("Private social work institution")
        ASSOCIATION = "association", _("Social group or association")
        FOUNDATION = "foundation", _("Foundation")
        COMMUNITY = "community", _("Community social organization")

    class Registration(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        FILED = "filed", _("Filed")

    class Grade(models.TextChoices):
        NONE = "", _("Not evaluated")
        A1 = "1A", "1A"
        A2 = "2A", "2A"
        A3 = "3A", "3A"
        A4 = "4A", "4A"
        A5 = "5A", "5A"

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMUNITY)
    registration = models.CharField(
        _("registered or filed"), max_length=20, choices=Registration.choices, default=Registration.REGISTERED
    )
    registered_on = models.DateField(_("date registered or filed"), null=True, blank=True)
    region = models.ForeignKey(
        "positions.Region", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organizations",
    )  # fmt: skip
    grade = models.CharField(
        _("evaluation grade"), max_length=2, choices=Grade.choices, blank=True, default=""
    )
    grade_year = models.PositiveSmallIntegerField(_("year of the grade"), null=True, blank=True)
    service_areas = models.JSONField(_("service areas"), default=list, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")
        ordering = ["name"]
        constraints = [
            UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="organization_credit_code_unique",
                field="credit_code",
                violation_error_message=_(
                    "Another organization already has this unified social credit code."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:organization_detail", args=[self.pk])


class ServiceTeam(TimeStampedModel):
    """A professional team an organization fields: rehabilitation trainers, legal-service lawyers,
    psychological counsellors."""

    organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("social organization"),
        on_delete=models.CASCADE,
        related_name="teams",
    )
    name = models.CharField(_("team"), max_length=150)
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("professional service team")
        verbose_name_plural = _("professional service teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(
        ServiceTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    role = models.CharField(_("role"), max_length=100, blank=True)
    worker = models.ForeignKey(
        "positions.SocialWorker",
        verbose_name=_("worker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Stationing(TimeStampedModel):
    """A social worker stationed in, or mentoring, an organization."""

    class Kind(models.TextChoices):
        STATIONED = "stationed", _("Stationed")
        MENTORING = "mentoring", _("Mentoring")

    organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("social organization"),
        on_delete=models.CASCADE,
        related_name="stationings",
    )
    worker = models.ForeignKey(
        "positions.SocialWorker",
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="stationings",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("stationed or mentoring worker")
        verbose_name_plural = _("stationed and mentoring workers")
        ordering = ["-starts_on"]

    def __str__(self):
        return f"{self.worker} · {self.organization}"


class YearBudget(TimeStampedModel):
    """What a district may spend on social work projects in a year (seed 000: 1.29 million in
    2015): the district's own money, so each district keeps its own and follows nobody's. A city
    may keep a budget of its own; it sees its districts' side by side. A row without an owner
    (an installation set up before regions had owners) stands for the whole installation."""

    region = owner_field()
    year = models.PositiveSmallIntegerField(_("year"))
    amount = MoneyField(_("budget (yuan)"))

    class Meta:
        verbose_name = _("year budget")
        verbose_name_plural = _("year budgets")
        ordering = ["-year"]
        constraints = [
            UniqueConstraint(
                fields=["region", "year"],
                name="year_budget_once",
                field="year",
                violation_error_message=_("This district already has a budget for this year."),
            ),
            UniqueConstraint(
                fields=["year"],
                condition=Q(region__isnull=True),
                name="year_budget_once_unowned",
                field="year",
                violation_error_message=_("This district already has a budget for this year."),
            ),
            CheckConstraint(
                condition=Q(amount__gte=0),
                name="year_budget_not_negative",
                field="amount",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.amount}"


class Call(TimeStampedModel):
    """A call for projects: every community plans and applies for at least some each year."""

    class Kind(models.TextChoices):
        MICRO = "micro", _("Community public-welfare micro-project")
        VENTURE = "venture", _("Venture philanthropy")
        PURCHASE = "purchase", _("Government purchase of services")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(pgettext_lazy("call", "title"), max_length=200)
    budget_ceiling = MoneyField(_("ceiling per project (yuan)"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    min_applications_per_community = models.PositiveSmallIntegerField(
        _("applications each community must make"), default=0
    )
    # The place that published the call: its own communities apply, and a city's call reaches the
    # districts under it (socialwork.scoping.shared_down_scope); empty, the whole installation's.
    region = models.ForeignKey(
        "positions.Region", verbose_name=_("published by (region)"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="calls",
    )  # fmt: skip

    class Meta:
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        ordering = ["-year", "-opens_on"]
        constraints = [
            CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="call_closes_after_opening",
                field="closes_on",
                violation_error_message=_("A call cannot close before it opens."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:call_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.projects.exclude(year=self.year).update(year=self.year)  # the year each project keeps


class Project(TimeStampedModel):
    """An application and, once approved, the project it becomes. Its status moves only along the
    workflow in projects/workflow.py, each move recorded as a Transition."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CONTRACTED = "contracted", _("Contracted")
        IN_PROGRESS = "in_progress", _("In progress")
        UNDER_ACCEPTANCE = "under_acceptance", _("Under acceptance")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="projects")
    # The call's year, kept here (by save() and call_save) so that the list sorts on an index.
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    title = models.CharField(pgettext_lazy("project", "title"), max_length=200)
    service_area = models.CharField(
        _("service area"), max_length=20, choices=ServiceArea.choices, db_index=True
    )
    community = models.ForeignKey(
        "positions.Region",
        verbose_name=_("community or area served"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    organization = models.ForeignKey(
        SocialOrganization, verbose_name=_("applying organization"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="projects",
    )  # fmt: skip
    studio = models.ForeignKey(
        "positions.Studio", verbose_name=_("applying studio"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="applications",
    )  # fmt: skip
    beneficiaries = models.CharField(_("beneficiaries"), max_length=200)
    beneficiary_count = models.PositiveIntegerField(_("number of beneficiaries"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    plan_document = models.FileField(_("planning document"), upload_to="projects/plans/", blank=True)
    requested_amount = MoneyField(_("requested (yuan)"), default=0)
    approved_amount = MoneyField(_("approved (yuan)"), null=True, blank=True)
    # Who delivers the project: the awarded bidder once a procurement is awarded (else, from the
    # contract on, the applicant). Its staff run the project; the applicant stays on record.
    provider = models.ForeignKey(
        SocialOrganization, verbose_name=_("provider"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="provided_projects",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]
        indexes = [models.Index(F("year").desc(), F("created_at").desc(), "id", name="project_list_order")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "call" in update_fields:
            self.year = self.call.year
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "year"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])


class BudgetLine(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    item = models.CharField(_("item"), max_length=150)
    amount = MoneyField(_("amount (yuan)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["pk"]
        constraints = [
            CheckConstraint(
                condition=Q(amount__gt=0),
                name="budget_line_positive",
                field="amount",
                violation_error_message=_("The amount must be more than zero."),
            )
        ]

    def __str__(self):
        return f"{self.item}: {self.amount}"


class Transition(models.Model):
    """One move of a project's status: who, when, why."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=20, choices=Project.Status.choices
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Project.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.project}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Review(TimeStampedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)
    # The panel the score was given on (projects.models.panels); none for a district's own review
    # recorded on the project's page.
    panel = models.ForeignKey(
        "projects.ReviewPanel", verbose_name=_("review panel"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="reviews",
    )  # fmt: skip

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["pk"]
        constraints = [
            UniqueConstraint(
                fields=["project", "reviewer"],
                name="review_once_per_reviewer",
                field="reviewer",
                violation_error_message=_("This reviewer has already reviewed this project."),
            ),
            CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="review_score_0_100",
                field="score",
                violation_error_message=_("Enter a score from 0 to 100."),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.score}"


class Procurement(TimeStampedModel):
    class Method(models.TextChoices):
        PUBLIC_SELECTION = "public_selection", _("Public selection")
        OPEN_BIDDING = "open_bidding", _("Open bidding")
        NEGOTIATION = "negotiation", _("Competitive negotiation")
        SINGLE_SOURCE = "single_source", _("Single source")

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="procurement"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")

    def __str__(self):
        return f"{self.project} · {self.get_method_display()}"


class Bid(TimeStampedModel):
    procurement = models.ForeignKey(
        Procurement, verbose_name=_("procurement"), on_delete=models.CASCADE, related_name="bids"
    )
    organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("social organization"),
        on_delete=models.PROTECT,
        related_name="bids",
    )
    price = MoneyField(_("price (yuan)"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    awarded = models.BooleanField(_("awarded"), default=False)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["-score", "price"]
        constraints = [
            UniqueConstraint(
                fields=["procurement", "organization"],
                name="bid_once_per_organization",
                field="organization",
                violation_error_message=_("This organization has already bid in this procurement."),
            ),
            UniqueConstraint(
                fields=["procurement"],
                condition=Q(awarded=True),
                name="bid_one_award",
                field=None,
                violation_error_message=_("Another bid has already won this procurement."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.price}"


class Award(models.Model):
    """One award of a procurement to a bid, by whom and when, and its rescission (by whom, when,
    why) if the district took it back before the contract was signed. The bid's organization
    became the project's provider; `previous_provider` is what a rescission restores."""

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.PROTECT, related_name="awards")
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("procurement", "awarded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded at"), auto_now_add=True)
    previous_provider = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("previous provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rescinded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rescinded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rescinded_at = models.DateTimeField(_("rescinded at"), null=True, blank=True)
    rescind_reason = models.TextField(_("reason for rescinding"), blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["awarded_at", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(rescinded_at__isnull=True) | ~Q(rescind_reason=""),
                name="award_rescinded_with_reason",
                field="rescind_reason",
                violation_error_message=_("Give the reason for rescinding the award."),
            ),
        ]

    def __str__(self):
        return f"{self.bid}"


class Contract(TimeStampedModel):
    """The service contract of an approved project, within the year's budget. Its amount and term
    are the current ones: a supplementary agreement (ContractAmendment) changes them and keeps
    what they were. It pays in instalments tied to its milestones and holds back a final share
    until acceptance passes."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="contract"
    )
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    year = models.PositiveSmallIntegerField(_("budget year"), db_index=True)
    purchaser = models.CharField(_("purchaser"), max_length=150, default="夷陵区民政局")
    organization = models.ForeignKey(
        SocialOrganization, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="contracts"
    )
    amount = MoneyField(_("amount (yuan)"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    signed_on = models.DateField(_("signed on"))
    signed_file = models.FileField(_("signed contract"), upload_to="projects/contracts/", blank=True)
    deliverables = models.TextField(_("deliverables"), blank=True)
    final_share_percent = models.PositiveSmallIntegerField(
        _("final share held until acceptance (%)"), default=FINAL_SHARE_DEFAULT
    )

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-signed_on"]
        constraints = [
            CheckConstraint(
                condition=Q(amount__gt=0),
                name="contract_amount_positive",
                field="amount",
                violation_error_message=_("The amount must be more than zero."),
            ),
            CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
                field="ends_on",
                violation_error_message=_("A contract cannot end before it starts."),
            ),
            CheckConstraint(
                condition=Q(
                    final_share_percent__gte=FINAL_SHARE_MIN, final_share_percent__lte=FINAL_SHARE_MAX
                ),
                name="contract_final_share_in_range",
                field="final_share_percent",
                violation_error_message=format_lazy(
                    _(
                        "The final share held until acceptance must be between {low} and {high} per cent of the contract."
                    ),
                    low=FINAL_SHARE_MIN,
                    high=FINAL_SHARE_MAX,
                ),
            ),
        ]

    def __str__(self):
        return self.number


class ContractAmendment(TimeStampedModel):
    """A supplementary agreement (补充协议) to a signed contract: the amount and term it sets, and
    those it replaced, why, and when it was signed. The contract's current terms are the latest
    agreement's; the first agreement's `previous_*` are the contract as signed."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="amendments"
    )
    amount = MoneyField(_("amount (yuan)"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    previous_amount = MoneyField(_("previous amount (yuan)"))
    previous_starts_on = models.DateField(_("previously from"))
    previous_ends_on = models.DateField(_("previously until"))
    reason = models.TextField(_("reason"))
    signed_on = models.DateField(_("signed on"))
    signed_file = models.FileField(_("signed agreement"), upload_to="projects/contracts/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("supplementary agreement")
        verbose_name_plural = _("supplementary agreements")
        ordering = ["signed_on", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(amount__gt=0),
                name="amendment_amount_positive",
                field="amount",
                violation_error_message=_("The amount must be more than zero."),
            ),
            CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="amendment_ends_after_start",
                field="ends_on",
                violation_error_message=_("A contract cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.contract} · {self.signed_on}"


class Milestone(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"), db_index=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # The instalment the milestone releases once completed (0: none).
    amount = MoneyField(_("instalment (yuan)"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(amount__gte=0),
                name="milestone_amount_not_negative",
                field="amount",
                violation_error_message=_("An instalment cannot be negative."),
            )
        ]

    def __str__(self):
        return self.title


class Payment(TimeStampedModel):
    """An instalment paid under a contract: never more than is due (the instalments of completed
    milestones; the rest only once acceptance passes), never more than the contract."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = MoneyField(_("amount (yuan)"))
    paid_on = models.DateField(_("paid on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_positive",
                field="amount",
                violation_error_message=_("The amount must be more than zero."),
            )
        ]

    def __str__(self):
        return f"{self.contract} {self.amount}"


class ProgressReport(TimeStampedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    period = models.CharField(_("period"), max_length=50)
    content = models.TextField(_("progress"))
    attachment = models.FileField(_("attachment"), upload_to="projects/reports/", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.project} · {self.period}"


class SupervisionVisit(TimeStampedModel):
    class Rating(models.TextChoices):
        GOOD = "good", _("Good")
        SATISFACTORY = "satisfactory", _("Satisfactory")
        NEEDS_IMPROVEMENT = "needs_improvement", _("Needs improvement")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="supervision_visits"
    )
    visited_on = models.DateField(_("visited on"))
    inspector = models.CharField(_("inspector"), max_length=100)
    findings = models.TextField(_("findings"))
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["visited_on"]

    def __str__(self):
        return f"{self.project} · {self.visited_on}"


class Acceptance(TimeStampedModel):
    class Conclusion(models.TextChoices):
        PASS = "pass", _("Pass")
        RECTIFY = "rectify", _("Rectify")
        FAIL = "fail", _("Fail")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="acceptances"
    )
    evaluator = models.CharField(_("evaluator"), max_length=150)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices)
    report = models.FileField(_("evaluation report"), upload_to="projects/acceptance/", blank=True)
    evaluated_on = models.DateField(_("evaluated on"))
    # The concluded final evaluation the acceptance rests on, when there is one.
    evaluation = models.ForeignKey(
        "projects.Evaluation", verbose_name=_("final evaluation"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="acceptances",
    )  # fmt: skip

    class Meta:
        verbose_name = _("acceptance evaluation")
        verbose_name_plural = _("acceptance evaluations")
        ordering = ["evaluated_on", "pk"]

    def __str__(self):
        return f"{self.project} · {self.get_conclusion_display()}"


class Honour(TimeStampedModel):
    """A national excellent case, "one community, one product" and the like."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="honours"
    )
    name = models.CharField(_("honour"), max_length=200)
    awarded_by = models.CharField(_("awarded by"), max_length=150, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year"]

    def __str__(self):
        return self.name


# The models of later issues, in modules of their own, re-exported so that `projects.models` names them all.
from projects.models.evaluations import (  # noqa: E402, F401
    Evaluation,
    EvaluationDomain,
    EvaluationIndicator,
    EvaluationScheme,
    Grade,
    IndicatorScore,
    RectificationItem,
)
from projects.models.panels import (  # noqa: E402, F401
    ConflictDeclaration,
    PanelApplication,
    PanelMember,
    ReviewPanel,
    ReviewRevision,
)
