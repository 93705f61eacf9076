"""Writes for the accounts app. Keyword-only, typed, transactional."""

from allauth.account.models import EmailAddress
from django.db import transaction

from .hooks import account_deleting, credential_name_changed
from .models import User, VerificationVisibility


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    credential_name: str,
    verification_visibility: str,
) -> User:
    """Save what a person may change about themselves on their profile page.

    The visibility applies to credentials issued from now on. A changed name on credentials
    is announced (``credential_name_changed``) in the same transaction, so current
    credentials are reissued with the new name and the old ones superseded.
    """
    if verification_visibility not in VerificationVisibility.values:
        raise ValueError(f"Unknown verification visibility {verification_visibility!r}")
    old_name = user.get_credential_name()
    with transaction.atomic():
        user.display_name = display_name.strip()
        user.credential_name = credential_name.strip()
        user.verification_visibility = verification_visibility
        user.save(update_fields=["display_name", "credential_name", "verification_visibility"])
        new_name = user.get_credential_name()
        if new_name != old_name:
            credential_name_changed.send(
                sender=User, user=user, old_name=old_name, new_name=new_name
            )
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
