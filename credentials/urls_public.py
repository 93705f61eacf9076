"""Stable public URLs verifiers depend on: never rename them, credentials point at them."""

from django.urls import path

from . import views_public

app_name = "credentials_public"

urlpatterns = [
    # Must match rendering.STATUS_LIST_PATH: every issued credential names this URL.
    path("credentials/status/1", views_public.status_list, name="status_list"),
    path("credentials/issuer/keys.json", views_public.issuer_keys, name="issuer_keys"),
    path(".well-known/did.json", views_public.did_json, name="did_json"),
]
