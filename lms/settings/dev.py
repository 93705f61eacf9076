"""Local development: `make run`. Never used in production."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "django-insecure-lineage-dev-only"  # noqa: S105 - dev only
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
LINEAGE_DEMO_ALLOWED = True

# Serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Nothing is sent: each email (e.g. the sign-up verification link) is printed in the terminal
# running `make run`, as the README and `make run` say.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
