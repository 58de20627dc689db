"""/api/v1/: one router; each app registers its endpoints in its `api` module."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from casework import api as casework_api
from positions import api as positions_api
from projects import api as projects_api
from reports import api as reports_api
from reports.views import exports as exports_api
from training import api as training_api

from . import api_inbox, api_tokens

router = DefaultRouter()
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
    *router.urls,
]
