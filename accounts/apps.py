from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"


class LineageUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with forms that edit Lineage's extra profile fields."""

    user_viewset = "accounts.viewsets.LineageUserViewSet"
