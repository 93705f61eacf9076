from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import receivers
        from .admin_access import admin_access_version_bump

        user_logged_in.connect(
            receivers.vouch_email_on_login, dispatch_uid="accounts.vouch_email_on_login"
        )
        User = get_user_model()
        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(
                admin_access_version_bump, sender=through, dispatch_uid=f"admin-access-{through}"
            )
        m2m_changed.connect(
            admin_access_version_bump,
            sender=Group.permissions.through,
            dispatch_uid="admin-access-group-permissions",
        )
        for model in (Group, Permission):
            for signal in (post_save, post_delete):
                signal.connect(
                    admin_access_version_bump,
                    sender=model,
                    dispatch_uid=f"admin-access-{model.__name__}-{id(signal)}",
                )


class LineageUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with forms that edit Lineage's extra profile fields."""

    user_viewset = "accounts.viewsets.LineageUserViewSet"
