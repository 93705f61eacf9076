"""Where to take a person back to after signing up, confirming their email or their name.

Only a path on this site is accepted ("/courses/editing/"): never another host or scheme,
"//host" or "/\\host", so a crafted link can't make Lineage an open redirect.
"""

from django.utils.http import url_has_allowed_host_and_scheme

MAX_LENGTH = 500
FIELD = "next"


def return_path(value) -> str | None:
    """``value`` if it is a safe path on this site, else None."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > MAX_LENGTH:
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return None
    return value


def return_path_from(request) -> str | None:
    """The safe ``next`` path sent with the request (form field first, then query string)."""
    return return_path(request.POST.get(FIELD) or request.GET.get(FIELD))
