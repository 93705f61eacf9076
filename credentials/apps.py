from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Credentials"

    def ready(self):
        from . import receivers  # noqa: F401  (subscribes to courses.hooks.course_completed)
