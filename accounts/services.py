"""Writes for the accounts app. Keyword-only, typed, transactional."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from .hooks import account_deleting, credential_name_changed, credential_name_confirmed
from .models import User, VerificationVisibility


def _confirmed_before(user: User) -> bool:
    """Lock the person's row and say whether they had confirmed their credential name.

    The lock orders this against a course completion creating a credential for them
    (``credentials.services.credential_create_for_completion`` locks the same row), so a
    credential is either created after the confirmation or released by it, never missed.
    """
    confirmed_at = (
        User.objects.select_for_update()
        .filter(pk=user.pk)
        .values_list("credential_name_confirmed_at", flat=True)
        .get()
    )
    return confirmed_at is not None


def _credential_name_announce(*, user: User, old_name: str, confirmed_before: bool) -> None:
    # First the credentials that waited for a confirmed name, then the reissue of issued ones.
    if not confirmed_before:
        credential_name_confirmed.send(sender=User, user=user)
    new_name = user.get_credential_name()
    if new_name != old_name:
        credential_name_changed.send(sender=User, user=user, old_name=old_name, new_name=new_name)


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    credential_name: str,
    verification_visibility: str,
) -> User:
    """Save what a person may change about themselves on their profile page.

    The visibility applies to credentials issued from now on. Saving confirms the name on
    credentials (an empty one is a choice too: the display name is printed). A changed name
    is announced (``credential_name_changed``) in the same transaction, so current
    credentials are reissued with the new name and the old ones superseded; a first
    confirmation (``credential_name_confirmed``) issues the credentials that waited for it.
    """
    if verification_visibility not in VerificationVisibility.values:
        raise ValueError(f"Unknown verification visibility {verification_visibility!r}")
    confirmed_before = _confirmed_before(user)
    old_name = user.get_credential_name()
    user.display_name = display_name.strip()
    user.credential_name = credential_name.strip()
    user.verification_visibility = verification_visibility
    user.credential_name_confirmed_at = timezone.now()
    user.save(
        update_fields=[
            "display_name",
            "credential_name",
            "verification_visibility",
            "credential_name_confirmed_at",
        ]
    )
    _credential_name_announce(user=user, old_name=old_name, confirmed_before=confirmed_before)
    return user


@transaction.atomic
def credential_name_confirm(*, user: User, credential_name: str) -> User:
    """The person confirms the name to print on their credentials (not empty).

    Credentials earned before a first confirmation wait, pending, and are issued with this
    name once it is given; a name different from the one used so far reissues current
    credentials, as on the profile page.
    """
    name = credential_name.strip()
    if not name:
        raise ValueError("The name to print on credentials can't be empty.")
    confirmed_before = _confirmed_before(user)
    old_name = user.get_credential_name()
    user.credential_name = name
    user.credential_name_confirmed_at = timezone.now()
    user.save(update_fields=["credential_name", "credential_name_confirmed_at"])
    _credential_name_announce(user=user, old_name=old_name, confirmed_before=confirmed_before)
    return user


@transaction.atomic
def vouched_email_record(*, user: User) -> EmailAddress | None:
    """Record the email of an account made by an administrator as verified and primary.

    Sign-up always records the address as the account's primary one (unverified until the
    link in the email is followed), and changing it later keeps a primary one. An account with
    no primary address on record was therefore made by someone trusted: an admin in Wagtail,
    ``createsuperuser`` or the demo loader, who vouched for the address. (allauth may have
    added it as a non-primary, unverified row, e.g. when a password reset was asked for
    first.) Without this, mandatory email verification would lock those people out.
    Returns the record, or None when there was nothing to do.
    """
    if not user.email or EmailAddress.objects.filter(user=user, primary=True).exists():
        return None
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress(user=user, email=user.email)
    address.verified = True
    address.primary = True
    address.save()
    return address


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete a person's account and their personal data.

    ``account_deleting`` goes out first, in this transaction, so other apps can withdraw
    what they issued (credentials are withdrawn, not deleted). Then the user row goes, and
    rows that only make sense with it (email addresses, admin preferences) cascade; course
    enrolments, completions and learning records are kept with their user set to NULL,
    identified only by an opaque learner key, for aggregate statistics. Other sessions of
    the account stop working because the user they point at no longer exists.
    """
    account_deleting.send(sender=User, user=user)
    user.delete()
