"""Wagtail wiring for employers: the organisations listing, approval and suspension.

Superusers only: approving an organisation gives it API access, so the decision is not
delegated through model permissions that a group could be granted by accident.
"""

from django.contrib.auth import get_user_model
from django.db import models
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from . import admin_views
from .models import Organisation

# Organisations register themselves (sign-up) and are never deleted (suspend instead).
SUPERUSER_ACTIONS = {"change", "view"}


class SuperuserOnlyPermissionPolicy(BasePermissionPolicy):
    """Active superusers may view and change (approve, suspend, edit); nobody adds or deletes."""

    def user_has_permission(self, user, action):
        return action in SUPERUSER_ACTIONS and user.is_active and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not SUPERUSER_ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


# Registered before the viewset is, so Wagtail never creates a model-permission fallback.
register_permission_policy(Organisation, SuperuserOnlyPermissionPolicy(Organisation))


class OrganisationIndexView(ModelViewSet.index_view_class):
    def get_list_buttons(self, instance):
        buttons = []
        if instance.status != Organisation.Status.APPROVED:
            buttons.append(
                ListingButton(
                    "Approve",
                    reverse("employer_organisations:approve", args=[instance.pk]),
                    icon_name="check",
                    attrs={"aria-label": f"Approve {instance.name}"},
                    priority=5,
                )
            )
        if instance.status != Organisation.Status.SUSPENDED:
            buttons.append(
                ListingButton(
                    "Suspend",
                    reverse("employer_organisations:suspend", args=[instance.pk]),
                    icon_name="cross",
                    attrs={"aria-label": f"Suspend {instance.name}"},
                    priority=6,
                )
            )
        return buttons + super().get_list_buttons(instance)


class OrganisationInspectView(ModelViewSet.inspect_view_class):
    def get_members_display_value(self):
        """Who to contact about the organisation: each member's name and email address."""
        members = self.object.members.select_related("user").order_by("joined_at", "pk")
        return ", ".join(f"{m.user.get_display_name()} <{m.user.email}>" for m in members) or "-"


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    name = "employer_organisations"
    url_prefix = "employer-organisations"
    icon = "group"
    menu_label = "Employers"
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = OrganisationIndexView
    inspect_view_class = OrganisationInspectView
    list_display = [
        "name",
        Column("status", label="Status", accessor="get_status_display"),
        "website",
        "created_at",
        "approved_at",
    ]
    list_filter = ["status"]
    search_fields = ["name", "website"]
    # Status changes only through Approve / Suspend, which record who and when.
    form_fields = ["name", "website", "reason"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "website",
        "reason",
        "status",
        "created_at",
        "created_by",
        "members",
        "approved_at",
        "approved_by",
        "suspended_at",
    ]
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # as the sign-up form does
        return super().formfield_for_dbfield(db_field, **kwargs)

    def status_view(self, action: str):
        return self.construct_view(
            admin_views.OrganisationStatusView,
            action=action,
            index_url_name=self.get_url_name("index"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("approve/<int:pk>/", self.status_view("approve"), name="approve"),
            path("suspend/<int:pk>/", self.status_view("suspend"), name="suspend"),
        ]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet()


class OrganisationApproveLogFormatter(LogFormatter):
    label = "Approve employer organisation"

    def format_message(self, log_entry):
        return "Approved the organisation for employer verification"


class OrganisationSuspendLogFormatter(LogFormatter):
    label = "Suspend employer organisation"

    def format_message(self, log_entry):
        return "Suspended the organisation; its API tokens stopped working"


@hooks.register("register_log_actions")
def register_organisation_log_actions(actions):
    actions.register_action("employers.organisation_approve")(OrganisationApproveLogFormatter)
    actions.register_action("employers.organisation_suspend")(OrganisationSuspendLogFormatter)
