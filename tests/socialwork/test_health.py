import pytest

from socialwork.celery import app


@pytest.mark.django_db
def test_healthz_is_200_when_everything_is_up(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}, "down": [],
    }  # fmt: skip


@pytest.mark.django_db
def test_healthz_is_503_naming_the_broker_when_it_is_down(client, monkeypatch):
    # Nothing listens on port 1: the broker is down.
    connect = app.connection_for_write
    monkeypatch.setattr(app, "connection_for_write", lambda: connect(url="redis://127.0.0.1:1/0"))
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["broker"]
    assert body["checks"]["database"] == "ok"


def test_healthz_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    from socialwork import health

    def database_down():
        raise ConnectionError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", database_down)
    response = client.get("/healthz/")
    assert response.status_code == 503 and response.json()["down"] == ["database"]
