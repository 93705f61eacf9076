"""Whether to show a person the header's way into the employer area.

The header is on every page, and nearly everyone who opens one is a learner, so the answer is
cached per person; any change of membership replaces the version in every key, so it shows at
once. Only the link depends on it: the employer area checks membership on every request.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from lms.cache import version_bump, versioned_get_or_set

from .models import OrganisationMember

VERSION_KEY = "employer-member:version"
TIMEOUT = 300  # seconds; bounds a change made without signals (raw SQL, bulk inserts)


def is_employer_member(user) -> bool:
    """Whether ``user`` belongs to an organisation, of any status (cached per person)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return versioned_get_or_set(
        f"employer-member:{user.pk}",
        version_key=VERSION_KEY,
        compute=lambda: OrganisationMember.objects.filter(user=user).exists(),
        timeout=TIMEOUT,
    )


def employer_member_version_bump(**kwargs) -> None:
    """Receiver: a membership was added or removed (see EmployersConfig.ready)."""
    version_bump(VERSION_KEY)


def context(request) -> dict:
    """Template context processor: ``is_employer_member``, computed only if a template asks."""
    return {"is_employer_member": SimpleLazyObject(lambda: is_employer_member(request.user))}
