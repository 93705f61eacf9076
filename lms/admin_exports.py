"""Wagtail's admin spreadsheet exports, served formula-safe (see ``lms/spreadsheets.py``).

Wagtail offers no setting for its exports' cells, so every admin route whose view exports a
spreadsheet is served again, at the same path, by a subclass of its view with
``FormulaSafeExportMixin``; ``lms/urls.py`` puts these routes before Wagtail's admin.
"""

from functools import update_wrapper

from django.urls import URLPattern, URLResolver
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from .spreadsheets import FormulaSafeExportMixin


def exports_spreadsheets(callback) -> bool:
    """Whether a URL's view is a Wagtail spreadsheet export with columns to export."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None or not issubclass(view_class, SpreadsheetExportMixin):
        return False
    return bool(callback.view_initkwargs.get("list_export", view_class.list_export))


def formula_safe_view(callback):
    """The same view (same class and arguments) with formula-safe exports, behind the checks
    Wagtail's admin URLs add: admin access and no caching."""
    view_class = callback.view_class
    safe_class = type(
        f"FormulaSafe{view_class.__name__}",
        (FormulaSafeExportMixin, view_class),
        {"__module__": __name__},
    )
    view = safe_class.as_view(**callback.view_initkwargs)
    # update_wrapper keeps view_class and view_initkwargs visible, as Wagtail's own URLs do.
    return never_cache(update_wrapper(require_admin_access(view), view))


def formula_safe_urlpatterns(patterns) -> list:
    """The spreadsheet-export routes among ``patterns`` (at any depth), each served by its
    formula-safe view. Include it just before the URLs it shadows; other paths fall through."""
    safe = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = formula_safe_urlpatterns(entry.url_patterns)
            if inner:
                safe.append(URLResolver(entry.pattern, inner, entry.default_kwargs))
        elif isinstance(entry, URLPattern) and exports_spreadsheets(entry.callback):
            safe.append(
                URLPattern(entry.pattern, formula_safe_view(entry.callback), entry.default_args)
            )
    return safe
