"""Wagtail wiring for credentials: the "Credentials" admin area, its audit log actions, and a
dashboard panel that says when credentials failed to issue."""

from django.urls import include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from . import admin_views
from .models import Credential


class CredentialsMenuItem(MenuItem):
    """Shown to superusers, and to instructors when they may revoke their courses' credentials."""

    def is_shown(self, request):
        return admin_views.can_manage_credentials(request.user)


@hooks.register("register_admin_menu_item")
def register_credentials_menu_item():
    return CredentialsMenuItem(
        admin_views.TITLE,
        reverse_lazy("credentials_admin:index"),
        name="credentials",
        icon_name=admin_views.ICON,
        order=260,
    )


@hooks.register("register_admin_urls")
def register_credentials_admin_urls():
    urls = [
        path("", admin_views.CredentialIndexView.as_view(), name="index"),
        path(
            "results/",
            admin_views.CredentialIndexView.as_view(results_only=True),
            name="index_results",
        ),
        path("<int:pk>/", admin_views.CredentialDetailView.as_view(), name="detail"),
        path("<int:pk>/revoke/", admin_views.CredentialRevokeView.as_view(), name="revoke"),
        path("<int:pk>/retry/", admin_views.credential_retry_view, name="retry"),
    ]
    return [path("credentials/", include((urls, "credentials_admin")))]


class CredentialRevokedLogFormatter(LogFormatter):
    label = "Revoke credential"

    def format_message(self, log_entry):
        reason = log_entry.data.get("reason", "")
        if reason in Credential.RevocationReason.values:
            return f"Revoked: {Credential.RevocationReason(reason).label}"
        return "Revoked"


@hooks.register("register_log_actions")
def register_credential_log_actions(actions):
    actions.register_action(admin_views.LOG_REVOKE)(CredentialRevokedLogFormatter)
    actions.register_action(
        admin_views.LOG_RETRY, "Retry issuing a credential", "Sent back to be issued again"
    )


class FailedCredentialsPanel(Component):
    """On the admin dashboard, only when something failed: how many, and a link to them."""

    name = "failed_credentials"
    order = 90
    template_name = "credentials/admin/failed_panel.html"

    def __init__(self, count: int):
        self.count = count

    def get_context_data(self, parent_context):
        return {"count": self.count}


@hooks.register("construct_homepage_panels")
def add_failed_credentials_panel(request, panels):
    if not admin_views.can_manage_credentials(request.user):
        return
    failed = admin_views.credentials_managed_by(request.user).filter(
        status=Credential.Status.FAILED
    )
    count = failed.count()
    if count:
        panels.append(FailedCredentialsPanel(count))
