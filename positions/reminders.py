"""Reminder kinds of the network. Registered with the engine in socialwork.reminders."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from socialwork.reminders import Reminder, reminder
from socialwork.roles import Role

from .selectors.network import coverage


@reminder("network_coverage_gaps", label=_("Gaps in the service network"), hour=9, day_of_week=1)
def network_coverage_gaps(day):
    """Each Monday, district administrators hear which towns lack a station and which
    communities lack a room, inside their own region."""
    admins = (
        get_user_model()
        .objects.filter(groups__name=Role.DISTRICT_ADMIN, is_active=True)
        .select_related("region", "unit")
        .prefetch_related("groups")
    )
    for admin in admins:
        gaps = coverage(user=admin)
        towns, communities = gaps.towns_without_station, gaps.communities_without_room
        if not (towns or communities):
            continue
        yield Reminder(
            user=admin,
            item=f"region:{admin.region_id}",
            title=format_lazy(
                _(
                    "{towns} towns without a service station, {communities} communities without a service room"
                ),
                towns=len(towns),
                communities=len(communities),
            ),
            body="、".join(region.name for region in [*towns, *communities][:30]),
            url=reverse("positions:coverage"),
        )
