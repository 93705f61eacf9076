"""The verification log: who checked a credential, when and how, shown to its holder.

A verification hands the write off (:func:`record_verification`) and returns at once:

- With ``LINEAGE_VERIFICATION_LOG_BUFFER`` on (production: Redis is there), the event is one
  RPUSH onto a Redis list beside the cache, and the beat task
  ``credentials.tasks.drain_verification_events`` writes the list to the database in batches
  (:func:`verification_events_drain`) every few seconds. Publishing a Celery message per
  verification cost more than the rest of a cached verification together
  (bench/results/profiles).
- Otherwise (``make run``, most tests) the Celery task
  ``credentials.tasks.record_verification_event`` writes it (in-process when eager).

Both writes are idempotent on the event's ``key``. Holders see their log through
:func:`verification_log_for` and the ``credentials/verify/log.html`` include.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lms.cache import default_redis

from .models import Credential, VerificationEvent

logger = logging.getLogger(__name__)

RECENT_EVENTS = 20
BUFFER_KEY = "verification-events"  # a Redis list under the default cache's key prefix
DRAIN_LOCK = "verification-events-drain"
DRAIN_BATCH = 1000
DRAIN_MAX_BATCHES = 50  # one drain run stays well inside DRAIN_LOCK_SECONDS
DRAIN_LOCK_SECONDS = 300


def _organisation_name(organisation) -> str:
    if organisation is None:
        return ""
    name = getattr(organisation, "name", None) or str(organisation)
    return name[:200]


def record_verification(
    credential: Credential, *, channel: str, verifier=None, organisation=None
) -> None:
    """Enqueue the log entry for one verification; never fails the verification.

    The holder checking their own credential is not logged. ``organisation`` is the verifier's
    organisation (an object with a ``name``), if the verifier is signed in and belongs to one.
    """
    if channel not in VerificationEvent.Channel.values:
        raise ValueError(f"unknown verification channel {channel!r}")
    if (
        verifier is not None
        and getattr(verifier, "pk", None) is not None
        and (verifier.pk == credential.user_id)
    ):
        return
    event = {
        "key": str(uuid.uuid4()),
        "credential_id": credential.pk,
        "channel": channel,
        "organisation_name": _organisation_name(organisation),
        "verified_at": timezone.now().isoformat(),
    }
    buffer = _buffer()
    try:
        if buffer is not None:
            client, key = buffer
            payload = json.dumps(event)
            transaction.on_commit(lambda: _push(client, key, payload))
        else:
            from .tasks import record_verification_event

            record_verification_event.delay_on_commit(**event)
    except Exception:  # a broker outage loses a log line, never a verdict
        logger.exception("could not enqueue the verification event for %s", credential.pk)


def _buffer():
    """(Redis client, list key) when the log is buffered in Redis, else None."""
    if not getattr(settings, "LINEAGE_VERIFICATION_LOG_BUFFER", False):
        return None
    backend = default_redis()
    if backend is None:
        return None
    return backend._cache.get_client(write=True), backend.make_key(BUFFER_KEY)


def _push(client, key: str, payload: str) -> None:
    try:
        client.rpush(key, payload)
    except Exception:  # runs after the response was decided: never fail the verification
        logger.exception("could not buffer a verification event")


def _event(
    *,
    key: str,
    credential_id: int,
    channel: str,
    organisation_name: str = "",
    verified_at: str | None = None,
) -> VerificationEvent:
    """An unsaved event from what ``record_verification`` handed off (either route)."""
    if channel not in VerificationEvent.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    return VerificationEvent(
        key=uuid.UUID(key),
        credential_id=int(credential_id),
        channel=channel,
        organisation_name=str(organisation_name)[:200],
        verified_at=(parse_datetime(verified_at) if verified_at else None) or timezone.now(),
    )


def _event_from(raw: bytes) -> VerificationEvent | None:
    try:
        return _event(**json.loads(raw))
    except (ValueError, KeyError, TypeError) as error:
        logger.error("dropping a malformed verification event %r: %s", raw[:200], error)
        return None


def verification_events_drain() -> int:
    """Write buffered verification events to the database; return how many were read.

    At least once, exactly once in effect: a batch is read, inserted (duplicates of ``key``
    ignored) and only then trimmed from the list, so a crash in between re-reads it and adds
    nothing twice. One drainer at a time (a cache lock), so two never trim each other's batch.
    Events of credentials deleted meanwhile are dropped with them.
    """
    buffer = _buffer()
    if buffer is None or not cache.add(DRAIN_LOCK, 1, DRAIN_LOCK_SECONDS):
        return 0
    client, key = buffer
    read = 0
    try:
        for _ in range(DRAIN_MAX_BATCHES):
            raw = client.lrange(key, 0, DRAIN_BATCH - 1)
            if not raw:
                break
            events = [event for event in map(_event_from, raw) if event is not None]
            known = set(
                Credential.objects.filter(pk__in={e.credential_id for e in events}).values_list(
                    "pk", flat=True
                )
            )
            events = [event for event in events if event.credential_id in known]
            VerificationEvent.objects.bulk_create(events, ignore_conflicts=True)
            client.ltrim(key, len(raw), -1)
            read += len(raw)
    finally:
        cache.delete(DRAIN_LOCK)
    return read


@transaction.atomic
def verification_event_record(
    *,
    key: str,
    credential_id: int,
    channel: str,
    organisation_name: str = "",
    verified_at: str | None = None,
) -> bool:
    """Write one verification event; idempotent on ``key`` (a redelivered task adds nothing).

    Returns False when nothing was written (already recorded, or the credential is gone).
    """
    if not Credential.objects.filter(pk=credential_id).exists():
        return False
    event = _event(
        key=key,
        credential_id=credential_id,
        channel=channel,
        organisation_name=organisation_name,
        verified_at=verified_at,
    )
    _, created = VerificationEvent.objects.get_or_create(
        key=event.key,
        defaults={
            field: getattr(event, field)
            for field in ("credential_id", "channel", "organisation_name", "verified_at")
        },
    )
    return created


@dataclass(frozen=True)
class LogEntry:
    verified_at: datetime
    channel: str
    organisation_name: str


@dataclass(frozen=True)
class VerificationLog:
    """What the holder sees: how often, by which route, and the latest checks."""

    total: int
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    recent: list[LogEntry] = field(default_factory=list)


def verification_log_for(credential: Credential, *, limit: int = RECENT_EVENTS) -> VerificationLog:
    """The verification log of ``credential`` for its holder's page: two queries."""
    labels = dict(VerificationEvent.Channel.choices)
    counts = (
        VerificationEvent.objects.filter(credential=credential)
        .values("channel")
        .annotate(n=Count("pk"))
        .order_by("channel")
    )
    by_channel = [(labels.get(row["channel"], row["channel"]), row["n"]) for row in counts]
    recent = [
        LogEntry(event.verified_at, event.get_channel_display(), event.organisation_name)
        for event in VerificationEvent.objects.filter(credential=credential).order_by(
            "-verified_at", "-pk"
        )[:limit]
    ]
    return VerificationLog(
        total=sum(n for _, n in by_channel), by_channel=by_channel, recent=recent
    )
