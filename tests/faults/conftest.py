"""Helpers of the fault tests: a port where nothing listens, the test database's URL for a server
process, and the Celery app pointed at a broker that is down."""

import socket
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from kombu import pools

from socialwork.celery import app
from socialwork.roles import Role


def dead_port() -> int:
    """A local port nothing listens on: bound for a moment by us, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database pytest-django created, for a server process to use."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the fault tests need the PostgreSQL test database")
    credentials = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def reset_broker_connections() -> None:
    """Forget the app's broker connections so the next message uses the broker configured now."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def roles(db):
    """The role groups, for tests whose database was flushed (transaction=True)."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture
def redis_down(settings):
    """Cache and broker both at a Redis that is not running; tasks are sent, not run inline."""
    url = f"redis://127.0.0.1:{dead_port()}/0"
    # Read what to restore before any setting changes: Celery loads its conf from the settings lazily.
    saved = app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url
    settings.CACHES = {
        "default": {
            "BACKEND": "socialwork.cache.TolerantRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.broker_write_url = url
    reset_broker_connections()
    yield url
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = saved
    reset_broker_connections()
