"""Everything under /accounts/: Lineage's profile pages, then django-allauth's.

No namespace: allauth reverses its own names (``account_login``, ``account_signup``, ...)
globally, and ours follow the same pattern.
"""

from django.urls import include, path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("delete/", views.delete, name="account_delete"),
    path("", include("allauth.urls")),
]
