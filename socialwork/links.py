"""Links that leave the site: a PDF, a workbook or an email is read away from any request, so its
links start with SITE_URL rather than with the request's host."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (as `reverse()` or `get_absolute_url()` gives it) with the site's address before it."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")
