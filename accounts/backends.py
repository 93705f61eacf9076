"""Log in with either username or email address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Authenticate by username or email, both case-insensitively.

    Emails are unique (a database constraint), so a login string matches at most one account
    through each path; a username that looks like another person's email can't shadow it
    because usernames may not contain '@' here (see the user model's validator).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        login = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if not login or password is None:
            return None
        field = "email__iexact" if "@" in login else "username__iexact"
        try:
            user = User._default_manager.get(**{field: login.strip()})
        except User.DoesNotExist:
            # Run the hasher anyway so response time doesn't reveal whether the account exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
