"""Celery tasks for credentials: thin wrappers around the services.

Retries and backoff live here; idempotency lives in ``credential_issue``. ``acks_late`` with
``reject_on_worker_lost`` re-queues a task whose worker died, and Redis redelivers one whose
worker vanished after ``visibility_timeout``: both are safe because the service does nothing
unless the credential is still pending, and counts attempts in the database (a redelivered
task carries no retry count of its own).
"""

import functools
import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import services
from .models import Credential

logger = logging.getLogger(__name__)


class SweptTask(DjangoTask):
    """A task the sweeper re-enqueues from the database, so a lost send is not an error.

    ``delay_on_commit`` runs after the learner's transaction committed: if the broker is
    unreachable then, raising would turn a saved completion into an error page. The row stays
    pending instead, and ``sweep_pending_credentials`` sends it once the broker is back.
    """

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self._delay_or_log, *args, **kwargs))

    def _delay_or_log(self, *args, **kwargs) -> None:
        try:
            self.delay(*args, **kwargs)
        except BrokerUnavailable:
            logger.warning(
                "broker unavailable: %s%r not sent; the sweeper re-enqueues it",
                self.name,
                args,
                exc_info=True,
            )


@shared_task(
    base=SweptTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,  # bounded by the attempt counter in the database instead
    ignore_result=True,
)
def issue_credential(self, credential_id: int) -> None:
    try:
        services.credential_issue(credential_id=credential_id)
    except Exception as exc:
        attempts = (
            Credential.objects.filter(pk=credential_id).values_list("attempts", flat=True).first()
            or 0
        )
        if attempts >= settings.CREDENTIAL_MAX_ATTEMPTS:
            logger.exception("credential %s failed after %s attempts", credential_id, attempts)
            services.credential_mark_failed(credential_id=credential_id, error=repr(exc))
            return
        countdown = min(2**attempts, 300)
        logger.warning(
            "credential %s attempt %s failed; retrying in %ss", credential_id, attempts, countdown
        )
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(ignore_result=True)
def sweep_pending_credentials() -> int:
    """Beat task: re-enqueue credentials stuck in pending."""
    return services.credentials_sweep_pending()


@shared_task(bind=True, ignore_result=True, max_retries=5)
def record_verification_event(
    self,
    *,
    key: str,
    credential_id: int,
    channel: str,
    organisation_name: str = "",
    verified_at: str | None = None,
) -> None:
    """Write one verification log entry after the verdict was sent (idempotent on ``key``)."""
    from django.db import OperationalError

    from .verification_log import verification_event_record

    try:
        verification_event_record(
            key=key,
            credential_id=credential_id,
            channel=channel,
            organisation_name=organisation_name,
            verified_at=verified_at,
        )
    except OperationalError as exc:  # database briefly unavailable: try again later
        raise self.retry(exc=exc, countdown=min(2**self.request.retries, 60)) from exc


@shared_task(ignore_result=True)
def drain_verification_events() -> int:
    """Beat task: write the buffered verification log to the database (see verification_log)."""
    from .verification_log import verification_events_drain

    return verification_events_drain()
