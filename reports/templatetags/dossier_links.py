"""{% project_dossier_button project %} and {% station_dossier_button unit %}: the button that
builds the dossier, for whoever may build it (reports.dossiers.selectors)."""

from django import template
from django.utils import timezone

from positions.models import ServiceUnit
from reports.dossiers import selectors

register = template.Library()


@register.inclusion_tag("reports/dossier_button.html", takes_context=True)
def project_dossier_button(context, project):
    user = context["request"].user
    allowed = selectors.may_build_project_dossier(user=user, project=project)
    return {
        "kind": "project",
        "target": project if allowed else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reports/dossier_button.html", takes_context=True)
def station_dossier_button(context, unit):
    user = context["request"].user
    allowed = unit.level == ServiceUnit.Level.STATION and selectors.may_build_station_dossier(
        user=user, station=unit
    )
    return {
        "kind": "station",
        "target": unit if allowed else None,
        "year": timezone.localdate().year,
        "csrf_token": context.get("csrf_token"),
    }
