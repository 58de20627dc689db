"""The dashboard: the district's figures for a year, as the person may see them, each chart
beside its table."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language

from reports import figures as report_figures
from socialwork.pages import year_of
from socialwork.roles import Role

# New records show within a minute: figures are kept no longer than this.
CACHE_SECONDS = 60


def can_see_dashboard(user) -> bool:
    return user.is_authenticated and (user.is_district_wide or user.has_role(Role.STATION_MANAGER))


def _scope_key(user) -> str:
    """What the figures depend on: the place the person sees and the roles that widen it."""
    if user.is_district_wide:
        return f"region-{user.region_id}-{'su' if user.is_superuser else ''}"
    return f"unit-{user.unit_id}-user-{user.pk}"


def dashboard(request):
    user = request.user
    if not can_see_dashboard(user):
        raise PermissionDenied
    year = year_of(request)
    towns = list(report_figures.towns_for(user=user))
    town = next((t for t in towns if str(t.pk) == request.GET.get("town", "")), None)
    key = f"reports:dashboard:{_scope_key(user)}:{year}:{town.pk if town else '-'}:{get_language()}"
    figures = cache.get(key)
    if figures is None:
        figures = report_figures.chapters(user=user, year=year, town=town)
        cache.set(key, figures, CACHE_SECONDS)
    return render(
        request,
        "reports/dashboard.html",
        {
            "chapters": figures,
            "year": year,
            "place": user.region if user.is_district_wide else user.unit,
            "this_year": timezone.localdate().year,
            "towns": towns,
            "town": town,
        },
    )


urlpatterns = [path("", dashboard, name="dashboard")]
