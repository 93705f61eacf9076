"""Whether to show a person the way into the Wagtail admin (the header link, the user bar).

Asking ``user.has_perm("wagtailadmin.access_admin")`` costs two queries (the user's and their
groups' permissions) on every page a signed-in learner opens, to decide on a link nearly none
of them will see. The answer is cached per user; any change to groups, memberships or
permissions replaces the version in every key, so it is current at once. Only what the page
*shows* depends on it: the admin checks the real permission on every request.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from lms.cache import version_bump, versioned_get_or_set

VERSION_KEY = "admin-access:version"
TIMEOUT = 300  # seconds; bounds a change made without signals (raw SQL, bulk inserts)


def may_access_admin(user) -> bool:
    """``is_staff`` or the ``wagtailadmin.access_admin`` permission, cached per user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return versioned_get_or_set(
        f"admin-access:{user.pk}",
        version_key=VERSION_KEY,
        compute=lambda: user.has_perm("wagtailadmin.access_admin"),
        timeout=TIMEOUT,
    )


def admin_access_version_bump(**kwargs) -> None:
    """Receiver: permissions, groups or memberships changed (see AccountsConfig.ready)."""
    version_bump(VERSION_KEY)


def context(request) -> dict:
    """Template context processor: ``may_access_admin``, computed only if a template asks."""
    return {"may_access_admin": SimpleLazyObject(lambda: may_access_admin(request.user))}
