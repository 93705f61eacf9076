"""Credentials issued on course completion, the issuer's signing keys and the status list.

A ``Credential`` records one course completion in two signed forms (a PAdES-signed PDF and
an Open Badges 3.0 JSON credential with a Data Integrity proof). Rows are never deleted:
superseded, revoked and withdrawn credentials stay as history, and the database allows at
most one *active* (pending, issued or failed) credential per learner and course.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .storage import private_storage

# 20 random bytes = 160 bits from `secrets`, URL-safe: not sequential, not a UUID.
PUBLIC_ID_BYTES = 20


def new_public_id() -> str:
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


def new_subject_salt() -> str:
    return secrets.token_hex(16)


class CredentialQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Credential.ACTIVE_STATUSES)

    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def stuck_pending(self, *, older_than):
        """Pending too long, leaving out those waiting for their holder to confirm a name."""
        return self.filter(
            status=Credential.Status.PENDING,
            updated_at__lt=older_than,
            user__credential_name_confirmed_at__isnull=False,
        )

    def awaiting_name(self):
        """Pending until their holder confirms the name to print on them."""
        return self.filter(
            status=Credential.Status.PENDING, user__credential_name_confirmed_at__isnull=True
        )


class Credential(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Being issued"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Issuing failed"
        REVOKED = "revoked", "Revoked"
        SUPERSEDED = "superseded", "Superseded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class RevocationReason(models.TextChoices):
        ISSUED_IN_ERROR = "issued_in_error", "Issued in error"
        MISCONDUCT = "misconduct", "Academic misconduct"
        COURSE_WITHDRAWN = "course_withdrawn", "Course withdrawn"
        HOLDER_REQUEST = "holder_request", "At the holder's request"
        OTHER = "other", "Other"

    class Visibility(models.TextChoices):
        FULL = "full", "Name and achievement"
        ACHIEVEMENT = "achievement", "Achievement without my name"
        OFF = "off", "Hidden"

    ACTIVE_STATUSES = (Status.PENDING, Status.ISSUED, Status.FAILED)

    public_id = models.CharField(max_length=40, unique=True, default=new_public_id, editable=False)
    completion = models.ForeignKey(
        "courses.CourseCompletion", on_delete=models.PROTECT, related_name="credentials"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="credentials"
    )
    course = models.ForeignKey(
        "courses.CoursePage", null=True, on_delete=models.SET_NULL, related_name="credentials"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    printed_name = models.CharField(max_length=200)
    skills = models.JSONField(default=list)
    snapshot = models.JSONField(help_text="What was learned, frozen at issue time.")
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.ACHIEVEMENT
    )
    # 128 random bits of this credential: the badge subject's opaque urn:uuid (ob3.py). Badges
    # signed before issue 12 published it as the salt of an email hash (docs/security.md).
    subject_salt = models.CharField(max_length=32, default=new_subject_salt, editable=False)
    status_list_index = models.PositiveIntegerField(unique=True)

    valid_from = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    # Private: the PDF names the holder whatever the verification link shows (storage.py).
    pdf = models.FileField(upload_to="credentials/", storage=private_storage, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    badge = models.JSONField(null=True, blank=True, help_text="The signed OpenBadgeCredential.")

    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(
        max_length=30, choices=RevocationReason.choices, blank=True
    )
    revocation_note = models.TextField(blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(status__in=["pending", "issued", "failed"]),
                name="one_active_credential_per_learner_and_course",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False),
                name="revoked_credentials_have_a_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.snapshot.get('course', {}).get('title', 'Course')} for {self.printed_name}"

    @property
    def is_expired(self) -> bool:
        """Expiry is derived when read, never stored as a status."""
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def verify_path(self) -> str:
        return f"/verify/{self.public_id}/"

    @property
    def verify_url(self) -> str:
        return f"{settings.LINEAGE_BASE_URL}{self.verify_path}"


class StatusListCounter(models.Model):
    """Allocates status-list indexes; one row, locked while allocating (no gaps reused)."""

    next_index = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"next status list index {self.next_index}"


class IssuerKey(models.Model):
    """An Ed25519 key the issuer signs Open Badges credentials with.

    Only the public half is stored here; the private key lives in a file under
    ``LINEAGE_KEY_DIR`` (outside git). Retired keys stay published so old credentials verify.
    """

    key_id = models.CharField(max_length=64, unique=True)
    public_multibase = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["retired_at"],
                condition=Q(retired_at__isnull=True),
                name="one_active_issuer_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({'retired' if self.retired_at else 'active'})"


class VerificationEvent(models.Model):
    """One verification of a credential (page, upload, API, bulk check), shown to its holder.

    Written by a Celery task after the verdict was sent, so a verification never waits for it.
    ``key`` makes a redelivered task a no-op. Only the verifier's organisation is kept, as text,
    never who they are.
    """

    class Channel(models.TextChoices):
        PAGE = "page", "Verification page"
        PDF = "pdf", "PDF upload"
        JSON = "json", "Open Badges file"
        API = "api", "API"
        BULK = "bulk", "Bulk check"

    key = models.UUIDField(unique=True, editable=False)
    credential = models.ForeignKey(
        Credential, on_delete=models.CASCADE, related_name="verification_events"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    verified_at = models.DateTimeField(default=timezone.now)
    organisation_name = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["credential", "-verified_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} check of {self.credential_id} at {self.verified_at}"
