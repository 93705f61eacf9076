"""Fixtures for the fault suite: throwaway Redis, a cuttable PostgreSQL link, a real worker."""

import shutil

import pytest
from django.conf import settings
from django.db import connection, connections

from lms.celery import app as celery_app
from tests.conftest import require_service

from .throwaway import CeleryWorker, CuttableProxy, ThrowawayRedis


@pytest.fixture
def postgres():
    require_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")


@pytest.fixture
def redis_binary():
    require_service("redis-server", shutil.which("redis-server") is not None)


@pytest.fixture
def throwaway_redis(tmp_path, redis_binary):
    """A private redis-server on a free port, killed at the end of the test."""
    server = ThrowawayRedis(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def broker_at():
    """Point this process's Celery producer at a broker URL (not eager) for one test."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager

    def point(url: str) -> None:
        celery_app.conf.broker_url = url
        celery_app.conf.task_always_eager = False
        forget_broker_connections()

    yield point
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    forget_broker_connections()


def forget_broker_connections() -> None:
    """Make the next send connect to the broker URL now configured (as Celery does on fork)."""
    celery_app._after_fork()


@pytest.fixture
def database_through_proxy(postgres):
    """Every new connection to the test database goes through a proxy the test can cut.

    Connections are opened per request (CONN_MAX_AGE=0, no pool in test settings), so after
    closing the current one, everything below reconnects through the proxy.
    """
    db = connections.settings["default"]
    proxy = CuttableProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    saved_port = db["PORT"]
    connection.close()
    db["PORT"] = str(proxy.port)
    yield proxy
    proxy.restore()
    connection.close()
    db["PORT"] = saved_port
    proxy.stop()


@pytest.fixture
def start_worker(tmp_path):
    """Start a real Celery worker on this run's queue; stopped at the end of the test."""
    workers = []

    def start(**env) -> CeleryWorker:
        db = connection.settings_dict
        worker = CeleryWorker(
            tmp_path / f"worker-{len(workers)}.log",
            database_url=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
            run_id=settings.TEST_RUN_ID,
            **env,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
