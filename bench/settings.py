"""Settings for the benchmark: the development settings with debug off, so that nothing records
queries and templates are cached as in production, and static files served without a manifest
(the benchmark never runs collectstatic). Transport security is left out: everything runs on
loopback."""

from socialwork.settings.development import *  # noqa: F403
from socialwork.settings.development import ALLOWED_HOSTS

DEBUG = False
ROOT_URLCONF = "bench.urls"  # the app's URLs and the bare view behind the app's middleware
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = False
