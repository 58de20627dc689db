"""Helpers of the fault tests: a port where nothing listens, the test database's URL for a server
process, and the Celery app pointed at a broker that is down."""

import socket

import pytest
from django.contrib.auth.models import Group

from socialwork.celery import app
from socialwork.roles import Role
from tests.processes import reset_broker_connections


def dead_port() -> int:
    """A local port nothing listens on: bound for a moment by us, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
