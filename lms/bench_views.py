"""The benchmark's ceiling: a bare Django view returning a small JSON body.

Mounted at ``/bench/baseline`` only when ``settings.LINEAGE_BENCH_BASELINE`` is true (see
``bench/README.md``). It goes through the same middleware as every page, so a page's ratio to
it is the cost of the page itself, not of the server, the network or the middleware.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET


@require_GET
def baseline(request: HttpRequest) -> JsonResponse:
    """A small, constant JSON body: no database, no cache, no template."""
    return JsonResponse({"status": "ok", "service": "lineage", "bench": "baseline"})


# Included by lms/urls.py at bench/baseline (an include, so that mounting it is one line).
urlpatterns = [path("", baseline, name="bench_baseline")]
