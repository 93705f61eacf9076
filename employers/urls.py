from django.urls import path

from . import landing_views, views

app_name = "employers"

urlpatterns = [
    path("", landing_views.index, name="index"),
    path("signup/", landing_views.signup, name="signup"),
    path("api/bulk-check", views.api_bulk_check, name="api_bulk_check"),
    path("<int:organisation_id>/", views.organisation_home, name="organisation"),
    path("<int:organisation_id>/check/", views.credential_check, name="check"),
    path("<int:organisation_id>/checked/", views.checked_list, name="checked_list"),
    path("<int:organisation_id>/checked/save/", views.checked_save, name="checked_save"),
    path(
        "<int:organisation_id>/checked/<int:checked_id>/recheck/",
        views.checked_recheck,
        name="checked_recheck",
    ),
    path(
        "<int:organisation_id>/checked/<int:checked_id>/remove/",
        views.checked_remove,
        name="checked_remove",
    ),
    path("<int:organisation_id>/tokens/", views.tokens, name="tokens"),
    path(
        "<int:organisation_id>/tokens/<int:token_id>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
    path("<int:organisation_id>/bulk-check/", views.bulk_check, name="bulk_check"),
]
