"""/healthz/: is each part the application needs up? 200 when all are, 503 naming what is not.

The answer is the same for everyone (load balancers ask anonymously). The operator also reads
the backups' state (the latest backup and restore check, socialwork.backups): a signed-in system
administrator, or a probe sending HEALTHZ_TOKEN in the X-Healthz-Token header. It never changes
the status code: a failed backup is no reason to take the site out of service."""

import hmac
import logging
import uuid

from django.conf import settings
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


def is_operator(request) -> bool:
    """A signed-in system administrator, or a request carrying the configured HEALTHZ_TOKEN."""
    from socialwork.roles import Role

    token = settings.HEALTHZ_TOKEN
    sent = request.headers.get("X-Healthz-Token", "")
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    user = request.user
    return user.is_authenticated and user.has_role(Role.SYSTEM_ADMIN)


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
    if is_operator(request):
        from socialwork.backups.selectors import backup_status

        try:
            body["backups"] = backup_status()
        except Exception as exc:  # the database is down: its check says so already
            logger.warning("backup status unavailable: %s", exc)
            body["backups"] = {"status": "unknown"}
    return JsonResponse(body, status=503 if down else 200)
