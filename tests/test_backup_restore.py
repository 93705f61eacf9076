"""The backup runbook works: dump, restore elsewhere, and every credential still verifies.

Follows docs/operations.md: `pg_dump -Fc` of the database, a tar of LINEAGE_KEY_DIR (modes
kept), of the media files and of the private files (certificate PDFs), `pg_restore` into a
scratch database, then `manage.py credentials_verify_all` run as a fresh process against only
the restored copies.
"""

import os
import shutil
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from credentials.issuer import reset_issuer_caches
from credentials.models import Credential
from tests.conftest import require_service
from tests.verification_support import issue, revoke  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
# serialized_rollback restores the data migrations (Wagtail root page, site, groups) that
# flushing after a transactional test would otherwise remove for the tests after it.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def pg(*args: str, **env) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    command = [
        args[0],
        "-h",
        db["HOST"] or "127.0.0.1",
        "-p",
        str(db["PORT"] or 5432),
        "-U",
        db["USER"] or "postgres",
        *args[1:],
    ]
    return subprocess.run(
        command,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env, "PGPASSWORD": db["PASSWORD"] or ""},
    )


@pytest.fixture
def own_keys(tmp_path, settings):
    """Signing keys (and the development PDF CA) created for this test alone."""
    settings.LINEAGE_KEY_DIR = str(tmp_path / "live-keys")
    reset_issuer_caches()
    yield Path(settings.LINEAGE_KEY_DIR)
    reset_issuer_caches()


@pytest.fixture
def scratch_database():
    require_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")
    require_service(
        "pg_dump/pg_restore", bool(shutil.which("pg_dump") and shutil.which("pg_restore"))
    )
    name = f"{connection.settings_dict['NAME']}_restore"
    pg("dropdb", "--if-exists", name)
    pg("createdb", name)
    yield name
    pg("dropdb", "--if-exists", "--force", name)


def verify_all(
    database: str, keys: Path, media: Path, private: Path
) -> subprocess.CompletedProcess:
    """A fresh process that sees only the restored database, keys and files (no cache)."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SENTRY_DSN"}}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        DATABASE_URL=(
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{database}"
        ),
        LINEAGE_KEY_DIR=str(keys),
        MEDIA_ROOT=str(media),
        LINEAGE_PRIVATE_ROOT=str(private),
        LINEAGE_BASE_URL=settings.LINEAGE_BASE_URL,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "credentials_verify_all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_dump_and_restore_keep_every_credential_verifiable(
    issue,  # noqa: F811 - fixture
    revoke,  # noqa: F811 - fixture
    own_keys,
    scratch_database,
    tmp_path,
):
    kept = issue()
    revoked = revoke(issue())
    assert {kept.status, revoked.status} == {"issued", "revoked"}

    # Back up, as the runbook says: the database, the key folder, the media and private files.
    dump = tmp_path / "lineage.dump"
    pg(
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "-f",
        str(dump),
        connection.settings_dict["NAME"],
    )
    backups = tmp_path / "backup"
    backups.mkdir()
    folders = {
        "keys.tar.gz": own_keys,
        "media.tar.gz": Path(settings.MEDIA_ROOT),
        "private.tar.gz": Path(settings.LINEAGE_PRIVATE_ROOT),
    }
    for archive, source in folders.items():
        with tarfile.open(backups / archive, "w:gz") as tar:
            tar.add(source, arcname=".")

    # Restore into a scratch database and folders of their own.
    pg("pg_restore", "--no-owner", "--exit-on-error", "-d", scratch_database, str(dump))
    restored = {archive: tmp_path / f"restored-{archive.split('.')[0]}" for archive in folders}
    restored_keys = restored["keys.tar.gz"]
    restored_files = (restored["media.tar.gz"], restored["private.tar.gz"])
    for archive, target in restored.items():
        with tarfile.open(backups / archive) as tar:
            tar.extractall(target, filter="tar")  # "tar" keeps the modes (not "data")
    private_keys = list(restored_keys.glob("ed25519-*.pem"))
    assert private_keys
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in private_keys)

    result = verify_all(scratch_database, restored_keys, *restored_files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{kept.public_id} issued -> valid" in result.stdout
    assert f"{revoked.public_id} revoked -> revoked" in result.stdout
    assert "Every credential verifies: 1 revoked, 1 valid." in result.stdout
    assert Credential.objects.exclude(badge=None).count() == 2

    # Without the key backup the same restore does not pass: the check can fail.
    shutil.rmtree(restored_keys)
    restored_keys.mkdir()
    without_keys = verify_all(scratch_database, restored_keys, *restored_files)
    assert without_keys.returncode != 0
    assert "issuer keys: The private key file" in without_keys.stderr
    assert "File signed by this issuer" in without_keys.stderr
