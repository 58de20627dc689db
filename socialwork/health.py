"""/healthz/: is each part the application needs up? 200 when all are, 503 naming what is not."""

import logging
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    token = uuid.uuid4().hex
    cache.set("healthz", token, 10)
    if cache.get("healthz") != token:
        raise RuntimeError("cache did not return what was stored")


def check_broker() -> None:
    from socialwork.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


@never_cache
@login_not_required
def healthz(request):
    results, down = {}, []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure means the part is down; say which
            logger.warning("health check %s failed: %s", name, exc)
            results[name] = "down"
            down.append(name)
        else:
            results[name] = "ok"
    body = {"status": "ok" if not down else "down", "checks": results, "down": down}
    return JsonResponse(body, status=503 if down else 200)
