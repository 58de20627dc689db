"""The settings a running site uses: development when DJANGO_DEBUG is on, production otherwise.

manage.py, WSGI and Celery default to this module; tests name `socialwork.settings.test`.
"""

from .base import env

if env.bool("DJANGO_DEBUG", default=False):
    from .development import *  # noqa: F403
else:
    from .production import *  # noqa: F403
