from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from positions.selectors.allowance import can_view_allowances
from socialwork.roles import Role


def navigation(request):
    """The header: navigation by role, the unread count and the language switch."""
    user = request.user
    context = {"languages": [(code, settings.LANGUAGE_LABELS[code]) for code, _name in settings.LANGUAGES]}
    if not user.is_authenticated:
        return context
    items = [(_("Service network"), reverse("positions:network"))]
    if user.is_district_wide or user.has_role(Role.STATION_MANAGER):
        items += [
            (_("Coverage"), reverse("positions:coverage")),
            (_("Positions"), reverse("positions:position_list")),
            (_("Social workers"), reverse("positions:worker_list")),
            (_("Exams"), reverse("positions:exam_list")),
            (_("Assessments"), reverse("positions:assessment_schemes")),
        ]
    if can_view_allowances(user):
        items.append((_("Allowances"), reverse("positions:allowance_rolls")))
    if user.is_district_wide or user.has_role(Role.STATION_MANAGER):
        items.append((_("Statistics"), reverse("positions:workforce_statistics")))
    if user.is_district_wide or user.has_role(Role.STATION_MANAGER, Role.SUPERVISOR):
        items.append((_("Training"), reverse("training:series_list")))
    if user.is_district_wide or user.has_role(Role.STATION_MANAGER, Role.SUPERVISOR, Role.ORG_STAFF):
        items.append((_("Projects"), reverse("projects:project_list")))
    if user.is_district_wide:
        items.append((_("Organizations"), reverse("projects:organization_list")))
    if hasattr(user, "worker"):
        items.append((_("My profile"), user.worker.get_absolute_url()))
    if user.is_staff:
        items.append((_("Administration"), reverse("admin:index")))
    items.append((_("API"), reverse("api-docs")))
    context["nav_items"] = items
    context["unread_count"] = user.notifications.filter(in_app=True, read_at__isnull=True).count()
    return context
