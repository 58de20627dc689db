"""What tests that run the app in another process share: a worker or a server subprocess needs
the URL of the test database, and a test that sends tasks to a real broker must forget the
broker connections the Celery app already holds."""

from urllib.parse import quote

import pytest
from django.db import connection
from kombu import pools

from socialwork.celery import app


def test_database_url() -> str:
    """The test database pytest-django created, as a DATABASE_URL for a subprocess. Skips the
    test unless it is PostgreSQL (a second process cannot share an in-memory SQLite)."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("another process needs the PostgreSQL test database")
    credentials = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def reset_broker_connections() -> None:
    """Forget the app's broker connections so the next message goes to the broker configured now.
    kombu keeps producer pools per connection in a global registry; a pool left there would still
    hold the connections closed here."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()
