"""API tokens: making them, hashing them, and finding whose a presented token is.

A token is ``lin_`` followed by 32 random bytes (256 bits, URL-safe base64). With that much
entropy a plain SHA-256 is the right hash: nothing to brute-force, and lookups stay one
indexed query. ``token_owner`` is what every API request calls (the verification API's rate
limiter too), so it is one read and at most one write a minute per token.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import ApiToken, Organisation

TOKEN_PREFIX = "lin_"
TOKEN_BYTES = 32
# Characters kept to tell tokens apart in lists ("lin_" and 8 more).
SHOWN_PREFIX_LENGTH = 12
# Longer strings can't be our tokens: refuse them before hashing or querying.
MAX_TOKEN_LENGTH = 100
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_generate() -> str:
    """A new raw token. Show it once; store only ``token_hash(raw)``."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(raw_token: str) -> str:
    """The SHA-256 of a raw token, as 64 lower-case hex digits."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def token_shown_prefix(raw_token: str) -> str:
    return raw_token[:SHOWN_PREFIX_LENGTH]


def token_owner(raw_token: str) -> Organisation | None:
    """The approved organisation a raw API token belongs to, or None.

    None for anything that isn't a live token: unknown, revoked, or belonging to an
    organisation that isn't approved (pending or suspended). The token is compared by its
    hash (an indexed lookup on a value the caller can't steer, then a constant-time
    comparison), so response times say nothing about stored tokens. Records when the token
    was last used, writing at most once a minute per token.
    """
    if (
        not isinstance(raw_token, str)
        or not raw_token.startswith(TOKEN_PREFIX)
        or len(raw_token) > MAX_TOKEN_LENGTH
    ):
        return None
    digest = token_hash(raw_token)
    token = (
        ApiToken.objects.active()
        .select_related("organisation")
        .filter(token_hash=digest, organisation__status=Organisation.Status.APPROVED)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    _touch_last_used(token)
    return token.organisation


def _touch_last_used(token: ApiToken) -> None:
    """Set ``last_used_at`` unless it was set less than a minute ago.

    The conditional UPDATE means concurrent requests write once between them, not once each.
    """
    now = timezone.now()
    cutoff = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff)
    ).update(last_used_at=now)
    token.last_used_at = now
