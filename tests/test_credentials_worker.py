"""Exactly-once issuance against real services: a live Celery worker on the real Redis,
and many concurrent completions on PostgreSQL.

Marked `services`/`celery_worker`: they skip locally without PostgreSQL and Redis, and fail
under REQUIRE_SERVICES=1 (CI). Each run uses its own queue and Redis key prefix
(lms.settings.test), so runs never see each other's tasks.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection

from courses import services as course_services
from courses.models import CourseCompletion, LessonPage
from credentials import services as credential_services
from credentials.models import Credential
from lms.celery import app as celery_app
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def real_services():
    require_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")
    require_service("Redis (REDIS_URL)", bool(settings.REDIS_URL))


def wait_for(condition, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    return condition()


def child_pids(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.fixture
def broker_mode():
    """Send tasks to the real broker from this test process (not eagerly)."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def worker(tmp_path, broker_mode):
    """A real `celery worker` (prefork, one pool process) on this run's queue and test DB."""
    db = connection.settings_dict
    env = {
        # The run id below already names this xdist worker: don't let the child add it again.
        **{k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"},
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "LINEAGE_CELERY_EAGER": "0",
        "CREDENTIAL_ISSUE_TEST_DELAY_SECONDS": "3",
        "LINEAGE_TEST_RUN_ID": settings.TEST_RUN_ID,
    }
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    ready = wait_for(lambda: "ready" in (tmp_path / "worker.log").read_text(), timeout=60)
    assert ready, (tmp_path / "worker.log").read_text()[-3000:]
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def test_killed_pool_process_mid_task_still_issues_exactly_once(
    worker, learner, make_course, settings
):
    course = make_course("Kill -9", lessons=1)
    course_services.enrollment_create(user=learner, course=course)
    before = (
        set(default_storage.listdir("credentials")[1])
        if default_storage.exists("credentials")
        else set()
    )
    # A real commit: the hook's delay_on_commit sends the task to Redis.
    course_services.step_complete(user=learner, step=LessonPage.objects.child_of(course).get())
    credential = Credential.objects.get()

    # Wait until the worker has claimed the first attempt (it then sleeps 3 s), then kill
    # the pool process that runs it.
    assert wait_for(
        lambda: Credential.objects.filter(pk=credential.pk, attempts=1).exists(), timeout=30
    )
    pool = child_pids(worker.pid)
    assert pool, "the worker has no pool process"
    for pid in pool:
        os.kill(pid, signal.SIGKILL)

    # acks_late + reject_on_worker_lost: the task is normally re-queued at once and runs
    # again. Should the broker not hand it back (seen once under heavy load), the beat
    # sweeper is the designed safety net: run it as beat would and the worker finishes.
    def is_issued():
        return Credential.objects.filter(pk=credential.pk, status="issued").exists()

    issued = wait_for(is_issued, timeout=30)
    if not issued:
        settings.CREDENTIAL_STUCK_AFTER_SECONDS = 0
        credential_services.credentials_sweep_pending()
        issued = wait_for(is_issued, timeout=60)
    credential.refresh_from_db()
    assert issued, f"status={credential.status} attempts={credential.attempts}"
    assert credential.attempts >= 2  # the killed attempt was counted
    assert Credential.objects.count() == 1
    new_files = set(default_storage.listdir("credentials")[1]) - before
    assert new_files == {f"{credential.public_id}.pdf"}  # one PDF, no orphan


def test_fifty_concurrent_completions_give_one_completion_and_one_credential(learner, make_course):
    """50 threads (under max_connections) complete the last step at the same moment."""
    course = make_course("Stampede", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    course_services.enrollment_create(user=learner, course=course)
    count = 50
    barrier = threading.Barrier(count)
    errors = []

    def complete():
        try:
            barrier.wait(timeout=30)
            course_services.step_complete(user=learner, step=lesson)
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert CourseCompletion.objects.filter(user=learner).count() == 1
    assert Credential.objects.filter(user=learner).count() == 1
    credential = Credential.objects.get(user=learner)
    assert credential.status == Credential.Status.ISSUED
    assert default_storage.listdir("credentials")[1].count(f"{credential.public_id}.pdf") == 1
