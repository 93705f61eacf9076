"""Content-Security-Policy: a strict policy for the site, a looser one for Wagtail's admin.

The site's own templates load scripts only from static files (no inline scripts, no inline
event handlers), so its policy allows scripts from 'self' alone. Wagtail's admin relies on
inline scripts and styles it does not let us change, so /admin/ gets LINEAGE_ADMIN_CSP instead
of widening the policy for everyone.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def _is_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith(settings.LINEAGE_ADMIN_CSP_PREFIX)


class LineageCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin policy swapped in under the admin's prefix.

    A view that sets its own header (Wagtail's document view sends ``default-src 'none'``)
    keeps it: django-csp never overwrites an existing header.
    """

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and _is_admin(request):
            parts.config = settings.LINEAGE_ADMIN_CSP["DIRECTIVES"]
        return parts
