from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Credentials"

    def ready(self):
        # course_completed; the dashboard section; the private-files check
        from . import checks, receivers, views  # noqa: F401
