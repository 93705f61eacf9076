from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import receivers

        user_logged_in.connect(
            receivers.vouch_email_on_login, dispatch_uid="accounts.vouch_email_on_login"
        )


class LineageUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with forms that edit Lineage's extra profile fields."""

    user_viewset = "accounts.viewsets.LineageUserViewSet"
