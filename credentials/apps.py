from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Credentials"

    def ready(self):
        from . import receivers, views  # noqa: F401  (course_completed; the dashboard section)
