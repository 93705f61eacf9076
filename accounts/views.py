"""A person's own account: the profile page and deleting the account.

Sign-up, login, logout, email and password pages are django-allauth's (``allauth.urls``).
Views stay thin: they check the method, validate a form, call a service and redirect.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .forms import AccountDeleteForm, ProfileForm


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
