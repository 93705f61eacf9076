"""Lineage's user model: in place from the first migration because swapping it later is hard."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

# No "@" in usernames, so a login string containing "@" is always an email address.
username_validator = RegexValidator(
    r"^[\w.+-]+\Z",
    "Use letters, digits and . + - _ only (no spaces or @).",
)


class LineageUserManager(UserManager):
    def get_by_natural_key(self, username):
        # Usernames are matched case-insensitively, as people type them.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class VerificationVisibility(models.TextChoices):
    """What a credential's public verification link shows. Defaults favour the holder."""

    FULL = "full", "Name and achievement"
    ACHIEVEMENT = "achievement", "Achievement without my name"
    OFF = "off", "Hidden: verification links answer 'not found'"


class User(AbstractUser):
    """A person using Lineage. Roles (instructor, employer, ...) are groups granted by admins."""

    VerificationVisibility = VerificationVisibility

    username = models.CharField(
        "username",
        max_length=150,
        unique=True,
        validators=[username_validator],
        help_text="Letters, digits and . + - _ only.",
        error_messages={"unique": "That username is taken."},
    )
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="How you appear to other people on Lineage.",
    )
    credential_name = models.CharField(
        "name on credentials",
        max_length=200,
        blank=True,
        help_text="Your name exactly as it should be printed on certificates.",
    )
    # Credentials wait (pending) until the person has said which name to print: at sign-up,
    # on the profile or on the confirmation page. An administrator's entry doesn't count.
    credential_name_confirmed_at = models.DateTimeField(
        "name on credentials confirmed",
        null=True,
        blank=True,
        editable=False,
        help_text="When the person last confirmed the name to print on their credentials.",
    )
    verification_visibility = models.CharField(
        "who can see my credentials",
        max_length=12,
        choices=VerificationVisibility.choices,
        default=VerificationVisibility.ACHIEVEMENT,
        help_text="What verification links show for credentials issued to you from now on.",
    )

    objects = LineageUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def get_credential_name(self) -> str:
        return self.credential_name or self.get_full_name() or self.get_display_name()

    @property
    def credential_name_confirmed(self) -> bool:
        return self.credential_name_confirmed_at is not None

    def save(self, *args, **kwargs):
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        super().save(*args, **kwargs)
