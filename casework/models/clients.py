from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialwork.constraints import UniqueConstraint
from socialwork.crypto.fields import DerivedColumnsMixin, DigestField, EncryptedCharField, ShownMaskField
from socialwork.local_rules import RuleTable, local_rule, owner_field, rule_for
from socialwork.models import TimeStampedModel

from .labels import Labelled, label_constraint


class VulnerabilityCategory(TimeStampedModel):
    """A group the district serves. The built-in ones come from a migration with a code (and a
    translated label); the district adds others by name."""

    code = models.SlugField(_("code"), max_length=40, unique=True, null=True, blank=True)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("vulnerability category")
        verbose_name_plural = _("vulnerability categories")
        ordering = ["order", "name"]

    def __str__(self):
        from casework.categories import BUILT_IN

        return str(BUILT_IN.get(self.code, self.name))


class Client(Labelled, DerivedColumnsMixin, TimeStampedModel):
    """A person served. The ID number, phone and address are encrypted in the database; the ID
    number's keyed digest lets intake find a person already known without decrypting anyone."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_number = EncryptedCharField(_("ID number"), max_length=18, null=True, blank=True)
    id_number_digest = DigestField(
        _("ID number digest"), source="id_number", purpose="casework.client.id_number",
        normalize="socialwork.idnumbers.normalize", db_index=True,
    )  # fmt: skip
    id_number_masked = ShownMaskField(
        _("ID number as shown"), source="id_number", mask="casework.masking.mask_id_number", max_length=18
    )
    phone = EncryptedCharField(_("phone"), max_length=30, null=True, blank=True)
    phone_masked = ShownMaskField(_("phone as shown"), source="phone", mask="casework.masking.mask_phone")
    address = EncryptedCharField(_("address"), max_length=200, null=True, blank=True)
    community = models.ForeignKey(
        "positions.Region", verbose_name=_("community or village"), on_delete=models.PROTECT,
        related_name="clients",
    )  # fmt: skip
    station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("registered at"), on_delete=models.PROTECT,
        related_name="clients",
    )  # fmt: skip
    categories = models.ManyToManyField(
        VulnerabilityCategory, verbose_name=_("vulnerability categories"), blank=True, related_name="clients"
    )
    consents_to_services = models.BooleanField(_("consents to services"), default=False)
    consents_to_data_processing = models.BooleanField(
        _("consents to the processing of their data"), default=False
    )
    consent_recorded_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    # Set by a request to withdraw consent (casework.services.subject_requests): no new processing.
    consent_withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)
    known_elsewhere = models.BooleanField(
        _("already known elsewhere in the district at registration"), default=False,
        help_text=_("Someone with the same ID number, or the same name and date of birth, was on record."),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True, db_index=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("removed by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    removal_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)
    # Set by an approved merge (casework.services.merges): the record is hidden everywhere, its
    # address says where it went, until the merge is undone or the retention policy erases it.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="merged_records", editable=False,
    )  # fmt: skip
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True, editable=False)
    # Raised by one at every change (casework.services.versions).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["name", "birth_date"], name="client_name_birth_idx")]
        constraints = [label_constraint("client")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("casework:client_detail", args=[self.pk])

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class HouseholdMember(TimeStampedModel):
    """A member of a client's household. The situation is encrypted like the client's own
    details; the name stays plain, as every person's name does, so that it can be searched."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        GRANDPARENT = "grandparent", _("Grandparent")
        GRANDCHILD = "grandchild", _("Grandchild")
        OTHER = "other", _("Other")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="household"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    situation = EncryptedCharField(
        _("situation"), max_length=200, blank=True, help_text=_("Work, school, health.")
    )  # encrypted; the name stays plain (the admin finds a member by it)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["client", "pk"]

    def __str__(self):
        return f"{self.name} ({self.get_relation_display()})"


class CaseworkPolicy(TimeStampedModel):
    """A district's settings for case records: its own row, or its city's default it follows (a
    local rule, socialwork.local_rules). What applies to a record is the policy of the place the
    record lies in (`at`, or `CaseworkPolicy.table()` for a task over many districts' records)."""

    region = owner_field()

    retention_days = models.PositiveIntegerField(
        _("retention of removed clients (days)"),
        default=3 * 365,
        help_text=_("A removed client and their cases are kept this long, then erased for good."),
    )
    quiet_case_days = models.PositiveSmallIntegerField(
        _("days without a note before an open case is flagged"), default=30
    )
    grant_max_days = models.PositiveSmallIntegerField(
        _("longest access grant (days)"),
        default=30,
        help_text=_("An access grant to a case lasts at most this many days from its request."),
    )
    break_glass_hours = models.PositiveSmallIntegerField(
        _("emergency access to a labelled case (hours)"),
        default=4,
        help_text=_(
            "A station manager or district administrator who opens a case labelled sensitive, giving a "
            "reason, sees it for this many hours."
        ),
    )
    follow_up_after_days = models.PositiveSmallIntegerField(
        _("follow-up after closing (days)"),
        default=30,
        help_text=_("When a closing is approved, a follow-up after closing is planned this many days later."),
    )
    satisfied_from = models.DecimalField(
        _("satisfied from (average, 1–5)"),
        max_digits=3,
        decimal_places=2,
        default=4,
        help_text=_("A questionnaire whose answers average at least this much counts as satisfied."),
    )
    referral_answer_days = models.PositiveSmallIntegerField(
        _("days for the receiver to answer a referral"),
        default=10,
        help_text=_("A new referral expects an answer this many days after it was made, unless given."),
    )
    referral_outcome_days = models.PositiveSmallIntegerField(
        _("days for a referral to have a result"),
        default=60,
        help_text=_("A new referral expects a result this many days after it was made, unless given."),
    )
    offline_hours = models.PositiveSmallIntegerField(
        _("hours a phone keeps case records without reaching the server"),
        default=72,
        help_text=_(
            "A social worker's phone that has not reached the server for this long clears the case "
            "records it keeps for field work."
        ),
    )
    referral_escalate_days = models.PositiveSmallIntegerField(
        _("days overdue before the supervisor hears of a referral"),
        default=7,
        help_text=_(
            "The worker is reminded when a referral is overdue; the supervisor this many days later."
        ),
    )

    class Meta:
        verbose_name = _("case records policy")
        verbose_name_plural = _("case records policy")
        constraints = [
            UniqueConstraint(
                fields=["region"],
                name="casework_policy_once",
                field=None,
                violation_error_message=_("This district already has its case records policy."),
            ),
        ]

    def __str__(self):
        if self.region_id:
            return f"{_('Case records policy')} · {self.region}"
        return str(_("Case records policy"))

    @classmethod
    def at(cls, place) -> "CaseworkPolicy":
        """The policy at a place (a Region or its path; None: the ownerless row only): the
        district's own, else its city's default, else the ownerless row, else the built-in values
        (unsaved). One query."""
        return rule_for(cls, place) or cls()

    @classmethod
    def table(cls) -> "PolicyTable":
        """Every policy, read once (one query), for a task over many districts' records."""
        return PolicyTable()


class PolicyTable(RuleTable):
    """The case records policies read once: `at(place)` as CaseworkPolicy.at without a query;
    `by_place(via, build)` a filter giving each record its own district's policy."""

    def __init__(self):
        super().__init__(CaseworkPolicy)

    def at(self, place) -> CaseworkPolicy:
        return self.rule_for(place) or CaseworkPolicy()

    def by_place(self, via: str, build) -> Q:
        """A filter that holds, for each record, `build(policy)` with the policy of the record's
        own place: `via` leads from the record to its region's path (e.g.
        "station__region__path"). The deepest owner wins, as in `at`: each owner's clause
        replaces, under its path, what the owners above it said."""
        q = build(self.at(None))
        for row in sorted((row for row in self.rows if row.region_id), key=lambda row: row.region.depth):
            under = Q(**{f"{via}__startswith": row.region.path})
            q = (under & build(row)) | (~under & q)
        return q


local_rule(
    "casework_policy",
    CaseworkPolicy,
    label=_("Case records policy"),
    url=lambda **key: reverse("casework:policy"),
)
