"""Public verification: the pages under /verify/, the JSON API under /api/v1/ and its
reference at /api/docs/."""

from django.urls import path, re_path

from . import api, api_docs, verification_views

app_name = "verification"

# Any last path segment reaches the views, so a malformed id gets the same "not found" answer
# as an unknown or hidden one rather than the site's generic 404.
urlpatterns = [
    path("verify/", verification_views.verify_start, name="start"),
    path("verify/pdf/", verification_views.verify_pdf_upload, name="pdf"),
    path("verify/json/", verification_views.verify_json_upload, name="json"),
    re_path(
        r"^verify/(?P<public_id>[^/]+)/$", verification_views.verify_credential, name="credential"
    ),
    re_path(
        r"^verify/(?P<public_id>[^/]+)/credential\.json$",
        verification_views.credential_json,
        name="credential_json",
    ),
    re_path(
        r"^api/v1/credentials/(?P<public_id>[^/]+)/verification$",
        api.credential_verification,
        name="api_credential",
    ),
    path("api/v1/verifications", api.verifications, name="api_verifications"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/docs/", api_docs.api_docs, name="api_docs"),
]
