"""The verification log: who checked a credential, when and how, shown to its holder.

A verification enqueues the write (:func:`record_verification`) and returns at once; the
Celery task ``credentials.tasks.record_verification_event`` calls
:func:`verification_event_record`. Holders see their log through
:func:`verification_log_for` and the ``credentials/verify/log.html`` include.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Credential, VerificationEvent

logger = logging.getLogger(__name__)

RECENT_EVENTS = 20


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
    from .tasks import record_verification_event

    try:
        record_verification_event.delay_on_commit(
            key=str(uuid.uuid4()),
            credential_id=credential.pk,
            channel=channel,
            organisation_name=_organisation_name(organisation),
            verified_at=timezone.now().isoformat(),
        )
    except Exception:  # a broker outage loses a log line, never a verdict
        logger.exception("could not enqueue the verification event for %s", credential.pk)


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
    when = parse_datetime(verified_at) if verified_at else None
    _, created = VerificationEvent.objects.get_or_create(
        key=uuid.UUID(key),
        defaults={
            "credential_id": credential_id,
            "channel": channel,
            "organisation_name": organisation_name[:200],
            "verified_at": when or timezone.now(),
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
