"""/api/v1/: one router; each app registers its endpoints in its `api` module."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from casework import api as casework_api
from positions import api as positions_api
from projects import api as projects_api
from training import api as training_api

router = DefaultRouter()
positions_api.register(router)
training_api.register(router)
projects_api.register(router)
casework_api.register(router)

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    *router.urls,
]
