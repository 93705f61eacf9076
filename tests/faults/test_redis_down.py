"""Fault: Redis (the Celery broker and Django's cache) goes down while learners work.

A throwaway ``redis-server`` on a free port stands in for production's single Redis (broker
and cache), so the suite's own Redis stays up. It is killed with SIGKILL: completing a course
still succeeds, the credential waits as ``pending`` in PostgreSQL, and once Redis is back the
sweeper re-enqueues it and a real worker issues it, exactly once. Pages that use the cache
degrade to "no cache" (lms/cache.py); the rate limits fail open, a documented choice.
"""

import logging

import pytest
from django.core.cache import cache
from kombu.exceptions import OperationalError as BrokerUnavailable

from courses import services as course_services
from courses.models import CourseCompletion, LearningRecord, LessonPage
from credentials import services as credential_services
from credentials import tasks
from credentials.models import Credential
from tests.conftest import PASSWORD

from .throwaway import stored_files, wait_for


def cache_at(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "lms.cache.DegradingRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "faults",
        }
    }


def complete(client, step):
    return client.post(f"/learn/steps/{step.pk}/complete/")


@pytest.mark.services
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_course_completed_while_redis_is_down_is_issued_once_redis_is_back(
    postgres,
    throwaway_redis,
    broker_at,
    start_worker,
    client,
    learner,
    make_course,
    settings,
    caplog,
):
    settings.CACHES = cache_at(throwaway_redis.url)
    broker_at(throwaway_redis.url)
    course = make_course("Outage", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    course_services.enrollment_create(user=learner, course=course)
    client.force_login(learner)
    before = stored_files()

    throwaway_redis.kill()
    with caplog.at_level(logging.WARNING):
        response = complete(client, lesson)
    assert response.status_code == 302 and response.url == course.url
    assert client.get(response.url).status_code == 200  # the course page, cache down too
    assert CourseCompletion.objects.filter(user=learner).count() == 1
    credential = Credential.objects.get(user=learner)
    assert credential.status == Credential.Status.PENDING and credential.attempts == 0
    assert "broker unavailable" in caplog.text

    throwaway_redis.start()  # same port, empty: the task sent at commit time is gone
    settings.CREDENTIAL_STUCK_AFTER_SECONDS = 0
    # Twice, as two beat runs could: the second message must not issue a second credential.
    assert credential_services.credentials_sweep_pending() == 1
    assert credential_services.credentials_sweep_pending() == 1
    start_worker(REDIS_URL=throwaway_redis.url)
    assert wait_for(
        lambda: Credential.objects.filter(pk=credential.pk, status="issued").exists(),
        timeout=30,
        interval=0.2,
    )
    assert Credential.objects.filter(user=learner).count() == 1
    credential.refresh_from_db()
    assert credential.attempts == 1  # the second message found it issued and did nothing
    assert stored_files() - before == {f"private/credentials/{credential.public_id}.pdf"}


@pytest.mark.django_db
def test_a_broker_outage_at_commit_is_logged_and_the_credential_stays_pending(
    learner, make_course, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """The completion commits and returns; only the enqueue is skipped (sweeper's job)."""

    def broker_down(*args, **kwargs):
        raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.issue_credential, "delay", broker_down)
    course = make_course("Broker down", lessons=1)
    course_services.enrollment_create(user=learner, course=course)
    with (
        caplog.at_level(logging.WARNING, logger="credentials.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        course_services.step_complete(user=learner, step=LessonPage.objects.child_of(course).get())
    credential = Credential.objects.get(user=learner)
    assert credential.status == Credential.Status.PENDING
    assert f"issue_credential({credential.pk},) not sent" in caplog.text


@pytest.mark.django_db
def test_other_task_errors_at_commit_are_not_swallowed(
    learner, make_course, monkeypatch, django_capture_on_commit_callbacks
):
    """Only a broker outage is caught: a bug in sending still surfaces."""

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(tasks.issue_credential, "delay", broken)
    course = make_course("Bug", lessons=1)
    course_services.enrollment_create(user=learner, course=course)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        course_services.step_complete(user=learner, step=LessonPage.objects.child_of(course).get())


@pytest.mark.django_db
def test_pages_that_use_the_cache_degrade_while_redis_is_down(
    throwaway_redis, client, learner, make_course, settings
):
    settings.CACHES = cache_at(throwaway_redis.url)
    course = make_course("Cacheless", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    course_services.enrollment_create(user=learner, course=course)
    client.force_login(learner)
    throwaway_redis.kill()

    # The lesson page records the view (its "already seen today" marker is in the cache).
    assert client.get(lesson.url).status_code == 200
    viewed = LearningRecord.objects.filter(user=learner, verb=LearningRecord.Verb.EXPERIENCED)
    assert viewed.count() == 1
    assert client.get(lesson.url).status_code == 200
    assert viewed.count() == 1  # without the marker the database still keeps one a day
    # Verification: the rate limit and the verdict cache are skipped, the answer is the same.
    assert client.get("/api/v1/credentials/" + "x" * 22 + "/verification").status_code == 404
    assert client.get("/verify/" + "x" * 22 + "/").status_code == 404


@pytest.mark.django_db
def test_login_rate_limit_fails_open_while_redis_is_down(throwaway_redis, client, settings):
    """Documented choice (lms/cache.py): a cache outage must not lock every learner out."""
    from tests.conftest import make_user

    settings.CACHES = cache_at(throwaway_redis.url)
    make_user("ada")
    throwaway_redis.kill()
    for _ in range(12):  # over both limits (10/m per IP, 5/5m per account)
        response = client.post("/accounts/login/", {"login": "ada", "password": "wrong"})
        assert response.status_code == 200
        assert "Too many failed attempts" not in response.content.decode()
    response = client.post("/accounts/login/", {"login": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_the_degrading_cache_misses_drops_writes_and_keeps_incr_strict(throwaway_redis, settings):
    settings.CACHES = cache_at(throwaway_redis.url)
    assert cache.set("k", 1) is None and cache.get("k") == 1  # a working Redis behaves as usual
    throwaway_redis.kill()
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["k"]) == {}
    assert cache.has_key("k") is False
    assert cache.add("k", 2) is True  # "first time": callers dedupe elsewhere
    cache.set("k", 3)
    cache.delete("k")
    with pytest.raises(Exception, match="onnect"):
        cache.incr("k")  # a counter must not silently restart at zero


def test_clearing_the_cache_leaves_other_keys_in_the_database_alone(throwaway_redis, settings):
    """Celery's queues share production's Redis database: a cache clear must not FLUSHDB."""
    import redis

    settings.CACHES = cache_at(throwaway_redis.url)
    other = redis.Redis.from_url(throwaway_redis.url)
    other.set("celery-queue-stand-in", "kept")
    cache.set_many({f"k{n}": n for n in range(2500)})  # more than one scan/unlink batch
    cache.clear()
    assert cache.get_many([f"k{n}" for n in range(2500)]) == {}
    assert other.get("celery-queue-stand-in") == b"kept"
    throwaway_redis.kill()
    cache.clear()  # an unreachable Redis: nothing to clear, no error


def test_one_redis_client_is_reused_and_reconnects_after_an_outage(throwaway_redis, settings):
    """Django builds a client per operation; ours keeps one per pool (lms.cache)."""
    settings.CACHES = cache_at(throwaway_redis.url)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    cache.set("k", 1)
    throwaway_redis.kill()
    assert cache.get("k") is None  # degraded: a miss
    throwaway_redis.start()
    cache.set("k", 2)
    assert cache.get("k") == 2
    assert cache._cache.get_client() is client
