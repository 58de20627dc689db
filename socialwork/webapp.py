"""The installable web app a social worker adds to a phone's home screen: its manifest, its
service worker, and a logout that clears what the phone kept.

The service worker's source is static/js/sw.js; it is served from the site's root (so that it
may control every page) with a first line naming what it keeps (the static shell under its hashed
names, the offline pages) and a version made of both, so that a deploy that changes either makes
the phones install the new worker and drop the old caches. What a phone keeps, and for how long,
is in the README ("Field work on a phone").
"""

import hashlib
import json
from functools import cache

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# The static files every page needs, kept by the phone when the worker is installed.
SHELL = [
    "css/app.css",
    "css/print.css",
    "js/field.js",
    "django_htmx/htmx-2.min.js",
    "django_htmx/django-htmx.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-192.png",
    "icons/icon-maskable-512.png",
]
THEME_COLOUR = "#b42318"  # --brand in static/css/app.css
BACKGROUND_COLOUR = "#f5f7fa"  # --paper


@cache
def _worker_source() -> str:
    with open(finders.find("js/sw.js"), encoding="utf-8") as source:
        return source.read()


def worker_settings() -> dict:
    """What the service worker is told on its first line: its version, the shell it keeps, where
    the offline page and the field home are."""
    offline = reverse("casework:field_offline")
    settings = {
        "shell": [static(name) for name in SHELL],
        "offline": offline,
        "expired": f"{offline}?reason=expired",
        "precache": reverse("casework:field_precache"),
    }
    digest = hashlib.sha256(_worker_source().encode())
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return {"version": digest.hexdigest()[:16], **settings}


@login_not_required
@require_GET
def service_worker(request):
    """static/js/sw.js, from the root so that it may control every page of the site."""
    body = f"self.FIELD = {json.dumps(worker_settings())};\n{_worker_source()}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request):
    """The web app manifest: the name on the home screen, the field home as the start page."""
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ] + [
        {
            "src": static(f"icons/icon-maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    data = {
        "name": _("Social work management"),
        "short_name": _("Social work"),
        "description": _("Cases, home visits and notes in the field, with or without a connection."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("casework:field_home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "no-cache"
    return response


class LogoutView(auth_views.LogoutView):
    """Django's logout, whose answer also tells the browser to forget this site's caches and
    storage: the case pages and the entries a phone kept for the person leaving."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
