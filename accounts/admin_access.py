"""Whether to show a person the way into the Wagtail admin (the header link, the user bar).

Asking ``user.has_perm("wagtailadmin.access_admin")`` costs two queries (the user's and their
groups' permissions) on every page a signed-in learner opens, to decide on a link nearly none
of them will see. The answer is cached per user; any change to groups, memberships or
permissions replaces the version in every key, so it is current at once. Only what the page
*shows* depends on it: the admin checks the real permission on every request.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from lms.cache import version_bump, version_get

VERSION_KEY = "admin-access:version"
TIMEOUT = 300  # seconds; bounds a change made without signals (raw SQL, bulk inserts)


def may_access_admin(user) -> bool:
    """``is_staff`` or the ``wagtailadmin.access_admin`` permission, cached per user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    key = f"admin-access:{user.pk}:{version_get(VERSION_KEY)}"
    allowed = cache.get(key)
    if allowed is None:
        allowed = user.has_perm("wagtailadmin.access_admin")
        cache.set(key, allowed, TIMEOUT)
    return allowed


def admin_access_version_bump(**kwargs) -> None:
    """Receiver: permissions, groups or memberships changed (see AccountsConfig.ready)."""
    version_bump(VERSION_KEY)


def context(request) -> dict:
    """Template context processor: ``may_access_admin``, computed only if a template asks."""
    return {"may_access_admin": SimpleLazyObject(lambda: may_access_admin(request.user))}
