"""/healthz answers while the process lives; /readyz checks the database and Redis."""

import pytest
from django.conf import settings
from django.db.utils import OperationalError

from tests.conftest import require_service


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_reports_database_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("lms.health.connection.cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


@pytest.mark.services
@pytest.mark.django_db
def test_readyz_checks_real_redis(client):
    require_service("Redis (REDIS_URL)", bool(settings.REDIS_URL))
    assert client.get("/readyz").json()["checks"]["redis"] == "ok"


@pytest.mark.django_db
def test_readyz_reports_redis_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "unavailable"
