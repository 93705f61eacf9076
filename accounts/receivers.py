"""Signal receivers: thin, each calls a service."""

from .services import vouched_email_record


def vouch_email_on_login(sender, request, user, **kwargs):
    """Record an admin-made account's email as verified at any login (the Wagtail admin's too).

    allauth's email page treats an address with no record as unverified and, on a change,
    would drop it from the account; recording it first keeps the change flow intact.
    (allauth's own login records it earlier, in ``LineageAccountAdapter.pre_login``, before
    the email-verification check.)
    """
    vouched_email_record(user=user)
