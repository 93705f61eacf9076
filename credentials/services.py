"""Writes for credentials: create on completion, issue exactly once, revoke, withdraw.

Exactly-once issuance rests on the database, not on the queue: the active-credential
constraint allows one live credential per learner and course; ``credential_issue`` locks
the row, does nothing unless it is still pending, counts attempts in the row, and writes the
PDF under a name derived from the public id, so a retried or redelivered task overwrites its
own file instead of leaving an orphan. A credential whose holder has not yet confirmed the
name to print stays pending, not enqueued and refused by ``credential_issue``, until
``credentials_issue_held`` releases it.
"""

import hashlib
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from courses.models import CourseCompletion

from . import rendering
from .models import Credential, StatusListCounter
from .snapshot import completion_snapshot
from .status import status_list_invalidate

logger = logging.getLogger(__name__)


class CredentialError(Exception):
    """An action on a credential is not allowed; the message says why."""


def _allocate_status_index() -> int:
    counter, _ = StatusListCounter.objects.select_for_update().get_or_create(pk=1)
    index = counter.next_index
    counter.next_index = index + 1
    counter.save(update_fields=["next_index"])
    return index


def _enqueue_issue(credential_id: int) -> None:
    from .tasks import issue_credential

    issue_credential.delay_on_commit(credential_id)


@transaction.atomic
def credential_create_for_completion(
    *, completion: CourseCompletion, printed_name: str | None = None
) -> Credential:
    """Create the pending credential for a completion and enqueue its issuance on commit.

    Called by the ``course_completed`` hook inside the completion's transaction. An earlier
    active credential for the same course (e.g. an expired one being renewed) is superseded.
    If the holder has not confirmed the name to print, it waits (pending, not enqueued).
    """
    # Locked and read afresh: a confirmation committed meanwhile either came first (its
    # name is used here) or waits for this transaction and then releases this credential.
    user = get_user_model().objects.select_for_update().get(pk=completion.user_id)
    previous = list(
        Credential.objects.select_for_update().active().filter(user=user, course=completion.course)
    )
    course = completion.course
    valid_for = getattr(course, "credential_valid_for_days", None)
    completed_on = completion.completed_at
    credential = Credential(
        completion=completion,
        user=user,
        course=course,
        printed_name=printed_name or user.get_credential_name(),
        skills=sorted(tag.name for tag in course.skills.all()) if course else [],
        snapshot=completion_snapshot(completion),
        visibility=getattr(user, "verification_visibility", Credential.Visibility.ACHIEVEMENT),
        status_list_index=_allocate_status_index(),
        valid_from=completed_on,
        expires_on=(completed_on + timedelta(days=valid_for)).date() if valid_for else None,
    )
    for old in previous:
        old.status = Credential.Status.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
    credential.save()
    Credential.objects.filter(pk__in=[c.pk for c in previous]).update(superseded_by=credential)
    if user.credential_name_confirmed:
        _enqueue_issue(credential.pk)
    return credential


@transaction.atomic
def credentials_issue_held(*, user) -> list[Credential]:
    """The holder has confirmed the name to print: put it on the credentials that waited for
    it (pending) and enqueue their issuance. Called by the ``credential_name_confirmed`` hook.

    Issuing stays exactly-once however often this runs: ``credential_issue`` does nothing
    unless the credential is still pending. One already being signed (an attempt counted) is
    left alone, so its name can't change under the renderer.
    """
    held = list(
        Credential.objects.select_for_update().filter(
            user=user, status=Credential.Status.PENDING, attempts=0
        )
    )
    for credential in held:
        credential.printed_name = user.get_credential_name()
        credential.save(update_fields=["printed_name", "updated_at"])
        _enqueue_issue(credential.pk)
    return held


def _claim_attempt(credential_id: int) -> Credential | None:
    """Count an attempt in its own transaction, so a crash mid-render is still counted."""
    with transaction.atomic():
        # The holder comes along for the badge and the email; only the credential is locked.
        credential = (
            Credential.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=credential_id)
            .first()
        )
        if credential is None or credential.status != Credential.Status.PENDING:
            return None
        if credential.user is not None and not credential.user.credential_name_confirmed:
            return None  # waits for its holder's name (credentials_issue_held)
        credential.attempts += 1
        credential.save(update_fields=["attempts", "updated_at"])
        return credential


def pdf_name(credential: Credential) -> str:
    return f"credentials/{credential.public_id}.pdf"


def credential_issue(*, credential_id: int) -> Credential | None:
    """Render, sign and store both artefacts, then mark the credential issued. Idempotent.

    Returns None when there is nothing to do (already issued, revoked, superseded, waiting
    for its holder to confirm their name...).
    Rendering and signing happen outside any transaction (they take tens of milliseconds);
    the final state change re-checks the row under a lock.
    """
    credential = _claim_attempt(credential_id)
    if credential is None:
        return None
    delay = getattr(settings, "CREDENTIAL_ISSUE_TEST_DELAY_SECONDS", 0)
    if delay:  # test settings only: lets a test kill the worker mid-task
        time.sleep(delay)
    issued_at = timezone.now()
    badge, pdf_bytes = rendering.render_signed_artefacts(credential, issued_at=issued_at)
    name = pdf_name(credential)
    with transaction.atomic():
        # Re-check the status under the lock; only the issuing fields are written, so a change
        # made meanwhile to another column (e.g. the visibility) is kept.
        status = (
            Credential.objects.select_for_update()
            .filter(pk=credential_id)
            .values_list("status", flat=True)
            .first()
        )
        if status != Credential.Status.PENDING:
            return None
        # Same name on every attempt: a retry replaces its own file, never leaves an orphan.
        # The private storage (the field's), never the public media one.
        storage = credential.pdf.storage
        if storage.exists(name):
            storage.delete(name)
        stored = storage.save(name, ContentFile(pdf_bytes))
        credential.pdf.name = stored
        credential.pdf_sha256 = hashlib.sha256(pdf_bytes).hexdigest()
        credential.badge = badge
        credential.issued_at = issued_at
        credential.status = Credential.Status.ISSUED
        credential.last_error = ""
        credential.save(update_fields=ISSUED_FIELDS)
    transaction.on_commit(lambda: _notify_issued(credential))
    return credential


# What issuing writes (``updated_at`` too: caches are keyed on it).
ISSUED_FIELDS = ["pdf", "pdf_sha256", "badge", "issued_at", "status", "last_error", "updated_at"]


def _notify_issued(credential: Credential) -> None:
    from .notifications import credential_issued_email

    try:
        credential_issued_email(credential_id=credential.pk, credential=credential)
    except Exception:  # an email failure must never undo an issued credential
        logger.exception("could not send the credential email for %s", credential.pk)


@transaction.atomic
def credential_mark_failed(*, credential_id: int, error: str) -> None:
    """After the last retry: leave the row ``failed`` with the error, visible to admins."""
    Credential.objects.filter(pk=credential_id, status=Credential.Status.PENDING).update(
        status=Credential.Status.FAILED, last_error=error[:2000], updated_at=timezone.now()
    )


@transaction.atomic
def credential_retry(*, credential: Credential) -> Credential:
    """An admin retries a failed credential: back to pending, attempts reset, re-enqueued."""
    locked = Credential.objects.select_for_update().get(pk=credential.pk)
    if locked.status != Credential.Status.FAILED:
        raise CredentialError("Only a credential whose issuing failed can be retried.")
    locked.status = Credential.Status.PENDING
    locked.attempts = 0
    locked.save(update_fields=["status", "attempts", "updated_at"])
    _enqueue_issue(locked.pk)
    return locked


def credentials_sweep_pending() -> int:
    """Re-enqueue credentials stuck in pending (lost task, Redis down at commit time)."""
    cutoff = timezone.now() - timedelta(seconds=settings.CREDENTIAL_STUCK_AFTER_SECONDS)
    ids = list(Credential.objects.stuck_pending(older_than=cutoff).values_list("pk", flat=True))
    from .tasks import issue_credential

    for credential_id in ids:
        issue_credential.delay(credential_id)
    return len(ids)


@transaction.atomic
def credential_revoke(*, credential: Credential, reason: str, note: str = "", actor) -> Credential:
    """Revoke an issued credential with a reason from the fixed list; flips its status bit."""
    if reason not in Credential.RevocationReason.values:
        raise CredentialError("Choose a reason from the list.")
    locked = Credential.objects.select_for_update().get(pk=credential.pk)
    if locked.status in (Credential.Status.REVOKED, Credential.Status.WITHDRAWN):
        raise CredentialError("This credential is already revoked or withdrawn.")
    locked.status = Credential.Status.REVOKED
    locked.revoked_at = timezone.now()
    locked.revocation_reason = reason
    locked.revocation_note = note
    locked.save()
    status_list_invalidate()
    logger.info("credential %s revoked by %s: %s", locked.public_id, actor, reason)
    return locked


@transaction.atomic
def credentials_withdraw_for_user(*, user) -> int:
    """On account deletion: withdraw (never delete) the person's credentials and strip
    personal data from what verification shows."""
    count = 0
    for credential in Credential.objects.select_for_update().filter(user=user):
        credential.status = Credential.Status.WITHDRAWN
        credential.printed_name = ""
        credential.visibility = Credential.Visibility.OFF
        credential.save(update_fields=["status", "printed_name", "visibility", "updated_at"])
        count += 1
    if count:
        status_list_invalidate()
    return count


@transaction.atomic
def credential_visibility_set(*, credential: Credential, visibility: str) -> Credential:
    """The holder chooses what the verification link shows for this credential.

    Only what the verification page answers changes: the signed PDF and badge keep what they
    were issued with. ``updated_at`` moves, so caches keyed on it see the change.
    """
    if visibility not in Credential.Visibility.values:
        raise CredentialError("Choose who can see this credential from the list.")
    locked = Credential.objects.select_for_update().get(pk=credential.pk)
    if locked.status == Credential.Status.WITHDRAWN:
        raise CredentialError("A withdrawn credential can't be shown to anyone.")
    locked.visibility = visibility
    locked.save(update_fields=["visibility", "updated_at"])
    return locked


@transaction.atomic
def credentials_reissue_for_name_change(*, user) -> list[Credential]:
    """Reissue the holder's issued, current credentials with their new printed name.

    Each new credential records the same completion; creating it supersedes the old one
    (``credential_create_for_completion``), whose files stay as history.
    """
    reissued = []
    current = Credential.objects.select_for_update().filter(
        user=user, status=Credential.Status.ISSUED
    )
    for credential in current.select_related("completion"):
        if credential.is_expired:
            continue  # an expired credential is renewed by retaking the course instead
        reissued.append(
            credential_create_for_completion(
                completion=credential.completion, printed_name=user.get_credential_name()
            )
        )
    return reissued
