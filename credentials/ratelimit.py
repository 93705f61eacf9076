"""Rate limits for the verification pages and API, counted in Django's cache.

Fixed windows: every request increments its window's counter (on Redis one INCR with its
EXPIRE, in one round trip; elsewhere ``cache.add`` then ``cache.incr``); each is atomic in
Redis, so every process and server shares one count. Limits come from
``settings.LINEAGE_VERIFY_RATE_LIMITS``, e.g. ``{"ip": "60/m", "token": "600/m"}``
(``N/s``, ``N/m``, ``N/h``, ``N/d``, or ``N/5m``).

A request with ``Authorization: Bearer <token>`` that an employer organisation owns
(``employers.tokens.token_owner``) is counted per token instead of per IP address, so an
employer's bulk checks from one office do not compete with the public. Without the employers
app, or with a token nobody owns, the request counts as anonymous.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from lms.cache import default_redis

logger = logging.getLogger(__name__)

DEFAULT_LIMITS = {"ip": "60/m", "token": "600/m"}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_NO_OWNER = object()


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(value: str) -> Rate:
    """``"60/m"`` -> 60 requests a minute; ``"100/5m"`` -> 100 requests every 5 minutes."""
    match = _RATE.match(value or "")
    if not match:
        raise ValueError(f"rate must look like '60/m' or '100/5m', not {value!r}")
    count, multiple, unit = match.groups()
    return Rate(int(count), int(multiple or 1) * _UNITS[unit])


def _limits() -> dict[str, Rate]:
    configured = {**DEFAULT_LIMITS, **getattr(settings, "LINEAGE_VERIFY_RATE_LIMITS", {})}
    return {scope: parse_rate(value) for scope, value in configured.items()}


def client_ip(request: HttpRequest) -> str:
    """The client address; behind N trusted proxies, the Nth address from the right of
    X-Forwarded-For (the setting shared with the login rate limits)."""
    proxies = int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def bearer_token(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def token_owner(request: HttpRequest):
    """The organisation owning the request's bearer token, or None (looked up once a request)."""
    owner = getattr(request, "_lineage_token_owner", _NO_OWNER)
    if owner is _NO_OWNER:
        owner = None
        token = bearer_token(request)
        if token is not None:
            try:
                from employers.tokens import token_owner as lookup
            except ImportError:  # the employers app is optional
                lookup = None
            try:
                owner = lookup(token) if lookup is not None else None
            except Exception:  # a broken token store must not take verification down
                logger.exception("token lookup failed; counting the request as anonymous")
                owner = None
        request._lineage_token_owner = owner
    return owner


def _count(key: str, timeout: int) -> int:
    """Increment the counter ``key`` (created with ``timeout``) and return its new value.

    On Redis, one round trip: INCR and EXPIRE in one MULTI/EXEC (the value is a plain integer,
    as Django's Redis cache stores integers). Elsewhere, ``add`` then ``incr``.
    """
    backend = default_redis()
    if backend is not None:
        redis_key = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(write=True).pipeline()
        count, _ = pipe.incr(redis_key).expire(redis_key, timeout).execute()
        return count
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts a new count
        cache.add(key, 1, timeout=timeout)
        return 1


def hit(scope: str, identity: str, rate: Rate, *, now: float | None = None) -> int | None:
    """Count one request; return the seconds until the window resets if over the limit."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"lineage:verify-rate:{scope}:{digest}:{rate.seconds}:{window}"
    count = _count(key, rate.seconds + 1)
    if count > rate.limit:
        return max(1, math.ceil((window + 1) * rate.seconds - now))
    return None


def check(request: HttpRequest) -> int | None:
    """Count ``request`` against its limit; return Retry-After seconds when over it."""
    limits = _limits()
    if token_owner(request) is not None:
        return hit("token", bearer_token(request) or "", limits["token"])
    return hit("ip", client_ip(request), limits["ip"])


def rate_limited(
    too_many: Callable[[HttpRequest, int], HttpResponse],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view so over-limit requests get ``too_many(request, retry_after)`` with a
    ``Retry-After`` header instead."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                retry_after = check(request)
            except Exception:  # a cache outage must not take verification down: fail open
                logger.exception("verification rate limit unavailable; request allowed")
                retry_after = None
            if retry_after is not None:
                response = too_many(request, retry_after)
                response.status_code = 429
                response["Retry-After"] = str(retry_after)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
