"""How django-allauth behaves on Lineage: links from LINEAGE_BASE_URL, per-account limits,
the name for certificates saved at sign-up, and the way back to where sign-up started."""

from urllib.parse import quote, urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .backends import user_for_login
from .models import User
from .return_paths import return_path_from
from .services import vouched_email_record


def user_display(user) -> str:
    """How allauth names a person in messages and emails (ACCOUNT_USER_DISPLAY)."""
    return user.get_display_name()


MISMATCH = (
    "The username or email address and the password don't match an account. "
    "Check them and try again."
)


class LineageAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed attempts to log in. For your security, logging in is paused "
            "for a few minutes. Try again later, or reset your password."
        ),
        "username_taken": User._meta.get_field("username").error_messages["unique"],
        "username_password_mismatch": MISMATCH,
        "email_password_mismatch": MISMATCH,
    }

    def pre_login(self, request, user, **kwargs):
        response = super().pre_login(request, user, **kwargs)
        if response is None:
            # Accounts made by an administrator have no address on record: trust theirs.
            vouched_email_record(user=user)
        return response

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys failed logins by the string typed, so "lena" and "lena@example.org"
        # would each get their own five attempts. Count per account instead. (Private hook:
        # tests/test_accounts_auth.py fails if a new allauth stops calling it.)
        login = credentials.get("email") or credentials.get("username") or ""
        user = user_for_login(login)
        if user is not None:
            return f"account:{user.pk}"
        return super()._get_login_attempts_cache_key(request, **credentials)

    def save_user(self, request, user, form, commit=True):
        # The person typed this name for their certificates: it counts as confirmed.
        name = form.cleaned_data.get("credential_name", "").strip()
        if name:
            user.credential_name = name
            user.credential_name_confirmed_at = timezone.now()
        return super().save_user(request, user, form, commit=commit)

    # Links in emails are built from LINEAGE_BASE_URL, never from the request's Host header.

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The link, carrying the page sign-up (or the login that resent it) started from.

        The same browser resumes the sign-up and goes there logged in; another browser is
        asked to log in first (``accounts.views.ConfirmEmailView``).
        """
        path = reverse("account_confirm_email", args=[emailconfirmation.key])
        back = return_path_from(request) if request is not None else None
        if back:
            path += "?" + urlencode({"next": back})
        return settings.LINEAGE_BASE_URL + path

    def get_reset_password_from_key_url(self, key: str) -> str:
        # The key is opaque ("uid-token"); build the path the way allauth does.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.LINEAGE_BASE_URL + path.replace("UID-KEY", quote(key))
