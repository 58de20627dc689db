"""Forms and list filters for group work, community work and policy advocacy. They parse and check
input only; the rules live in casework/services/groups.py, community.py and advocacy.py. Choices of
clients, cases and activities come from the person's scoped selectors."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import (
    AdvocacyRecord,
    CommunityActivity,
    Group,
    GroupSession,
    Volunteer,
    VulnerabilityCategory,
)
from casework.selectors import activities_visible_to, clients_visible_to, station_of
from casework.services.advocacy import RESPONSE_STATUSES
from positions.models import Region
from positions.pickers import CommunityChoiceFilter
from positions.selectors.pickers import with_town
from socialwork.forms import offer_with_current
from socialwork.ids import IdFilter
from socialwork.models import User
from socialwork.pickers import use_picker
from socialwork.roles import Role
from socialwork.scoping import place_of
from socialwork.widgets import DateInput, Textarea

DATE = DateInput
TEXT = Textarea(attrs={"rows": 3})
YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def _communities_of(station):
    """Communities and villages of the station's town or street (all of them outside a station)."""
    communities = with_town(Region.objects.filter(level__in=Region.COMMUNITY_LEVELS)).order_by("path")
    if station is not None:
        communities = communities.filter(path__startswith=station.region.town_path)
    return communities


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


# Group work


class GroupForm(forms.ModelForm):
    """A group's record. The worker is chosen among the people of the station; the supervisor among
    those holding the supervisor role."""

    class Meta:
        model = Group
        fields = [
            "name",
            "kind",
            "category",
            "aims",
            "community",
            "worker",
            "supervisor",
            "starts_on",
            "ends_on",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE, "aims": TEXT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        station = self.instance.station if self.instance.pk else station_of(user.unit)
        people = User.objects.filter(is_active=True).order_by("full_name", "username")
        workers = people.filter(groups__name__in=[Role.SOCIAL_WORKER, Role.STATION_MANAGER])
        offer_with_current(
            self,
            "worker",
            workers.filter(unit__path__startswith=station.path).distinct() if station else workers.none(),
        )
        self.fields["worker"].required = False
        self.fields["worker"].help_text = _("You, unless you name another worker of the station.")
        offer_with_current(self, "supervisor", people.filter(groups__name=Role.SUPERVISOR))
        use_picker(self, "community", "region", queryset=_communities_of(station), user=user)
        offer_with_current(self, "category", VulnerabilityCategory.objects.filter(active=True))


class MemberAddForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=None)
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_visible_to(user=user).order_by("name", "pk")


class MemberLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DATE, required=False)


class SessionPlanForm(forms.ModelForm):
    class Meta:
        model = GroupSession
        fields = ["planned_on", "theme", "plan"]
        widgets = {"planned_on": DATE, "plan": TEXT}


class SessionRecordForm(forms.Form):
    """A held session: the day, what happened and who of the group's members came."""

    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    record = forms.CharField(label=_("What happened"), widget=Textarea(attrs={"rows": 5}))
    present = forms.ModelMultipleChoiceField(
        label=_("Present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, session: GroupSession, **kwargs):
        super().__init__(*args, **kwargs)
        members = session.group.members.select_related("client").order_by("client__name", "pk")
        self.fields["present"].queryset = members
        self.fields["present"].label_from_instance = lambda member: member.client.name


class GroupEvaluateForm(forms.Form):
    evaluation = forms.CharField(label=_("Evaluation"), widget=Textarea(attrs={"rows": 5}))
    aims_met = forms.TypedChoiceField(label=_("Aims met"), choices=YES_NO, coerce=_yes_no, empty_value=None)
    ends_on = forms.DateField(label=_("Ended on"), widget=DATE, required=False)


class GroupFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=pgettext_lazy("thing", "Name"))

    class Meta:
        model = Group
        fields = ["status", "kind"]


class GroupApiFilter(GroupFilter):
    """The group list's filters, and for programs the served group's id. The API list reads it
    through the same selector as the page and the export (selectors.groups_list)."""

    category = IdFilter(field_name="category", label="category id")


# Community work


class ActivityForm(forms.ModelForm):
    class Meta:
        model = CommunityActivity
        fields = ["theme", "held_on", "community", "partners", "participants", "summary"]
        widgets = {"held_on": DATE, "summary": TEXT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        station = self.instance.station if self.instance.pk else station_of(user.unit)
        use_picker(self, "community", "region", queryset=_communities_of(station), user=user)


def _communities_in_reach(user) -> QuerySet[Region]:
    """The communities and villages of the person's district (a city's of all its districts), never
    of the district beside it (issue 23); every one for a superuser placed nowhere."""
    communities = Region.objects.filter(level__in=Region.COMMUNITY_LEVELS)
    place = place_of(user) if user is not None and user.is_authenticated else None
    if place is not None:
        communities = communities.filter(path__startswith=place.district_path)
    elif user is None or not user.is_superuser:
        communities = communities.none()
    return with_town(communities).order_by("path")


class ActivityFilter(django_filters.FilterSet):
    # A whole year a date can hold: `?year=0` must not reach the database's date bounds.
    year = django_filters.NumberFilter(
        field_name="held_on__year", label=_("Year"), min_value=1, max_value=9999, decimal_places=0
    )
    community = CommunityChoiceFilter(queryset=Region.objects.none(), label=_("Community or village"))
    theme = django_filters.CharFilter(lookup_expr="icontains", label=_("Theme"))

    class Meta:
        model = CommunityActivity
        fields = ["year", "community", "theme"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = user or getattr(self.request, "user", None)
        self.filters["community"].queryset = _communities_in_reach(user)


class VolunteerForm(forms.ModelForm):
    class Meta:
        model = Volunteer
        fields = ["name", "phone", "skills", "registered_on", "active"]
        widgets = {"registered_on": DATE}


class VolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or skills"))
    active = django_filters.BooleanFilter(label=pgettext_lazy("volunteer", "Active"))

    class Meta:
        model = Volunteer
        fields = ["q", "active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(skills__icontains=value))


class VolunteerHoursForm(forms.Form):
    served_on = forms.DateField(label=_("Date"), widget=DATE)
    hours = forms.DecimalField(label=pgettext_lazy("casework", "Hours"), max_digits=5, decimal_places=1)
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=None, required=False)
    description = forms.CharField(label=_("What they did"), max_length=200, required=False)

    def __init__(self, *args, user, volunteer: Volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities_visible_to(user=user).filter(
            station=volunteer.station_id
        )


class PairingForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=None)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    starts_on = forms.DateField(label=pgettext_lazy("start date", "From"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_visible_to(user=user).order_by("name", "pk")


class PairingEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Until"), widget=DATE, required=False)


# Policy advocacy


class AdvocacyForm(forms.ModelForm):
    class Meta:
        model = AdvocacyRecord
        fields = ["title", "problem", "evidence_note", "proposal", "department"]
        widgets = {"problem": TEXT, "evidence_note": TEXT, "proposal": TEXT}


class AdvocacyFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains", label=pgettext_lazy("casework", "Title"))

    class Meta:
        model = AdvocacyRecord
        fields = ["status"]


class CaseLinkForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        help_text=_("One of the cases you can see, such as S01-2026-0007."),
    )


class AdvocacySubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DATE, required=False)


class AdvocacyResponseForm(forms.Form):
    responded_on = forms.DateField(label=_("Responded on"), widget=DATE)
    response = forms.CharField(label=_("Response"), widget=TEXT)
    status = forms.ChoiceField(
        label=_("Result"),
        choices=[(value, AdvocacyRecord.Status(value).label) for value in RESPONSE_STATUSES],
    )
    outcome = forms.CharField(label=_("Outcome"), widget=TEXT, required=False)
