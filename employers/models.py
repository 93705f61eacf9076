"""Employers: organisations that verify credentials, their members, checked lists and API tokens.

An organisation registers itself (pending) and an admin approves it. Any member can check
credentials by hand and keep a list of what they checked; only approved organisations get API
tokens and bulk checks. Employers never see learner data beyond what a verification shows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class OrganisationQuerySet(models.QuerySet):
    def for_member(self, user):
        """Organisations ``user`` belongs to (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(members__user=user)

    def approved(self):
        return self.filter(status=Organisation.Status.APPROVED)


class Organisation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True, max_length=300)
    reason = models.TextField(
        "why you verify credentials",
        max_length=1000,
        help_text="What the organisation told us when it registered.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suspended_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="employers_organisation_name_ci_unique"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="employers_approved_organisations_have_a_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="suspended") | Q(suspended_at__isnull=False),
                name="employers_suspended_organisations_have_a_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def can_check_by_hand(self) -> bool:
        """Pending and approved organisations check credentials in the employer area."""
        return self.status != self.Status.SUSPENDED


class OrganisationMember(models.Model):
    """A person acting for an organisation. People may belong to several, and be learners too."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="employers_one_membership_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}"


# How each verdict status looks: (tone for colours, shape for credentials/status_icon.html).
# The word and the shape carry the meaning; the colour only repeats it.
VERDICT_LOOKS = {
    "valid": ("valid", "issued"),
    "revoked": ("revoked", "revoked"),
    "expired": ("expired", "expired"),
    "superseded": ("expired", "superseded"),
    "withdrawn": ("neutral", "withdrawn"),
    "pending": ("neutral", "pending"),
    "failed": ("revoked", "failed"),
    "not_found": ("neutral", "not_found"),
    "invalid": ("neutral", "invalid"),
}


def verdict_look(status: str) -> dict[str, str]:
    tone, shape = VERDICT_LOOKS.get(status, ("neutral", status))
    return {"tone": tone, "shape": shape}


class CheckedCredentialQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class CheckedCredential(models.Model):
    """A credential an organisation checked and chose to keep on its list.

    Only the verdict is kept (status and headline, as verification showed them), never the
    holder's details: re-checking shows what the holder shares today.
    """

    class Status(models.TextChoices):
        VALID = "valid", "Valid"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"
        SUPERSEDED = "superseded", "Superseded"
        WITHDRAWN = "withdrawn", "Withdrawn"
        PENDING = "pending", "Not issued yet"
        FAILED = "failed", "Failed"
        NOT_FOUND = "not_found", "Not found"
        INVALID = "invalid", "Not a credential id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="checked_credentials"
    )
    public_id = models.CharField("credential id", max_length=64)
    status = models.CharField("last verdict", max_length=12, choices=Status.choices)
    headline = models.CharField(max_length=300)
    checked_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(max_length=500, blank=True)

    objects = CheckedCredentialQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "public_id"],
                name="employers_one_checked_entry_per_credential",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_status_display()})"

    @property
    def look(self) -> dict[str, str]:
        return verdict_look(self.status)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """An API token for an organisation. Only a SHA-256 hash of the token is stored.

    The raw token is shown once, when it is created; afterwards only its first characters
    (``prefix``) identify it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
