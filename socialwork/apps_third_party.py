"""The app configurations of third-party apps that we name ourselves (installed in their place)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes (the login lockout), named in the reader's language in the admin: the app gives
    no name, and Django's default ("Axes", from its label) is never translated."""

    verbose_name = _("Logins and lockouts")
