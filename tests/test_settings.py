"""Production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def run_check(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="lms.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secrets():
    result = run_check({})
    assert result.returncode != 0
    for name in REQUIRED:
        assert name in result.stderr


def test_production_starts_with_its_environment():
    result = run_check(
        {
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "lineage.example",
            "DATABASE_URL": "postgres://lineage@127.0.0.1:5432/lineage",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "LINEAGE_BASE_URL": "https://lineage.example",
            "LINEAGE_KEY_DIR": "/srv/lineage/keys",
            "LINEAGE_PDF_KEY_FILE": "/srv/lineage/pdf/key.pem",
            "LINEAGE_PDF_CERT_FILE": "/srv/lineage/pdf/cert.pem",
        }
    )
    assert result.returncode == 0, result.stderr
