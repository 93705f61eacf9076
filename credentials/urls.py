"""The holder's credential pages, under /credentials/ (the public verification is elsewhere)."""

from django.urls import re_path

from . import views

app_name = "credentials"

# Public ids are 27 URL-safe characters (models.PUBLIC_ID_BYTES); the strict pattern keeps
# these routes clear of other /credentials/... endpoints (status lists, keys).
PUBLIC_ID = r"(?P<public_id>[A-Za-z0-9_-]{20,40})"

urlpatterns = [
    re_path(rf"^{PUBLIC_ID}/$", views.credential_detail, name="detail"),
    re_path(rf"^{PUBLIC_ID}/certificate\.pdf$", views.certificate_pdf, name="pdf"),
    re_path(rf"^{PUBLIC_ID}/open-badge\.json$", views.open_badge_json, name="badge_json"),
    re_path(rf"^{PUBLIC_ID}/visibility/$", views.credential_visibility, name="visibility"),
]
