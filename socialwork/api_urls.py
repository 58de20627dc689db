"""/api/v1/: one router; each app registers its endpoints in its `api` module."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from casework import api as casework_api
from positions import api as positions_api
from projects import api as projects_api
from reports import api as reports_api
from reports.views import exports as exports_api
from training import api as training_api

from . import api_inbox, api_tokens, local_rules_views
from .ids import ID_PATTERN


class Router(DefaultRouter):
    """The API's one router: a record's id in its URLs is an ID_PATTERN, unless its viewset names
    another pattern (`lookup_value_regex`, as the exports' task ids do)."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if hasattr(viewset, "lookup_value_regex"):
            return super().get_lookup_regex(viewset, lookup_prefix)
        name = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        return f"(?P<{lookup_prefix}{name}>{ID_PATTERN})"


router = Router()
positions_api.register(router)
training_api.register(router)
projects_api.register(router)
casework_api.register(router)
api_inbox.register(router)
api_tokens.register(router)
exports_api.register(router)
reports_api.register(router)

urlpatterns = [
    path("auth/token/", api_tokens.TokenObtainView.as_view(), name="api-token"),
    path("auth/logout/", api_tokens.LogoutView.as_view(), name="api-logout"),
    *local_rules_views.api_urlpatterns,
    *router.urls,
]
