"""Log in with either username or email address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def user_for_login(login: str):
    """The account a login string names: an email if it contains "@", else a username.

    Both match case-insensitively. Emails are unique (a database constraint), and usernames
    may not contain "@" (the user model's validator), so a login string names at most one
    account and a username can't shadow another person's email.
    """
    login = (login or "").strip()
    if not login:
        return None
    User = get_user_model()
    field = "email__iexact" if "@" in login else "username__iexact"
    return User._default_manager.filter(**{field: login}).first()


class UsernameOrEmailBackend(ModelBackend):
    """Authenticate by username or email, both case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        login = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if not login or password is None:
            return None
        user = user_for_login(login)
        if user is None:
            # Run the hasher anyway so response time doesn't reveal whether the account exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
