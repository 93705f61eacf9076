"""The verification log through its Redis buffer (production's path): one RPUSH per
verification, written to the database in batches by the drain task, exactly once in effect."""

import json
import uuid
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from credentials import tasks
from credentials.models import VerificationEvent
from credentials.verification import verify_by_id
from credentials.verification_log import (
    BUFFER_KEY,
    DRAIN_BATCH,
    verification_events_drain,
)
from tests.conftest import require_service

pytest_plugins = ["tests.verification_support"]  # fixtures: issue, fresh_cache
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def buffer(settings):
    require_service("Redis", bool(django_settings.REDIS_URL))
    settings.LINEAGE_VERIFICATION_LOG_BUFFER = True
    backend = caches["default"]
    assert isinstance(backend, RedisCache)
    client, key = backend._cache.get_client(write=True), backend.make_key(BUFFER_KEY)
    client.delete(key)
    yield client, key
    client.delete(key)


def test_a_verification_buffers_one_event_and_the_drain_writes_it(
    buffer, issue, django_capture_on_commit_callbacks
):
    client, key = buffer
    credential = issue()
    with (
        mock.patch.object(tasks.record_verification_event, "delay_on_commit") as per_event,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert verify_by_id(credential.public_id, channel="api").valid
    per_event.assert_not_called()  # no Celery message per verification
    assert client.llen(key) == 1
    assert not VerificationEvent.objects.exists()  # not yet: the drain writes it

    assert tasks.drain_verification_events() == 1
    event = VerificationEvent.objects.get()
    assert (event.credential_id, event.channel) == (credential.pk, "api")
    assert client.llen(key) == 0


def test_draining_twice_writes_nothing_twice(buffer, issue):
    client, key = buffer
    credential = issue()
    payload = json.dumps(
        {
            "key": str(uuid.uuid4()),
            "credential_id": credential.pk,
            "channel": "page",
            "organisation_name": "Studio Nine",
            "verified_at": "2026-12-05T10:00:00+00:00",
        }
    )
    client.rpush(key, payload, payload)  # redelivered: the same event twice
    assert verification_events_drain() == 2
    # A crash after the insert and before the trim: the batch is read again.
    client.rpush(key, payload)
    assert verification_events_drain() == 1
    assert VerificationEvent.objects.get().organisation_name == "Studio Nine"


def test_large_backlogs_drain_in_batches_and_bad_entries_are_dropped(buffer, issue):
    client, key = buffer
    credential = issue()
    good = [
        json.dumps(
            {
                "key": str(uuid.uuid4()),
                "credential_id": credential.pk,
                "channel": "bulk",
                "verified_at": "2026-12-05T10:00:00+00:00",
            }
        )
        for _ in range(DRAIN_BATCH + 5)
    ]
    gone = json.dumps({**json.loads(good[0]), "key": str(uuid.uuid4()), "credential_id": 10**9})
    client.rpush(key, "not json", json.dumps({"channel": "carrier-pigeon"}), gone, *good)
    assert verification_events_drain() == DRAIN_BATCH + 8
    assert VerificationEvent.objects.count() == DRAIN_BATCH + 5
    assert client.llen(key) == 0


def test_a_database_failure_keeps_the_batch_for_the_next_drain(buffer, issue):
    client, key = buffer
    credential = issue()
    client.rpush(
        key,
        json.dumps(
            {
                "key": str(uuid.uuid4()),
                "credential_id": credential.pk,
                "channel": "page",
                "verified_at": "2026-12-05T10:00:00+00:00",
            }
        ),
    )
    with (
        mock.patch.object(
            VerificationEvent.objects, "bulk_create", side_effect=RuntimeError("database down")
        ),
        pytest.raises(RuntimeError),
    ):
        verification_events_drain()
    assert client.llen(key) == 1  # nothing lost
    assert verification_events_drain() == 1  # the lock was released
    assert VerificationEvent.objects.count() == 1


def test_one_drainer_at_a_time(buffer, issue):
    from django.core.cache import cache

    from credentials.verification_log import DRAIN_LOCK

    client, key = buffer
    client.rpush(key, "not json")
    cache.add(DRAIN_LOCK, 1, 60)  # another worker is draining
    assert verification_events_drain() == 0
    assert client.llen(key) == 1
    cache.delete(DRAIN_LOCK)
    assert verification_events_drain() == 1


def test_the_holder_checking_their_own_credential_is_not_buffered(
    buffer, issue, learner, django_capture_on_commit_callbacks
):
    client, key = buffer
    credential = issue()
    with django_capture_on_commit_callbacks(execute=True):
        verify_by_id(credential.public_id, channel="page", verifier=learner)
    assert client.llen(key) == 0


def test_the_drain_runs_on_the_beat_schedule():
    entry = next(
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "credentials.tasks.drain_verification_events"
    )
    assert 0 < entry["schedule"] <= 60
