"""A person's own account: the profile page, the name on certificates, deleting the account.

Sign-up, login, logout, email and password pages are django-allauth's (``allauth.urls``);
confirming an email address is allauth's view with one change (``ConfirmEmailView``).
Views stay thin: they check the method, validate a form, call a service and redirect.
"""

from urllib.parse import urlencode

from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import services
from .forms import AccountDeleteForm, CredentialNameForm, ProfileForm
from .return_paths import return_path, return_path_from


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """allauth's email confirmation, except that a link opened where sign-up didn't happen
    (another browser, the session gone) asks the person to log in before taking them back.

    In the browser that signed up, allauth logs the person in and resumes the sign-up
    (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION), which goes to the ``next`` it started with.
    """

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        if not return_path(context.get("redirect_field_value")):
            # allauth would echo any ``next`` into the form; only a path here is carried on.
            context.update(redirect_field_value=None, redirect_field="")
        return context

    def get_redirect_url(self) -> str:
        back = return_path(self.get_next_url())
        if back and not self.request.user.is_authenticated:
            return f"{reverse('account_login')}?{urlencode({'next': back})}"
        return super().get_redirect_url()


confirm_email = ConfirmEmailView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.profile_update(user=user, **form.cleaned_data)
            messages.success(request, "Your profile has been saved.")
            return redirect("account_profile")
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "credential_name": user.credential_name,
                "verification_visibility": user.verification_visibility,
            }
        )
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(
            request,
            "Your account has been deleted. Your personal details are gone and your "
            "learning history is kept only as anonymous statistics.",
        )
        return redirect("/")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def credential_name(request):
    """Confirm the name to print on certificates; credentials waiting for it are issued."""
    user = request.user
    back = return_path_from(request)
    form = CredentialNameForm(
        request.POST or None,
        initial={"credential_name": user.credential_name or user.get_full_name()},
    )
    if request.method == "POST" and form.is_valid():
        services.credential_name_confirm(
            user=user, credential_name=form.cleaned_data["credential_name"]
        )
        messages.success(
            request,
            f"Thank you. Your certificates will show the name “{user.credential_name}”.",
        )
        return redirect(back or "courses:dashboard")
    return render(request, "accounts/credential_name.html", {"form": form, "next": back})
