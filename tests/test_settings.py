"""Production settings refuse to start without their secrets and pass Django's deploy check."""

import ast
import os
import re
import secrets
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


def run_check(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED and k != "SENTRY_DSN"}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="lms.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
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


PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "lineage.example",
    "DATABASE_URL": "postgres://lineage@127.0.0.1:5432/lineage",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "LINEAGE_BASE_URL": "https://lineage.example",
    "LINEAGE_KEY_DIR": "/srv/lineage/keys",
    "LINEAGE_PDF_KEY_FILE": "/srv/lineage/pdf/key.pem",
    "LINEAGE_PDF_CERT_FILE": "/srv/lineage/pdf/cert.pem",
}


def test_production_starts_with_its_environment():
    result = run_check(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


def test_production_passes_the_deploy_check_at_warning_level():
    """HSTS, SSL redirect, secure HttpOnly cookies, nosniff, frame denial, a strong key."""
    result = run_check(
        {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(50)},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_mail_user_without_a_password():
    result = run_check({**PRODUCTION_ENV, "EMAIL_HOST_USER": "lineage"})
    assert result.returncode != 0
    assert "EMAIL_HOST_PASSWORD" in result.stderr


def test_no_secret_has_a_default_in_production_settings():
    """Every env() read of a secret in production.py (and base.py) has no fallback value."""
    secret = re.compile(
        r"SECRET|PASSWORD|DSN|PRIVATE|API_KEY|ACCESS_KEY|^DATABASE_URL$|^REDIS_URL$"
    )
    not_secrets = {"LINEAGE_PRIVATE_ROOT"}  # the private files' folder: a path, not a secret
    defaults = []
    for name in ("production.py", "base.py"):
        tree = ast.parse((ROOT / "lms" / "settings" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "env"
                and isinstance(node.args[0], ast.Constant)
                and secret.search(node.args[0].value)
                and node.args[0].value not in not_secrets
                and (len(node.args) > 1 or node.keywords)
            ):
                defaults.append(f"{name}: {node.args[0].value}")
    assert defaults == []
    production = (ROOT / "lms" / "settings" / "production.py").read_text(encoding="utf-8")
    assert '"SECRET_KEY",' in production and 'SECRET_KEY = env("SECRET_KEY")' in production


def test_development_email_goes_where_the_readme_says():
    """Sign-up needs the verification link: the README tells a newcomer where to find it."""
    result = subprocess.run(
        [sys.executable, "-c", "from lms.settings import dev; print(dev.EMAIL_BACKEND)"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`make run` prints every email" in readme
    assert "printed in this terminal" in (ROOT / "Makefile").read_text(encoding="utf-8")
