"""Picks the settings by DJANGO_DEBUG: development when it is on, production otherwise.

Tests name `socialwork.settings.test` directly.
"""

from .base import env

if env.bool("DJANGO_DEBUG", default=False):
    from .development import *  # noqa: F403
else:
    from .production import *  # noqa: F403
