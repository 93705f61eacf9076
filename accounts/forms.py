"""Forms for logging in, signing up, the profile page and deleting an account.

allauth's forms are subclassed only to word labels and hints the way Lineage speaks, and to
drop placeholder text: labels and hints say what to type (GOV.UK Design System guidance).
"""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .models import User, VerificationVisibility


class PlainFieldsMixin:
    """No placeholders; labels and hints as set in ``labels`` and ``hints``."""

    labels: dict[str, str] = {}
    hints: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.hints:
                field.help_text = self.hints[name]


def _model_field(name: str, **kwargs) -> forms.Field:
    return User._meta.get_field(name).formfield(**kwargs)


CREDENTIAL_NAME_REQUIRED = "Enter your name as it should be printed on your certificates"


def credential_name_field(**kwargs) -> forms.Field:
    """The name to print on certificates, required (sign-up and the confirmation page)."""
    field = _model_field(
        "credential_name",
        required=True,
        error_messages={"required": CREDENTIAL_NAME_REQUIRED},
        **kwargs,
    )
    field.widget.attrs.update(autocomplete="name", spellcheck="false")
    return field


class LoginForm(PlainFieldsMixin, allauth_forms.LoginForm):
    labels = {"login": "Username or email address", "remember": "Keep me logged in"}
    # The "Forgotten your password?" link sits under the form instead.
    hints = {"password": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Password managers file the login under the username field.
        self.fields["login"].widget.attrs["autocomplete"] = "username"


class SignupForm(PlainFieldsMixin, allauth_forms.SignupForm):
    credential_name = credential_name_field(
        label="Your full name",
        help_text="Printed on your certificates exactly as you type it, including capitals and "
        "accents. You can change it later on your profile.",
    )
    field_order = ["credential_name", "email", "username", "password1", "password2"]

    labels = {
        "email": "Email address",
        "username": "Username",
        "password1": "Password",
        "password2": "Confirm password",
    }
    hints = {
        "email": "We'll send a link to this address. You need to follow it before you can log in.",
        "username": "You log in with this or your email address. Use letters, digits and "
        ". + - _ only.",
    }


class ResetPasswordForm(PlainFieldsMixin, allauth_forms.ResetPasswordForm):
    labels = {"email": "Email address"}
    hints = {"email": "The address you signed up with."}


class ResetPasswordKeyForm(PlainFieldsMixin, allauth_forms.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "Confirm new password"}


class ChangePasswordForm(PlainFieldsMixin, allauth_forms.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "Confirm new password",
    }
    hints = {"oldpassword": ""}


class SetPasswordForm(PlainFieldsMixin, allauth_forms.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Confirm password"}


class AddEmailForm(PlainFieldsMixin, allauth_forms.AddEmailForm):
    labels = {"email": "New email address"}
    hints = {
        "email": "We'll send a link to the new address. Your current address stays in use "
        "until you follow it."
    }


class AdminLoginForm(WagtailLoginForm):
    """The Wagtail admin login, drawing on the same failed-login limits as /accounts/login/.

    Without this, /admin/login/ would be an unlimited side door for guessing passwords. It
    is also for people with admin access only, so it can't be used to skip the email
    verification that the main login requires.
    """

    error_messages = {
        **WagtailLoginForm.error_messages,
        "no_admin_access": "This login is for Lineage staff. Learners log in at /accounts/login/.",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            # Counts a failure per IP and per account, refuses once a limit is reached
            # (ValidationError), and rolls the count back on success, like allauth's login.
            self.user_cache = get_adapter(self.request).authenticate(
                self.request, username=username, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.has_perm("wagtailadmin.access_admin"):
            raise ValidationError(self.error_messages["no_admin_access"], code="no_admin_access")


# --- Profile and account deletion ---------------------------------------------------------

VISIBILITY_EXPLAINED = {
    VerificationVisibility.FULL: "Anyone with the link sees your name, the course and the "
    "dates. Choose this if you want employers to check your certificate by name.",
    VerificationVisibility.ACHIEVEMENT: "Anyone with the link sees the course, the dates and "
    "that the credential is genuine, but not your name. Your certificate still shows it.",
    VerificationVisibility.OFF: "Verification links show a 'not found' page, as if the "
    "credential didn't exist. Nobody can check your certificate online.",
}


class ProfileForm(forms.Form):
    """A plain form (not a ModelForm), so a failed submit never touches ``request.user``."""

    display_name = _model_field(
        "display_name",
        label="Display name",
        help_text="How you appear to other people on Lineage, for example in the header.",
    )
    credential_name = _model_field(
        "credential_name",
        label="Name to print on your certificates",
        help_text="Your certificates show this exactly as you type it, including capitals "
        "and accents. Changing it reissues your current certificates with the new name (the "
        "old ones are marked as replaced). If you leave it empty, we use your display name.",
    )
    verification_visibility = forms.ChoiceField(
        label="What verification links show",
        choices=VerificationVisibility.choices,
        widget=forms.RadioSelect,
        help_text="Each certificate has a link and QR code that anyone can use to check it. "
        "This choice applies to certificates you earn from now on.",
    )

    def visibility_choices(self) -> list[dict]:
        """The radio buttons, each with its plain-words explanation (for the template)."""
        return [
            {"radio": radio, "explained": VISIBILITY_EXPLAINED[radio.data["value"]]}
            for radio in self["verification_visibility"]
        ]


class CredentialNameForm(forms.Form):
    credential_name = credential_name_field(
        label="Name to print on your certificates",
        help_text="Exactly as it should appear, including capitals and accents. A certificate "
        "can't be edited once it is signed: changing the name later reissues it.",
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        help_text="To confirm it's you, type the password you log in with.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # Through allauth, so guesses here count towards the same failed-login limits.
        if not get_adapter(self.request).reauthenticate(self.user, password):
            raise ValidationError("That's not your password. Check it and try again.")
        return password
