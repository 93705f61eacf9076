"""Views that act on a page (enrol, complete a step, start or answer a quiz) honour its privacy.

Wagtail checks a page's view restrictions (login, groups, password; on the page and on its
ancestors) only when it serves the page itself. A view of ours that acts on a page asks
``page_denial`` first and returns Wagtail's own answer, so nothing can be done to a page, or
read from it, by someone the page would turn away.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import Page, PageViewRestriction


def unmet_restriction(request: HttpRequest, page: Page) -> PageViewRestriction | None:
    """The first view restriction on ``page`` (or an ancestor) that ``request`` does not meet.

    ``accept_request`` is Wagtail's own test: signed in, in one of the groups (superusers
    always are), or the password entered in this session on the page's password form.
    """
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            return restriction
    return None


def page_denial(request: HttpRequest, page: Page) -> HttpResponse | None:
    """Wagtail's answer to someone ``page`` turns away, or None when they may view it.

    As Wagtail's ``check_view_restrictions`` hook: the login page for a login or groups
    restriction, the page's password form for a password one, never cached. Afterwards the
    person comes back to this URL for a GET; after a POST to the page itself (the action URL
    only takes POSTs), where they can act again.
    """
    restriction = unmet_restriction(request, page)
    if restriction is None:
        return None
    return_url = request.get_full_path() if request.method == "GET" else page.get_url(request)
    if restriction.restriction_type == PageViewRestriction.PASSWORD:
        form = PasswordViewRestrictionForm(instance=restriction, initial={"return_url": return_url})
        action_url = reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk]
        )
        response = page.serve_password_required_response(request, form, action_url)
    else:
        login_url = getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", reverse("wagtailcore_login"))
        response = redirect_to_login(return_url, login_url)
    add_never_cache_headers(response)
    return response
