"""A station's referrals: the share answered in time, the share concluded with a result, and
those overdue (casework.selectors.referral_figures). Counts for whoever sees the station; the
overdue referrals are listed by case number to those who see the case."""

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from casework import selectors
from casework.models import Referral
from positions.models import ServiceUnit
from positions.selectors.network import units_visible_to


def station_referrals(request, pk):
    station = units_visible_to(user=request.user).filter(pk=pk, level=ServiceUnit.Level.STATION).first()
    if station is None:
        raise Http404
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    referrals = Referral.objects.filter(case__station=station, case__removed_at__isnull=True)
    overdue = (
        referrals.filter(
            selectors.referral_overdue(today), case__in=selectors.cases_visible_to(user=request.user)
        )
        .select_related("case")
        .order_by("answer_by", "pk")
    )
    return render(
        request,
        "casework/station_referrals.html",
        {
            "station": station,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "figures_year": selectors.referral_figures(referrals.filter(referred_on__year=year)),
            "figures_all": selectors.referral_figures(referrals),
            "overdue": overdue[:100],
            "today": today,
        },
    )


urlpatterns = [path("stations/<int:pk>/referrals/", station_referrals, name="station_referrals")]
