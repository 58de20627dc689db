"""Forms for clients, intake and each step of a case. They parse and check input only; the
services in casework/services/ enforce the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import (
    Assessment,
    Case,
    Client,
    Closing,
    FollowUp,
    HomeVisit,
    HouseholdMember,
    LabelReason,
    PlanGoal,
    Referral,
    RiskLevel,
    ServiceNote,
    SubjectRequest,
    SupervisorReview,
    VulnerabilityCategory,
)
from positions.models import Region, ServiceUnit
from positions.selectors.pickers import with_town
from socialwork import idnumbers
from socialwork.forms import offer_with_current
from socialwork.pickers import use_picker
from socialwork.roles import Role
from socialwork.scoping import region_scope, unit_scope
from socialwork.widgets import DateInput, Textarea

DATE = DateInput
TEXT = Textarea(attrs={"rows": 3})
SHORT_TEXT = Textarea(attrs={"rows": 2})
User = get_user_model()


def today():
    return timezone.localdate()


def social_workers(under: ServiceUnit | None = None):
    """Active social workers, at a station (and its rooms and posts) when one is given."""
    users = User.objects.filter(is_active=True, groups__name=Role.SOCIAL_WORKER).select_related("unit")
    if under is not None:
        users = users.filter(unit__path__startswith=under.path)
    return users.order_by("full_name", "username")


def supervisors():
    return User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR).order_by("full_name", "username")


class PersonChoiceField(forms.ModelChoiceField):
    """A person with their unit, so that two people of one name can be told apart."""

    def label_from_instance(self, user):
        return f"{user} · {user.unit.name}" if user.unit_id else str(user)


# Clients


class ClientForm(forms.ModelForm):
    """A client's record. The community is one of those in the registering station's town."""

    class Meta:
        model = Client
        fields = [
            "name", "gender", "birth_date", "id_number", "phone", "address", "community", "categories",
            "consents_to_services", "consents_to_data_processing", "consent_recorded_on",
        ]  # fmt: skip
        widgets = {
            "birth_date": DATE,
            "consent_recorded_on": DATE,
            "categories": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "id_number": _("Optional. The date of birth and gender are read from it."),
            "consent_recorded_on": _("Today unless you give another day."),
        }

    def __init__(self, *args, station: ServiceUnit, **kwargs):
        super().__init__(*args, **kwargs)
        town = station.region.town_path
        communities = Region.objects.filter(level__in=Region.COMMUNITY_LEVELS, path__startswith=town)
        use_picker(self, "community", "region", queryset=with_town(communities), user=None)
        offer_with_current(self, "categories", VulnerabilityCategory.objects.filter(active=True))
        self.fields["categories"].required = False
        self.fields["gender"].required = False  # read from the ID number when there is one

    def clean_id_number(self):
        number = idnumbers.normalize(self.cleaned_data.get("id_number") or "")
        if number:
            idnumbers.validate_id_number(number)
        return number

    def clean(self):
        """The date of birth and gender of the ID number (the rule client_register and
        client_update apply), checked here too so that intake looks up the right person."""
        cleaned = super().clean()
        if cleaned.get("id_number"):
            try:
                cleaned.update(
                    idnumbers.identity(
                        cleaned["id_number"],
                        birth_date=cleaned.get("birth_date"),
                        gender=cleaned.get("gender"),
                    )
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        elif not cleaned.get("gender") and "gender" not in self.errors:
            self.add_error("gender", self.fields["gender"].error_messages["required"])
        return cleaned

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        return {"categories": data.pop("categories"), **data}

    def identity(self) -> dict:
        """What intake compares to find a person already on record."""
        number = self.cleaned_data.get("id_number") or ""
        born = self.cleaned_data.get("birth_date")
        if number and born is None:
            born = idnumbers.birth_date(number)
        return {"id_number": number, "name": self.cleaned_data["name"].strip(), "birth_date": born}


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["name", "relation", "birth_date", "situation"]
        widgets = {"birth_date": DATE}


HouseholdFormSet = forms.formset_factory(HouseholdMemberForm, extra=2)


def household_of(formset) -> list[dict]:
    """The household rows that name someone."""
    return [form.cleaned_data for form in formset.forms if (form.cleaned_data.get("name") or "").strip()]


class ClientRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why is the client removed?"), max_length=200)


# Intake


class ExistingClientField(forms.ModelChoiceField):
    def label_from_instance(self, client):
        born = client.birth_date.isoformat() if client.birth_date else "—"
        return f"{client.name} ({born}, {client.community.name})"


class IntakeForm(forms.Form):
    """Intake starts from a client the worker sees, or from a new one registered on the page."""

    client = ExistingClientField(
        label=_("Existing client"),
        queryset=Client.objects.none(),
        required=False,
        empty_label=_("— register a new client below —"),
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients.order_by("name", "pk")


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "intake_on", "source", "referred_by", "presenting_problem", "risk_level", "category", "worker",
            "supervisor",
        ]  # fmt: skip
        widgets = {"intake_on": DATE, "presenting_problem": TEXT}
        field_classes = {"worker": PersonChoiceField, "supervisor": PersonChoiceField}

    def __init__(self, *args, station: ServiceUnit | None = None, choose_worker: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = VulnerabilityCategory.objects.filter(active=True)
        self.fields["supervisor"].queryset = supervisors().select_related("unit")
        if choose_worker and station is not None:
            self.fields["worker"].queryset = social_workers(station)
        else:
            del self.fields["worker"]
        if not self.is_bound and "intake_on" not in self.initial:
            self.initial["intake_on"] = today()


class CaseUpdateForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["category", "source", "referred_by", "presenting_problem", "risk_level"]
        widgets = {"presenting_problem": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_with_current(self, "category", VulnerabilityCategory.objects.filter(active=True))


# The steps of a case


class MoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False, widget=SHORT_TEXT)


class DecisionForm(forms.Form):
    """A supervisor's or receiver's yes or no, with a comment (required for a no, by the service)."""

    YES, NO = "yes", "no"

    decision = forms.ChoiceField(choices=[(YES, YES), (NO, NO)], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=SHORT_TEXT)

    @property
    def approved(self) -> bool:
        return self.cleaned_data["decision"] == self.YES


class AssessmentForm(forms.Form):
    """An assessment: for each of the seven domains the needs, strengths and risk, then the
    overall risk and a summary."""

    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE, initial=today)
    risk_level = forms.ChoiceField(label=_("Overall risk"), choices=RiskLevel.choices)
    summary = forms.CharField(label=_("Summary"), required=False, widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for domain in Assessment.Domain.values:
            self.fields[f"{domain}_needs"] = forms.CharField(
                label=_("Needs"), required=False, widget=SHORT_TEXT
            )
            self.fields[f"{domain}_strengths"] = forms.CharField(
                label=_("Strengths"), required=False, widget=SHORT_TEXT
            )
            self.fields[f"{domain}_risk"] = forms.ChoiceField(
                label=_("Risk"), required=False, choices=[("", "—"), *RiskLevel.choices]
            )

    def domain_rows(self):
        for domain, label in Assessment.Domain.choices:
            yield label, [self[f"{domain}_{part}"] for part in ("needs", "strengths", "risk")]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "assessed_on": data["assessed_on"],
            "risk_level": data["risk_level"],
            "summary": data["summary"],
            "domains": {
                domain: {part: data[f"{domain}_{part}"] for part in ("needs", "strengths", "risk")}
                for domain in Assessment.Domain.values
            },
        }


class GoalForm(forms.Form):
    """A goal, its indicator, and the measure that will show it reached (MZ/T 094): its name, kind,
    which way is better, and the value taken before the work with its date."""

    description = forms.CharField(label=_("Goal"), max_length=300, required=False)
    indicator = forms.CharField(label=_("Indicator"), max_length=300, required=False)
    measure = forms.CharField(
        label=_("Measure"), max_length=120, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. SDS, or a 1–10 rating")}),
    )  # fmt: skip
    measure_kind = forms.ChoiceField(
        label=_("Kind of measure"), required=False, choices=[("", "—"), *PlanGoal.MeasureKind.choices]
    )
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", "—"), *PlanGoal.Direction.choices]
    )
    before_value = forms.DecimalField(
        label=_("Before"), required=False, max_digits=8, decimal_places=2, min_value=0
    )
    before_on = forms.DateField(label=_("Measured before on"), required=False, widget=DATE)


MEASURE_INITIAL = (
    "measure",
    "measure_kind",
    "direction",
    "before_value",
    "before_on",
    "after_value",
    "after_on",
)


class TaskForm(forms.Form):
    description = forms.CharField(label=_("Task"), max_length=300, required=False)
    owner = forms.CharField(label=_("Owner"), max_length=100, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)
    goal = forms.ChoiceField(label=_("For goal"), required=False)

    def __init__(self, *args, goal_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [("", "—")] + [
            (str(n), _("Goal %(number)s") % {"number": n + 1}) for n in range(goal_count)
        ]


GoalFormSet = forms.formset_factory(GoalForm, extra=2)
TaskFormSet = forms.formset_factory(TaskForm, extra=3)


class PlanForm(forms.Form):
    """The service plan: goals and tasks, each a small formset. A task names its goal by the
    goal's row; the service counts goals among the rows that say something."""

    def __init__(self, data=None, *, plan=None):
        super().__init__(data)
        goals, tasks = [], []
        if plan is not None and data is None:
            plan_goals = list(plan.goals.all())
            goals = [
                {"description": g.description, "indicator": g.indicator,
                 **{key: getattr(g, key) for key in MEASURE_INITIAL}}
                for g in plan_goals
            ]  # fmt: skip
            rows = {goal.pk: str(index) for index, goal in enumerate(plan_goals)}
            tasks = [
                {"description": t.description, "owner": t.owner, "due_on": t.due_on,
                 "goal": rows.get(t.goal_id, "")}
                for t in plan.tasks.all()
            ]  # fmt: skip
        self.goals = GoalFormSet(data, prefix="goals", initial=goals)
        self.tasks = TaskFormSet(
            data, prefix="tasks", initial=tasks, form_kwargs={"goal_count": self.goals.total_form_count()}
        )

    def is_valid(self):
        return all([super().is_valid(), self.goals.is_valid(), self.tasks.is_valid()])

    def clean(self):
        if not (self.goals.is_valid() and self.tasks.is_valid()):
            return self.cleaned_data
        filled = {}
        for row, form in enumerate(self.goals.forms):
            if (form.cleaned_data.get("description") or "").strip():
                filled[row] = len(filled)
        self.cleaned_data["goals"] = [self.goals.forms[row].cleaned_data for row in filled]
        tasks = []
        for form in self.tasks.forms:
            task = dict(form.cleaned_data)
            if not (task.get("description") or "").strip():
                continue
            row = task.get("goal")
            if row not in ("", None) and int(row) not in filled:
                raise ValidationError(_("A task names a goal row that is empty."))
            task["goal"] = filled[int(row)] if row not in ("", None) else None
            tasks.append(task)
        self.cleaned_data["tasks"] = tasks
        return self.cleaned_data


class NoteForm(forms.ModelForm):
    class Meta:
        model = ServiceNote
        fields = ["noted_on", "method", "minutes", "content"]
        widgets = {"noted_on": DATE, "content": Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].min_value = 1
        self.fields["minutes"].widget.attrs.update(min=1, inputmode="numeric")
        if not self.is_bound:
            self.initial.setdefault("noted_on", today())


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "target_kind",
            "target",
            "organization",
            "request",
            "referred_on",
            "answer_by",
            "outcome_by",
        ]
        widgets = {"referred_on": DATE, "request": SHORT_TEXT, "answer_by": DATE, "outcome_by": DATE}
        help_texts = {
            "answer_by": _("Leave empty for the district's usual time."),
            "outcome_by": _("Leave empty for the district's usual time."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = self.fields["organization"].queryset
        use_picker(self, "organization", "organization", queryset=organizations, user=None)
        if not self.is_bound:
            self.initial.setdefault("referred_on", today())


class ReferralUpdateForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["status", "answered_on", "outcome", "outcome_note", "amount", "concluded_on", "answer_by",
                  "outcome_by"]  # fmt: skip
        widgets = {
            "concluded_on": DATE, "outcome_note": SHORT_TEXT, "answered_on": DATE, "answer_by": DATE,
            "outcome_by": DATE,
        }  # fmt: skip
        help_texts = {"answered_on": _("Today, when the status first moves on from requested, unless given.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].min_value = 0


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["due_on", "purpose"]
        widgets = {"due_on": DATE}


class FollowUpDoneForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["done_on", "result"]
        widgets = {"done_on": DATE, "result": SHORT_TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].required = True
        self.fields["result"].required = True
        if not self.is_bound:
            self.initial.setdefault("done_on", today())


class ReviewForm(forms.ModelForm):
    class Meta:
        model = SupervisorReview
        fields = ["reviewed_on", "comments", "advice"]
        widgets = {"reviewed_on": DATE, "comments": TEXT, "advice": SHORT_TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("reviewed_on", today())


class GoalsReachedField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, goal):
        return goal.description


class ClosingForm(forms.ModelForm):
    """The request to close. With an approved plan, its goals are ticked as reached or not."""

    reached_goals = GoalsReachedField(
        label=_("Goals of the plan reached"),
        queryset=PlanGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Closing
        fields = ["reason", "summary", "goals_reached", "client_feedback", "satisfaction"]
        widgets = {"summary": TEXT, "goals_reached": SHORT_TEXT, "client_feedback": SHORT_TEXT}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        # With an approved plan, each goal is stated reached, partly or not, with its evidence
        # (MZ/T 094); the ticks of the older form give way to it. The free text stays for what
        # the goals do not say.
        del self.fields["reached_goals"]
        self.plan_goals = list(plan.goals.all()) if plan is not None else []
        self.fields["goals_reached"].label = _("Other results")
        for goal in self.plan_goals:
            self.fields[f"goal-{goal.pk}-outcome"] = forms.ChoiceField(
                label=_("Goal: %(goal)s") % {"goal": goal.description},
                choices=[("", "—"), *PlanGoal.Outcome.choices], required=False, initial=goal.outcome,
            )  # fmt: skip
            self.fields[f"goal-{goal.pk}-evidence"] = forms.CharField(
                label=_("Evidence"), required=False, widget=SHORT_TEXT, initial=goal.evidence,
                help_text=_("What shows it: the measure before and after, what the client and others said."),
            )  # fmt: skip

    def other_fields(self):
        return [field for field in self.visible_fields() if not field.name.startswith("goal-")]

    def goal_rows(self):
        """Each goal with its measure before and after and its two fields, for the template."""
        return [
            (goal, self[f"goal-{goal.pk}-outcome"], self[f"goal-{goal.pk}-evidence"])
            for goal in self.plan_goals
        ]

    def service_arguments(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if not name.startswith("goal-")}
        data["goal_outcomes"] = [
            {
                "goal": goal,
                "outcome": self.cleaned_data.get(f"goal-{goal.pk}-outcome", ""),
                "evidence": self.cleaned_data.get(f"goal-{goal.pk}-evidence", ""),
            }
            for goal in self.plan_goals
        ] if self.plan_goals else None  # fmt: skip
        return data


class MeasureForm(forms.Form):
    """A goal's measure taken before or after the work, recorded on the case page."""

    goal = forms.ModelChoiceField(label=_("Goal"), queryset=PlanGoal.objects.none())
    phase = forms.ChoiceField(
        label=_("Taken"), choices=[("before", _("before the work")), ("after", _("after the work"))],
        initial="after",
    )  # fmt: skip
    value = forms.DecimalField(label=_("Value"), max_digits=8, decimal_places=2, min_value=0)
    measured_on = forms.DateField(label=_("Date"), widget=DATE)
    measure = forms.CharField(
        label=_("Measure"), max_length=120, required=False,
        help_text=_("For a goal without a measure yet: the scale or rating."),
    )  # fmt: skip
    measure_kind = forms.ChoiceField(
        label=_("Kind of measure"), required=False, choices=[("", "—"), *PlanGoal.MeasureKind.choices]
    )
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", "—"), *PlanGoal.Direction.choices]
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.all() if plan is not None else PlanGoal.objects.none()
        self.fields["goal"].label_from_instance = lambda goal: (
            f"{goal.description} · {goal.measure}" if goal.measure else goal.description
        )
        if not self.is_bound:
            self.initial.setdefault("measured_on", today())


class TransferForm(forms.Form):
    to_station = forms.ModelChoiceField(
        label=_("To station"), queryset=ServiceUnit.objects.filter(level=ServiceUnit.Level.STATION)
    )
    to_worker = PersonChoiceField(
        label=_("To worker"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to let the receiving station's manager choose."),
    )
    reason = forms.CharField(label=_("Reason"), widget=SHORT_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_station"].queryset = ServiceUnit.objects.filter(
            level=ServiceUnit.Level.STATION
        ).order_by("path")
        self.fields["to_worker"].queryset = social_workers()


class TransferDecisionForm(DecisionForm):
    """Accept or decline a transfer; a receiving manager may name the worker who takes it."""

    worker = PersonChoiceField(
        label=_("Worker who takes the case"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, station: ServiceUnit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if station is None:
            del self.fields["worker"]
        else:
            self.fields["worker"].queryset = social_workers(station)


class AssignForm(forms.Form):
    worker = PersonChoiceField(
        label=pgettext_lazy("casework", "Worker"), queryset=User.objects.none(), required=False
    )
    supervisor = PersonChoiceField(label=_("Supervisor"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, station: ServiceUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = social_workers(station)
        self.fields["supervisor"].queryset = supervisors().select_related("unit")


# The district


class PolicyForm(forms.Form):
    retention_days = forms.IntegerField(
        label=_("Keep removed clients for (days)"),
        min_value=0,
        help_text=_("A removed client and their cases are erased for good after this many days."),
    )
    quiet_case_days = forms.IntegerField(
        label=_("Flag an open case after this many days without a note"), min_value=1, max_value=32767
    )
    grant_max_days = forms.IntegerField(
        label=_("Longest access grant (days)"),
        min_value=1,
        max_value=365,
        help_text=_("An access grant to a case lasts at most this many days from its request."),
    )
    referral_answer_days = forms.IntegerField(
        label=_("Days for the receiver to answer a referral"), min_value=1, max_value=365, required=False
    )
    referral_outcome_days = forms.IntegerField(
        label=_("Days for a referral to have a result"), min_value=1, max_value=730, required=False
    )
    referral_escalate_days = forms.IntegerField(
        label=_("Days overdue before the supervisor hears of a referral"),
        min_value=0, max_value=365, required=False,
        help_text=_("The worker is reminded when a referral is overdue; the supervisor this many days later."),
    )  # fmt: skip
    break_glass_hours = forms.IntegerField(
        label=_("Emergency access to a labelled case (hours)"),
        min_value=1,
        max_value=72,
        help_text=_(
            "A station manager or district administrator who opens a case labelled sensitive, giving a "
            "reason, sees it for this many hours."
        ),
    )
    follow_up_after_days = forms.IntegerField(
        label=_("Follow-up after closing (days after the closing is approved)"),
        min_value=1,
        max_value=365,
        required=False,
    )
    satisfied_from = forms.DecimalField(
        label=_("Satisfied from (average of the answers, 1–5)"),
        min_value=1,
        max_value=5,
        decimal_places=2,
        required=False,
        help_text=_("The satisfaction rate counts the questionnaires whose answers average at least this."),
    )
    offline_hours = forms.IntegerField(
        label=_("Hours a phone keeps case records without reaching the server"),
        min_value=1,
        max_value=336,
        required=False,
        help_text=_(
            "A social worker's phone that has not reached the server for this long clears the case "
            "records it keeps for field work."
        ),
    )


class LabelForm(forms.Form):
    """Label a case or a client sensitive: why, and a note (required for "other")."""

    reason = forms.ChoiceField(label=_("Reason for the label"), choices=[("", "—"), *LabelReason.choices])
    note = forms.CharField(
        label=pgettext_lazy("label", "Note"),
        max_length=200,
        required=False,
        widget=SHORT_TEXT,
        help_text=_("Required when the reason is “other”. Do not write the client's name or address."),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == LabelReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Say in the note why the record is labelled."))
        return data


class UnlabelForm(forms.Form):
    reason = forms.CharField(label=_("Why the label is removed"), max_length=200, widget=SHORT_TEXT)


class BreakGlassForm(forms.Form):
    """Open a labelled case in an emergency: its number and the reason, both required."""

    case_number = forms.CharField(label=_("Case number"), max_length=40)
    reason = forms.CharField(
        label=_("Why you must open this case now"),
        max_length=500,
        widget=TEXT,
        help_text=_("The case's worker and supervisor and the auditors are told at once, with your name."),
    )


class GrantForm(forms.Form):
    """A request that one person may see one case; a second district administrator decides."""

    case_number = forms.CharField(label=_("Case number"), max_length=40)
    user = PersonChoiceField(label=_("Person"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200)
    expires_on = forms.DateField(label=_("Until"), widget=DATE)

    def __init__(self, *args, requester=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).select_related("unit").order_by("full_name", "username")
        if requester is not None:  # the people of the requester's place
            people = people.filter(
                unit_scope(requester, via="unit") | region_scope(requester, via="region")
            ).exclude(pk=requester.pk)
        self.fields["user"].queryset = people


class GrantDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", pgettext_lazy("access grant", "Approve")),
            ("decline", pgettext_lazy("access grant", "Decline")),
        ]
    )
    comment = forms.CharField(label=_("Why declined"), max_length=200, required=False)


# Personal information requests


class SubjectRequestForm(forms.Form):
    """A client's request, registered by the station manager."""

    client = ExistingClientField(label=_("Client"), queryset=Client.objects.none())
    kind = forms.ChoiceField(label=_("The client asks for"), choices=SubjectRequest.Kind.choices)
    channel = forms.ChoiceField(label=_("How received"), choices=SubjectRequest.Channel.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DATE, initial=today)
    details = forms.CharField(label=_("What the client asks"), widget=TEXT, required=False)

    def __init__(self, *args, clients, user, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "client", "client", queryset=clients, user=user)


class SubjectRequestAssignForm(forms.Form):
    assignee = PersonChoiceField(label=_("Answered by"), queryset=User.objects.none())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people


class SubjectRequestAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer given to the client"),
        widget=Textarea(attrs={"rows": 5}),
        help_text=_("What was done and what the client is told, in plain words."),
    )


class SubjectRequestRefuseForm(forms.Form):
    reason = forms.CharField(label=_("Why refused"), max_length=500)


class SubjectRequestCloseForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


def _dates_field(label, help_text):
    return forms.CharField(label=label, widget=SHORT_TEXT, required=False, help_text=help_text)


class SubjectRequestPolicyForm(forms.Form):
    answer_working_days = forms.IntegerField(
        label=_("Answer a request within (working days)"), min_value=1, max_value=30
    )
    holidays = _dates_field(
        _("Public holidays"), _("One date a line or separated by spaces, as 2026-10-01: weekdays not worked.")
    )
    working_weekend_days = _dates_field(
        _("Weekend days worked (调休)"), _("One date a line, as 2026-10-10: Saturdays or Sundays worked.")
    )

    def clean_holidays(self):
        return self.cleaned_data["holidays"].split()

    def clean_working_weekend_days(self):
        return self.cleaned_data["working_weekend_days"].split()


# Field work on a phone (casework.views.field)


class HomeVisitForm(forms.ModelForm):
    class Meta:
        model = HomeVisit
        fields = ["visited_on", "people_present", "observations", "needs_found", "next_step"]
        widgets = {
            "visited_on": DATE,
            "observations": Textarea(attrs={"rows": 4}),
            "needs_found": SHORT_TEXT,
            "next_step": SHORT_TEXT,
        }
        help_texts = {"people_present": _("For example: the client, his mother, the village cadre.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("visited_on", today())


class AttendanceForm(forms.Form):
    """Tick who of the session's members came: `members` are (member id, name) pairs."""

    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = list(members)
