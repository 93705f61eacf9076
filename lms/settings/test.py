"""Settings for `make test`.

Each run gets its own Redis key prefix and Celery queue so concurrent runs (a developer's and
CI's, or two checkouts) never see each other's keys or tasks.
"""

import os
import uuid

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    DATABASES,
    REDIS_URL,
    env,
    private_storage_settings,
)

DEBUG = False
SECRET_KEY = "lineage-test-secret"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LINEAGE_DEMO_ALLOWED = True

TEST_RUN_ID = os.environ.setdefault("LINEAGE_TEST_RUN_ID", uuid.uuid4().hex[:12])
# pytest-xdist workers share the controller's run id: tell them apart too.
if os.environ.get("PYTEST_XDIST_WORKER"):
    TEST_RUN_ID = f"{TEST_RUN_ID}-{os.environ['PYTEST_XDIST_WORKER']}"
REDIS_KEY_PREFIX = f"lineage-test-{TEST_RUN_ID}"

# SQLite tests use Django's default in-memory test database: concurrent runs can't clash.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"].get("OPTIONS", {}).pop("pool", None)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.cache.DegradingRedisCache",  # an outage degrades, not 500s
            "LOCATION": REDIS_URL,
            # Apart from Celery's keys, so tests can wipe the cache without touching queues.
            "KEY_PREFIX": f"{REDIS_KEY_PREFIX}-cache",
        }
    }

# The verification log is written through the task (eager), as without Redis; the Redis
# buffer is tested on its own (tests/test_verification_log_buffer.py).
LINEAGE_VERIFICATION_LOG_BUFFER = False

# Eager by default; tests marked `celery_worker` start a real worker with this set to false.
CELERY_TASK_ALWAYS_EAGER = env("LINEAGE_CELERY_EAGER", "1") == "1"
# Fault injection for the killed-worker test: pause inside credential_issue after the
# attempt is counted and before anything is written. Zero (off) everywhere else.
CREDENTIAL_ISSUE_TEST_DELAY_SECONDS = float(env("CREDENTIAL_ISSUE_TEST_DELAY_SECONDS", "0"))
CELERY_TASK_DEFAULT_QUEUE = f"lineage-test-{TEST_RUN_ID}"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "10")),
    "global_keyprefix": f"{REDIS_KEY_PREFIX}:",
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / TEST_RUN_ID
LINEAGE_PRIVATE_ROOT = BASE_DIR / "var" / "test-private" / TEST_RUN_ID
LINEAGE_KEY_DIR = str(BASE_DIR / "var" / "test-keys")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storage_settings(LINEAGE_PRIVATE_ROOT),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
