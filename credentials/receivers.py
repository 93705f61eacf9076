"""Subscriptions to other apps' hooks (connected in CredentialsConfig.ready)."""

from django.dispatch import receiver

from accounts.hooks import account_deleting, credential_name_changed, credential_name_confirmed
from courses.hooks import course_completed

from . import services


@receiver(course_completed, dispatch_uid="credentials.create_on_completion")
def create_credential_on_completion(sender, completion, **kwargs):
    """Runs inside the completion's transaction: the pending credential commits with it."""
    if completion.user_id is None:
        return
    services.credential_create_for_completion(completion=completion)


@receiver(account_deleting, dispatch_uid="credentials.withdraw_on_account_deletion")
def withdraw_credentials_on_account_deletion(sender, user, **kwargs):
    """Credentials are withdrawn, never deleted, when their holder deletes their account."""
    services.credentials_withdraw_for_user(user=user)


@receiver(credential_name_changed, dispatch_uid="credentials.reissue_on_name_change")
def reissue_credentials_on_name_change(sender, user, **kwargs):
    """A new name on the profile reissues current credentials (the old ones superseded)."""
    services.credentials_reissue_for_name_change(user=user)


@receiver(credential_name_confirmed, dispatch_uid="credentials.issue_on_name_confirmed")
def issue_held_credentials_on_name_confirmed(sender, user, **kwargs):
    """Credentials that waited for the holder to confirm their name are issued with it."""
    services.credentials_issue_held(user=user)
