"""Settings shared by every environment.

Environment variables decide which services are used: with none set Lineage runs on an
SQLite file with Celery tasks executed in-process; with ``DATABASE_URL`` / ``REDIS_URL`` it
uses PostgreSQL and Redis (Celery broker and Django cache). docs/deploy.md lists every setting.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env(name: str, default: str | None = None) -> str | None:
    """Read a setting from the environment; empty strings count as unset."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


INSTALLED_APPS = [
    "accounts.apps.AccountsConfig",
    "home",
    "courses",
    "quizzes",
    "credentials",
    "employers",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "accounts.apps.LineageUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.csp.LineageCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Anonymous GETs of public pages from the cache (off unless LINEAGE_PAGE_CACHE_SECONDS > 0).
    "lms.page_cache.AnonymousPageCacheMiddleware",
    # The Wagtail site and its root page from a per-process memo (lms/sites.py).
    "lms.sites.SiteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Seconds an anonymous page stays cached at most (lms/page_cache.py); 0 turns the cache off.
# Publishing invalidates at once; the bound is for changes made without publishing.
LINEAGE_PAGE_CACHE_SECONDS = int(env("LINEAGE_PAGE_CACHE_SECONDS", "0"))

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.admin_access.context",
                "employers.membership.context",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Reusing connections is worth ~10x on these machines (NOTES.md); psycopg's pool does it
        # without CONN_MAX_AGE's stale-connection pitfalls.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(env("DATABASE_POOL_MIN", "1")),
            "max_size": int(env("DATABASE_POOL_MAX", "8")),
            "timeout": 10,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
REDIS_KEY_PREFIX = env("REDIS_KEY_PREFIX", "lineage")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.cache.DegradingRedisCache",  # an outage degrades, not 500s
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ----------------------------------------------------------------------------------
# Without Redis, tasks run in-process so `make run` needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "lineage")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any task, so Redis never redelivers a task that is still running.
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "global_keyprefix": f"{REDIS_KEY_PREFIX}:",
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {
        "task": "courses.tasks.publish_scheduled_pages",
        "schedule": crontab(minute="*"),
    },
    "sweep-pending-credentials": {
        "task": "credentials.tasks.sweep_pending_credentials",
        "schedule": crontab(minute="*/5"),
    },
    "drain-verification-events": {
        "task": "credentials.tasks.drain_verification_events",
        "schedule": float(env("LINEAGE_VERIFICATION_LOG_DRAIN_SECONDS", "10")),
    },
}
# Verification log events go to a Redis list drained by the task above (one RPUSH per
# verification instead of a Celery message); without Redis, a task per event.
LINEAGE_VERIFICATION_LOG_BUFFER = bool(REDIS_URL)

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Sign-up, login, email verification and password reset: django-allauth (/accounts/).
    "allauth.account.auth_backends.AuthenticationBackend",
    # Lineage's case-insensitive username-or-email match, as a fallback (both logins use it).
    "accounts.backends.UsernameOrEmailBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "accounts.adapter.LineageAccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "add_email": "accounts.forms.AddEmailForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address in the browser that signed up logs the person in and takes them back
# to where sign-up started (its ``next``); elsewhere they log in first (accounts.views).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# One address per person, changed by verifying the new one (simpler than a list of addresses).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False  # GET shows a confirmation page; only POST logs out.
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Lineage: "
# Counted in Django's cache (Redis in production, so every process shares the counts).
# The per-key limit counts per account whether the person typed a username or an email
# (accounts.adapter); the Wagtail admin login draws on the same counts (accounts.forms).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Behind a reverse proxy, per-IP limits need the real client address: set this to the
# number of proxies in front of Lineage that append to X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- I18N, static, media ----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATICFILES_DIRS = [BASE_DIR / "lms" / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Private files (the signed certificate PDFs, which carry the holder's full name) live apart
# from MEDIA_ROOT and have no URL: only views that check who asks hand them out
# (credentials/storage.py; docs/deploy.md says how each storage keeps them private).
LINEAGE_PRIVATE_ROOT = Path(env("LINEAGE_PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))


def private_storage_settings(location: Path) -> dict:
    """The ``STORAGES["private"]`` entry for local files under ``location``."""
    return {
        "BACKEND": "credentials.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": str(location),
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storage_settings(LINEAGE_PRIVATE_ROOT),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Lineage <no-reply@lineage.localhost>")

# Absolute links (emails, credentials, QR codes) are built from this, never from the request.
LINEAGE_BASE_URL = env("LINEAGE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
LINEAGE_BENCH_BASELINE = env_bool("LINEAGE_BENCH_BASELINE", False)  # bench/: /bench/baseline

# --- Credentials ------------------------------------------------------------------------------
LINEAGE_ISSUER_NAME = env("LINEAGE_ISSUER_NAME", "Lineage")
LINEAGE_ISSUER_EMAIL = env("LINEAGE_ISSUER_EMAIL")
# "key": did:key issuers (offline, demo, local); "web": did:web at LINEAGE_BASE_URL's host.
LINEAGE_ISSUER_DID_METHOD = env("LINEAGE_ISSUER_DID_METHOD", "key")
LINEAGE_KEY_DIR = env("LINEAGE_KEY_DIR", str(BASE_DIR / "var" / "keys"))
LINEAGE_PDF_KEY_FILE = env("LINEAGE_PDF_KEY_FILE")
LINEAGE_PDF_CERT_FILE = env("LINEAGE_PDF_CERT_FILE")
LINEAGE_PDF_CHAIN_FILES = env_list("LINEAGE_PDF_CHAIN_FILES")
# Outside production, missing signing keys and a development PDF CA are created on first use.
LINEAGE_CREATE_KEYS = True
# Whether a course's instructors may revoke its credentials in the admin (superusers always may).
LINEAGE_INSTRUCTORS_MAY_REVOKE = env_bool("LINEAGE_INSTRUCTORS_MAY_REVOKE", False)
CREDENTIAL_MAX_ATTEMPTS = int(env("CREDENTIAL_MAX_ATTEMPTS", "5"))
# Pending credentials untouched for this long are re-enqueued by the sweeper.
CREDENTIAL_STUCK_AFTER_SECONDS = int(env("CREDENTIAL_STUCK_AFTER_SECONDS", "600"))

# --- Verification (credentials/verification*.py, credentials/api.py) ---------------------------
# Who a signed-in verifier checks for (recorded in the holder's verification log).
LINEAGE_VERIFIER_ORGANISATION = "employers.selectors.organisation_for_verifier"
# Per client IP, or per employer API token when a request carries one; counted in the cache
# (Redis in production, shared by every process). "N/s", "N/m", "N/h", "N/d" or e.g. "100/5m".
LINEAGE_VERIFY_RATE_LIMITS = {
    "ip": env("LINEAGE_VERIFY_RATE_LIMIT_IP", "60/m"),
    "token": env("LINEAGE_VERIFY_RATE_LIMIT_TOKEN", "600/m"),
}
# Uploaded PDFs and JSON files are refused beyond this, before they are parsed.
LINEAGE_VERIFY_MAX_UPLOAD_BYTES = int(env("LINEAGE_VERIFY_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
# Verdicts by id are cached at most this long (never past a credential's expiry).
LINEAGE_VERIFY_CACHE_SECONDS = int(env("LINEAGE_VERIFY_CACHE_SECONDS", "3600"))

# --- Wagtail ---------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Lineage"
WAGTAILADMIN_BASE_URL = LINEAGE_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The admin must not call out to Gravatar: no third-party requests, no tracking.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor to releases.wagtail.org for the upgrade notice (the admin policy would block it anyway).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Password resets go through allauth (rate-limited, one flow for everyone), not the admin's.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "vtt", "mp4", "webm", "docx", "odt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024
# Through Wagtail's view, so privacy settings and collections' permissions are checked on
# every download, and every file goes out as an attachment (never rendered inline: an uploaded
# HTML or SVG file can't run script on our origin) with its own `default-src 'none'` policy.
# Never serve MEDIA_ROOT/documents/ straight from the web server (docs/security.md).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
# Raster formats only: SVG images can carry script.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]

# --- Security headers (docs/security.md) -----------------------------------------------------
# Content-Security-Policy in every environment, so tests and the demo server exercise it.
# Templates load scripts only from static files; `style` attributes (progress bars) are the
# one inline thing allowed, and only as attributes, never <style> elements.
# CSP_MEDIA_ORIGINS: extra origins for images and video (an S3 bucket serving media).
_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_MEDIA_ORIGINS],
        "media-src": ["'self'", *_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Wagtail's admin uses inline scripts and styles, and frames its own previews.
LINEAGE_ADMIN_CSP_PREFIX = "/admin/"
LINEAGE_ADMIN_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_MEDIA_ORIGINS],
        "media-src": ["'self'", "blob:", *_MEDIA_ORIGINS],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions read from the cache, written through to the database: a logged-in page skips the
# session query, and a cache outage or eviction falls back to the database row.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Wagtail's in-process background tasks log every run at INFO: too chatty.
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Error reporting ---------------------------------------------------------------------------
# Sentry only when SENTRY_DSN is set (lms/sentry.py: no personal data is sent).
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from lms.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=env("SENTRY_RELEASE"),
        traces_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
