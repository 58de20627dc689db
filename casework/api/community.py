"""/api/v1/activities/ and /api/v1/volunteers/: community work, as on the pages. A volunteer's
phone is masked in the list and shown whole in a volunteer's record; GET and POST
.../volunteers/{id}/hours/ list and record their hours."""

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, serializers, viewsets
from rest_framework.response import Response

from casework import selectors, services
from casework.forms_groups import ActivityFilter, VolunteerFilter
from casework.masking import mask_phone
from casework.models import CommunityActivity, Volunteer, VolunteerHours
from positions.api.network import ScopedRelatedField
from positions.models import Region
from socialwork.lists import ListSelectorMixin

WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]


class ActivitySerializer(serializers.ModelSerializer):
    community = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    community_name = serializers.CharField(source="community.name", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    organizer_name = serializers.StringRelatedField(source="organizer")

    class Meta:
        model = CommunityActivity
        fields = [
            "id", "theme", "held_on", "community", "community_name", "station", "station_name", "partners",
            "participants", "summary", "organizer", "organizer_name",
        ]  # fmt: skip
        read_only_fields = ["station", "organizer"]

    def create(self, validated_data):
        return services.activity_save(actor=self.context["request"].user, **validated_data)

    def update(self, activity, validated_data):
        return services.activity_save(actor=self.context["request"].user, activity=activity, **validated_data)


class ActivityViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    """Community activities of the stations in the person's place (filters `year`, `community`,
    `theme`). POST records one at the person's station; PUT/PATCH change it (its organizer or
    station manager)."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    list_selector = selectors.activities_list
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks anonymously
            return CommunityActivity.objects.none()
        return selectors.activities_visible_to(user=self.request.user).order_by("-held_on", "-pk")


class VolunteerHoursSerializer(serializers.ModelSerializer):
    activity = ScopedRelatedField(selectors.activities_visible_to, allow_null=True, required=False)
    activity_theme = serializers.CharField(
        source="activity.theme", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = VolunteerHours
        fields = ["id", "served_on", "hours", "activity", "activity_theme", "description"]


class VolunteerSerializer(serializers.ModelSerializer):
    """A volunteer's record, with the whole phone and their hours in all and by year."""

    station_name = serializers.CharField(source="station.name", read_only=True)
    total_hours = serializers.SerializerMethodField()
    hours_by_year = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = [
            "id", "name", "phone", "skills", "registered_on", "active", "station", "station_name", "total_hours",
            "hours_by_year",
        ]  # fmt: skip
        read_only_fields = ["station"]

    # Hours to a tenth, as PostgreSQL sums them; SQLite's sum would print 6 for 6.0.
    def get_total_hours(self, volunteer) -> str:
        return f"{volunteer.hours.aggregate(total=Sum('hours'))['total'] or 0:.1f}"

    def get_hours_by_year(self, volunteer) -> list[dict]:
        rows = (
            volunteer.hours.annotate(year=ExtractYear("served_on"))
            .values("year")
            .annotate(total=Sum("hours"))
            .order_by("-year")
        )
        return [{"year": row["year"], "total": f"{row['total']:.1f}"} for row in rows]

    def create(self, validated_data):
        return services.volunteer_save(actor=self.context["request"].user, **validated_data)

    def update(self, volunteer, validated_data):
        return services.volunteer_save(
            actor=self.context["request"].user, volunteer=volunteer, **validated_data
        )


class VolunteerSummarySerializer(serializers.ModelSerializer):
    """A volunteer in the list: the phone masked, the hours in all."""

    station_name = serializers.CharField(source="station.name", read_only=True)
    phone = serializers.SerializerMethodField()
    total_hours = serializers.DecimalField(max_digits=9, decimal_places=1, read_only=True, default=0)

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "name",
            "phone",
            "skills",
            "registered_on",
            "active",
            "station",
            "station_name",
            "total_hours",
        ]
        read_only_fields = fields

    def get_phone(self, volunteer) -> str:
        return mask_phone(volunteer.phone)


class VolunteerViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    """Volunteers of the stations in the person's place. POST registers one at the person's
    station; PUT/PATCH change one of the station's."""

    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilter
    list_selector = selectors.volunteers_list  # with each one's hours
    search_fields = ["name", "skills"]
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks anonymously
            return Volunteer.objects.none()
        return selectors.volunteers_visible_to(user=self.request.user).order_by("name", "pk")

    def get_serializer_class(self):
        return VolunteerSummarySerializer if self.action == "list" else super().get_serializer_class()

    @extend_schema(request=VolunteerHoursSerializer, responses=VolunteerHoursSerializer(many=True))
    @decorators.action(detail=True, methods=["get", "post"], serializer_class=VolunteerHoursSerializer)
    def hours(self, request, pk=None):
        volunteer = self.get_object()
        if request.method == "POST":
            data = VolunteerHoursSerializer(data=request.data, context=self.get_serializer_context())
            data.is_valid(raise_exception=True)
            entry = services.volunteer_hours_add(
                actor=request.user, volunteer=volunteer, **data.validated_data
            )
            return Response(VolunteerHoursSerializer(entry).data, status=201)
        hours = volunteer.hours.select_related("activity").order_by("-served_on", "-pk")
        page = self.paginate_queryset(hours)
        return self.get_paginated_response(VolunteerHoursSerializer(page, many=True).data)


def register(router) -> None:
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("volunteers", VolunteerViewSet, basename="volunteer")
