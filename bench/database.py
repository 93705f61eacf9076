"""The bench's own PostgreSQL databases: created from a migrated template, dropped after.

Migrating from scratch takes about a minute here, so the migrated schema is kept as a template
database named after a fingerprint of the migrations; a run copies it in a second. Only
databases whose names start with ``lineage_bench`` are ever created or dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import psycopg

from bench.environment import PG_ADMIN_URL

PREFIX = "lineage_bench"


def _admin() -> psycopg.Connection:
    return psycopg.connect(PG_ADMIN_URL, autocommit=True)


def _check(name: str) -> None:
    if not name.startswith(PREFIX) or not name.replace("_", "").isalnum():
        raise ValueError(f"refusing to touch database {name!r}: not a bench database")


def exists(name: str) -> bool:
    with _admin() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def drop(name: str) -> None:
    _check(name)
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create(name: str, *, template: str | None = None) -> None:
    _check(name)
    drop(name)
    with _admin() as conn:
        if template:
            _check(template)
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')


def fingerprint(files: Iterable[Path], *extra: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()[:12]


def templates(prefix: str) -> list[str]:
    with _admin() as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}\\_tpl\\_%"]
        ).fetchall()
    return [row[0] for row in rows]


def ensure_template(prefix: str, digest: str, migrate: Callable[[str], None]) -> tuple[str, bool]:
    """The migrated template for ``digest``, built with ``migrate(name)`` if missing.

    Returns (template name, whether it was built now). Older templates are dropped.
    """
    name = f"{prefix}_tpl_{digest}"
    _check(name)
    if name in templates(prefix):
        return name, False
    for stale in templates(prefix):
        drop(stale)
    building = f"{name}_building"
    create(building)
    try:
        migrate(building)
    except BaseException:
        drop(building)
        raise
    with _admin() as conn:
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    return name, True


def scalar(dbname: str, sql: str, params: list | None = None):
    _check(dbname)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{dbname}"
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(sql, params or []).fetchone()
    return row[0] if row else None
