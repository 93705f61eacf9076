"""Where the benchmark runs: paths, ports, databases, scales and the server's environment.

Everything the bench creates lives under ``bench/.work`` (gitignored), in the PostgreSQL
databases named here and under the Redis key prefix below: never in anyone's ``test_*``
database or the default Redis keys.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# BENCH_INSTANCE (letters/digits) lets two engineers run benches side by side on one box: it
# suffixes the work folder, the databases and the Redis key prefix. Empty by default.
INSTANCE = os.environ.get("BENCH_INSTANCE", "")
if not INSTANCE.isalnum() and INSTANCE:
    raise SystemExit("BENCH_INSTANCE must be letters and digits only")
SUFFIX = f"_{INSTANCE}" if INSTANCE else ""
WORK = BENCH_DIR / f".work{SUFFIX}"
RESULTS_DIR = BENCH_DIR / "results"
PEER_DIR = BENCH_DIR / "peer"
PEER_PYTHON = PEER_DIR / ".venv" / "bin" / "python"
VENV_BIN = Path(sys.executable).parent

HOST = "127.0.0.1"  # loopback only
PORT = int(os.environ.get("BENCH_PORT", "8101"))
PEER_PORT = int(os.environ.get("BENCH_PEER_PORT", "8102"))

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_SERVER = PG_ADMIN_URL.rsplit("/", 1)[0]
DB_NAME = f"lineage_bench{SUFFIX}"
PEER_DB_NAME = f"lineage_bench_peer{SUFFIX}"
# Redis: a database number nobody else uses here, plus a key prefix, so cleaning up is safe.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
REDIS_PREFIX = f"lineage_bench{SUFFIX}"
PEER_REDIS_URL = os.environ.get("BENCH_PEER_REDIS_URL", "redis://127.0.0.1:6379/14")

SECRET_KEY = "lineage-bench-not-a-secret"  # noqa: S105 - loopback benchmark only
# Session and CSRF values the load generator sends (see seed.py): a valid 32-character secret.
CSRF_SECRET = "BenchCsrfSecretBenchCsrfSecret12"
UNLIMITED_RATE = "1000000/s"


@dataclass(frozen=True)
class Scale:
    name: str
    learners: int
    courses: int
    lessons_per_course: int
    quizzes_per_course: int
    activity_rows: int
    credentials: int
    enrolments_per_learner: int = 3
    quiz_pool_learners: int = 500  # each gets one open attempt per quiz of the quiz course
    dashboard_enrolments: int = 20
    verified_credentials: int = 40  # really issued (rendered and signed); the rest are copies


SCALES = {
    "small": Scale("small", 1_000, 20, 12, 6, 20_000, 1_000),
    "large": Scale("large", 100_000, 200, 12, 6, 1_000_000, 100_000),
}


def db_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def server_env(*, port: int = PORT) -> dict[str, str]:
    """Production settings, pointed at the bench database, Redis prefix and work folder."""
    keys = WORK / "keys"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{port}",
        "DATABASE_URL": db_url(DB_NAME),
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": REDIS_PREFIX,
        "CELERY_QUEUE": REDIS_PREFIX,
        "LINEAGE_BASE_URL": f"https://{HOST}:{port}",
        "LINEAGE_KEY_DIR": str(keys),
        "LINEAGE_PDF_KEY_FILE": str(keys / "pdf" / "signing.key.pem"),
        "LINEAGE_PDF_CERT_FILE": str(keys / "pdf" / "signing.cert.pem"),
        "LINEAGE_PDF_CHAIN_FILES": str(keys / "pdf" / "ca.cert.pem"),
        "LINEAGE_ISSUER_NAME": "Lineage Bench",
        # Rate limits raised through their settings: the load comes from one address.
        "LINEAGE_VERIFY_RATE_LIMIT_IP": UNLIMITED_RATE,
        "LINEAGE_VERIFY_RATE_LIMIT_TOKEN": UNLIMITED_RATE,
        "LINEAGE_BENCH_BASELINE": "true",
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_ROOT": str(WORK / "media"),
        "LINEAGE_PRIVATE_ROOT": str(WORK / "private"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return env


def peer_env(*, port: int = PEER_PORT) -> dict[str, str]:
    """The peer's settings (bench/peer/peer_site/settings.py) read these."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "peer_site.settings",
        "PEER_SECRET_KEY": SECRET_KEY,
        "PEER_DATABASE_URL": db_url(PEER_DB_NAME),
        "PEER_REDIS_URL": PEER_REDIS_URL,
        "PEER_ALLOWED_HOSTS": f"{HOST},localhost",
        "PEER_STATIC_ROOT": str(WORK / "peer-static"),
        "PYTHONPATH": str(PEER_DIR),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
