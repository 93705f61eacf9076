from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import urls as accounts_urls
from home import views as home_views

from . import health
from .admin_exports import formula_safe_urlpatterns

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Wagtail's spreadsheet exports, served formula-safe: first, so they take these paths.
    path("admin/", include(formula_safe_urlpatterns(wagtailadmin_urls.urlpatterns))),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search, name="search"),
    path("accounts/", include(accounts_urls)),
    path("", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("", include("credentials.verification_urls")),
    path("employers/", include("employers.urls")),
    path("credentials/", include("credentials.urls")),
    path("", include("credentials.urls_public")),
]

if settings.LINEAGE_BENCH_BASELINE:
    urlpatterns += [path("bench/baseline", include("lms.bench_views"))]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# A database outage gets a "try again" page (503), not the generic error (lms/errors.py).
handler500 = "lms.errors.server_error"
