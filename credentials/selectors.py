"""Reads for the credential holder's pages and their dashboard section.

Every read is scoped to the holder: another person's credential is simply not found, so a
view can answer 404 without ever loading someone else's data.
"""

from django.shortcuts import get_object_or_404

from .models import Credential

# Links followed from a superseded credential to the one that replaced it (renewals are rare;
# the bound only guards against a cycle written by hand).
MAX_SUPERSEDED_HOPS = 10


def credential_for_holder(*, user, public_id: str) -> Credential:
    """The holder's credential with this public id, or Http404 (also for anyone else's)."""
    return get_object_or_404(
        Credential.objects.for_user(user).select_related("course", "superseded_by"),
        public_id=public_id,
    )


def credential_current_for(credential: Credential) -> Credential | None:
    """For a superseded credential, the holder's credential that replaced it now."""
    current = credential.superseded_by
    for _ in range(MAX_SUPERSEDED_HOPS):
        if current is None or current.status != Credential.Status.SUPERSEDED:
            break
        current = current.superseded_by
    if current is None or current.user_id != credential.user_id:
        return None
    return current


def credentials_for_dashboard(user) -> list[Credential]:
    """All the learner's credentials, newest first, in one query.

    The signed badge is left out: the list needs the title (from the snapshot), the status
    and the dates, not kilobytes of proof per row.
    """
    return list(Credential.objects.for_user(user).defer("badge").order_by("-created_at", "-pk"))
