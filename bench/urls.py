"""The app's URLs and, for the throughput's third figure, the bare view's fixed JSON behind the
app's own middleware (session, authentication, password age, audit, CSP): what any page of the
app costs before its view does anything."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path

from bench.views import fixed

urlpatterns = [
    path("bench/bare/", login_required(fixed)),
    path("", include("socialwork.urls")),
]
