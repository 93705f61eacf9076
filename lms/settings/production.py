"""Production: every secret and URL comes from the environment; missing ones stop start-up."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

REQUIRED = [
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "LINEAGE_BASE_URL",
    "LINEAGE_KEY_DIR",
    "LINEAGE_PDF_KEY_FILE",
    "LINEAGE_PDF_CERT_FILE",
]
_missing = [name for name in REQUIRED if not env(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
LINEAGE_DEMO_ALLOWED = False
LINEAGE_CREATE_KEYS = False
LINEAGE_ISSUER_DID_METHOD = env("LINEAGE_ISSUER_DID_METHOD", "web")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# The CSRF cookie stays readable by scripts: Django's docs find no gain in hiding it, and
# Wagtail's admin takes the token from the page anyway. It is Secure and SameSite=Lax.
X_FRAME_OPTIONS = "DENY"
LINEAGE_PAGE_CACHE_SECONDS = int(env("LINEAGE_PAGE_CACHE_SECONDS", "300"))

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)

# Media on S3-compatible storage when a bucket is named (pip install django-storages[s3]).
# Certificate PDFs stay in STORAGES["private"] (LINEAGE_PRIVATE_ROOT) either way: a private
# bucket comes with the issue that brings S3 storage (docs/deploy.md).
if env("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "default_acl": None,
            "querystring_auth": True,
        },
    }

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
# No default for a secret: a user without a password is a configuration error.
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
if EMAIL_HOST_USER and not EMAIL_HOST_PASSWORD:
    raise ImproperlyConfigured("EMAIL_HOST_USER is set, so EMAIL_HOST_PASSWORD must be too")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
