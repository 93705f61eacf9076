"""Everything under /accounts/: Lineage's profile pages, then django-allauth's.

No namespace: allauth reverses its own names (``account_login``, ``account_signup``, ...)
globally, and ours follow the same pattern.
"""

from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("delete/", views.delete, name="account_delete"),
    path("name/", views.credential_name, name="account_credential_name"),
    # Ahead of allauth's own route for the same path (see views.ConfirmEmailView).
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$", views.confirm_email, name="account_confirm_email"
    ),
    path("", include("allauth.urls")),
]
