"""Announcements other apps subscribe to. ``accounts`` never imports its subscribers.

``account_deleting`` is sent synchronously inside the transaction that deletes the account,
before the user row goes, so a subscriber (e.g. credentials withdrawing what was issued)
commits or rolls back with the deletion. Receivers must not swallow their own errors: an
exception aborts the deletion.
"""

from django.dispatch import Signal

# kwargs: user (accounts.User, still in the database)
account_deleting = Signal()

# kwargs: user, old_name, new_name. Sent inside the profile update's transaction when the
# name to print on credentials changes (credentials reissue the holder's current ones).
credential_name_changed = Signal()

# kwargs: user. Sent inside the transaction in which a person first confirms the name to print
# on their credentials, after it is saved (credentials issue the ones that waited for it).
credential_name_confirmed = Signal()
