"""The published revocation list: built from the database, signed, cached until it changes.

``/credentials/status/1`` serves one signed ``BitstringStatusListCredential`` whose set bits
are the ``status_list_index`` of every revoked or withdrawn credential. Building it costs a
query and a signature, so the signed bytes are cached under a key that carries a generation
token. ``status_list_invalidate`` replaces the token once the revoking transaction commits:
a reader racing the revocation can then only fill a key that nobody reads again, never hide
the new bit.
"""

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .data_integrity import sign_eddsa_rdfc_2022
from .issuer import active_signing_key
from .models import Credential, StatusListCounter
from .ob3 import format_datetime_z
from .rendering import status_list_url
from .status_list import MIN_SIZE, build_status_list_credential, encode_bitstring

logger = logging.getLogger(__name__)

# Bump when the published document's shape changes, so no process serves the old shape.
FORMAT_VERSION = 1
# A safety net for changes made behind the services' back (shell, data migration) and for
# per-process caches in development; revocations through the services show at once.
CACHE_SECONDS = 300
CACHE_KEY_PREFIX = f"credentials:status-list:1:v{FORMAT_VERSION}"
GENERATION_KEY = f"{CACHE_KEY_PREFIX}:generation"
MEDIA_TYPE = "application/vc+ld+json"
REVOKED_STATUSES = (Credential.Status.REVOKED, Credential.Status.WITHDRAWN)


@dataclass(frozen=True)
class PublishedStatusList:
    """The signed list as served: JSON bytes and a strong ETag over them."""

    body: bytes
    etag: str


def revoked_status_indexes() -> list[int]:
    """Status-list indexes of every revoked or withdrawn credential (one query)."""
    return list(
        Credential.objects.filter(status__in=REVOKED_STATUSES).values_list(
            "status_list_index", flat=True
        )
    )


def status_list_size(revoked_indexes: list[int]) -> int:
    """Entries the list must hold: every index ever allocated, in blocks of the minimum.

    A verifier refuses an index beyond the end of the list, so the size follows the
    allocation counter, not just the highest revoked index.
    """
    allocated = StatusListCounter.objects.filter(pk=1).values_list("next_index", flat=True)
    needed = max(allocated.first() or 0, max(revoked_indexes, default=-1) + 1, 1)
    return -(-needed // MIN_SIZE) * MIN_SIZE


def status_list_build() -> dict:
    """Build and sign the current ``BitstringStatusListCredential`` with the active key."""
    indexes = revoked_status_indexes()
    encoded = encode_bitstring(indexes, size=status_list_size(indexes))
    key = active_signing_key()
    now = timezone.now()
    unsigned = build_status_list_credential(
        url=status_list_url(), issuer_id=key.issuer_id, valid_from=now, encoded_list=encoded
    )
    return sign_eddsa_rdfc_2022(
        unsigned,
        private_key=key.private_key,
        verification_method=key.verification_method,
        created=format_datetime_z(now),
    )


def _publish() -> PublishedStatusList:
    body = json.dumps(status_list_build(), separators=(",", ":")).encode("utf-8")
    return PublishedStatusList(body=body, etag=f'"{hashlib.sha256(body).hexdigest()[:40]}"')


def _current_generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First read, or the token was evicted: a fresh token can't match any stale entry.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def published_status_list() -> PublishedStatusList:
    """The signed list as served, from the cache when nothing was revoked since it was built.

    A cache outage must not take revocation checking down with it: the list is then built
    for this request alone.
    """
    try:
        key = f"{CACHE_KEY_PREFIX}:{_current_generation()}"
        published = cache.get(key)
    except Exception:
        logger.exception("status list cache unavailable; building the list uncached")
        return _publish()
    if published is None:
        published = _publish()
        try:
            cache.set(key, published, CACHE_SECONDS)
        except Exception:
            logger.exception("could not cache the status list")
    return published


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def status_list_invalidate() -> None:
    """Make the next read rebuild the list, once the current transaction commits.

    Before the commit a reader would still see the old statuses and cache them under the new
    token; after it, every new reader sees the change. A cache error here is logged, not
    raised: the revocation has already committed, and the cache entry expires on its own.
    """
    transaction.on_commit(_new_generation, robust=True)
