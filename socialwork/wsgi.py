"""WSGI entry point: gunicorn serves `socialwork.wsgi:application`."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialwork.settings.site")

application = get_wsgi_application()


def check_keys() -> None:
    """Refuse to serve when stored values do not decrypt with the keys configured: a wrong or
    missing key would otherwise fail on every page showing a client (socialwork/crypto/checks.py)."""
    from socialwork.crypto.checks import startup_check

    startup_check()


def settle() -> None:
    """Load every view now, then leave what is loaded out of Python's full collections.

    A full collection walks every tracked object of the process: 180,000 once the views are
    loaded, about 100 ms, paid every so often by one unlucky request (bench/results.md).
    gc.freeze() moves what is alive now, which lives as long as the process, to a generation the
    collector no longer walks; what requests make is collected as before.
    """
    get_resolver().url_patterns  # noqa: B018 (imports the URLconf, so every view)
    gc.collect()
    gc.freeze()


check_keys()
settle()
