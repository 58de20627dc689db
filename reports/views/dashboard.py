"""The dashboard: the district's figures for a year, as the person may see them, each chart
beside its table. The figures are computed in the background (`reports.services.dashboard`);
while newer ones are on their way the page shows the latest and fetches the figures again."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from reports import figures as report_figures
from reports import services
from socialwork.pages import year_of
from socialwork.roles import Role


def can_see_dashboard(user) -> bool:
    return user.is_authenticated and (user.is_district_wide or user.has_role(Role.STATION_MANAGER))


def dashboard(request):
    user = request.user
    if not can_see_dashboard(user):
        raise PermissionDenied
    year = year_of(request)
    parts = list(report_figures.parts_for(user=user))
    # "town" is the parameter's name in links made before a city's districts were parts
    chosen = request.GET.get("part", request.GET.get("town", ""))
    part = next((p for p in parts if str(p.pk) == chosen), None)
    figures = services.dashboard(user=user, year=year, town=part)
    template = "reports/dashboard.html#figures" if request.htmx else "reports/dashboard.html"
    return render(
        request,
        template,
        {
            "chapters": figures.chapters,
            "computed_at": figures.computed_at,
            "refreshing": figures.refreshing,
            "rendered_key": figures.rendered_key,
            "year": year,
            "place": user.region if user.is_district_wide else user.unit,
            "this_year": timezone.localdate().year,
            "parts": parts,
            "part": part,
            "part_heading": report_figures.part_heading(user=user),
        },
    )


urlpatterns = [path("", dashboard, name="dashboard")]
