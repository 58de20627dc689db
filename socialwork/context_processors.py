from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from socialwork.roles import Role


def navigation(request):
    """The header: navigation by role, the unread count and the language switch."""
    user = request.user
    context = {"languages": [(code, settings.LANGUAGE_LABELS[code]) for code, _name in settings.LANGUAGES]}
    if not user.is_authenticated:
        return context
    items = [(_("Home"), reverse("home")), (_("Service network"), reverse("positions:network"))]
    if user.is_district_wide or user.has_role(Role.STATION_MANAGER):
        items.append((_("Coverage"), reverse("positions:coverage")))
    if user.is_staff:
        items.append((_("Administration"), reverse("admin:index")))
    items.append((_("API"), reverse("api-docs")))
    context["nav_items"] = items
    context["unread_count"] = user.notifications.filter(in_app=True, read_at__isnull=True).count()
    return context
