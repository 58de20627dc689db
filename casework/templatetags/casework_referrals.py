"""The station page's line on referrals (positions' unit page loads it for a station): the share
answered in time, the share concluded with a result and the number overdue, all referrals of the
station's cases counted (casework.selectors.referral_figures)."""

from django import template

from casework.models import Referral
from casework.selectors import referral_figures

register = template.Library()


@register.inclusion_tag("casework/_station_referral_figures.html")
def station_referral_figures(station):
    referrals = Referral.objects.filter(case__station=station, case__removed_at__isnull=True)
    return {"station": station, "figures": referral_figures(referrals)}
