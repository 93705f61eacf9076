"""Fault: the Celery worker's pool process is killed with SIGKILL while it issues a credential.

A real worker on the suite's Redis (this run's own queue and key prefix, lms.settings.test),
with the test settings' short visibility timeout (10 s) and the
``CREDENTIAL_ISSUE_TEST_DELAY_SECONDS`` pause, so the kill lands after the attempt was counted
and before anything was written. After recovery the credential exists exactly once, with
exactly one PDF and no other file in the media folder.
"""

import os
import signal

import pytest
from django.conf import settings
from django.db import connection

from courses import services as course_services
from courses.models import LessonPage
from credentials import services as credential_services
from credentials.models import Credential
from tests.conftest import require_service

from .throwaway import stored_files, wait_for

pytestmark = [
    pytest.mark.services,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def real_services():
    require_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")
    require_service("Redis (REDIS_URL)", bool(settings.REDIS_URL))


def test_worker_killed_mid_issue_issues_exactly_once_with_one_pdf_and_no_orphan(
    start_worker, broker_at, learner, make_course, settings
):
    broker_at(settings.CELERY_BROKER_URL)  # send to the real broker, not eagerly
    worker = start_worker(CREDENTIAL_ISSUE_TEST_DELAY_SECONDS="3")
    course = make_course("Kill -9", lessons=1)
    course_services.enrollment_create(user=learner, course=course)
    before = stored_files()
    # A real commit: the completion hook enqueues the issue task on Redis.
    course_services.step_complete(user=learner, step=LessonPage.objects.child_of(course).get())
    credential = Credential.objects.get()

    # The worker has claimed the first attempt (and now sleeps 3 s): kill its pool process.
    assert wait_for(
        lambda: Credential.objects.filter(pk=credential.pk, attempts=1).exists(), timeout=30
    )
    pool = worker.pool_pids()
    assert pool, "the worker has no pool process"
    for pid in pool:
        os.kill(pid, signal.SIGKILL)

    # acks_late + reject_on_worker_lost re-queue the task and the new pool process runs it.
    # Should the broker not hand it back (seen once under heavy load), the beat sweeper is the
    # designed safety net: run it as beat would.
    def is_issued():
        return Credential.objects.filter(pk=credential.pk, status="issued").exists()

    issued = wait_for(is_issued, timeout=20, interval=0.2)
    if not issued:
        settings.CREDENTIAL_STUCK_AFTER_SECONDS = 0
        credential_services.credentials_sweep_pending()
        issued = wait_for(is_issued, timeout=30, interval=0.2)
    credential.refresh_from_db()
    assert issued, f"status={credential.status} attempts={credential.attempts}"
    assert credential.attempts >= 2  # the killed attempt was counted
    assert Credential.objects.count() == 1
    assert credential.pdf.name == f"credentials/{credential.public_id}.pdf"
    # One PDF and nothing else: no orphan, no partial or temporary file from the killed attempt.
    assert stored_files() - before == {f"private/credentials/{credential.public_id}.pdf"}
