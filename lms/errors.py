"""The server-error handler: a database outage is "try again shortly" (503), not a crash (500).

``handler500`` runs inside Django's exception handling, so the exception being handled is still
in ``sys.exc_info()``. Losing PostgreSQL (a failover, a restart, a cut connection) raises
``OperationalError`` or ``InterfaceError`` from wherever the next query happens: a view, a
middleware, the session save. Each of those reaches this handler, and the learner gets a
503 page with ``Retry-After`` instead of the generic error. Nothing is lost by answering 503:
the request's transaction was rolled back, and every write a learner can repeat (mark as
done, submit a quiz) is idempotent. Neither template touches the database.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an exception it was raised from) says the database is unreachable."""
    seen = 0
    while exc is not None and seen < 10:  # bounded: causes can't form a long chain here
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: 503 with ``Retry-After`` for a database outage, else the 500 page."""
    if database_unavailable(sys.exc_info()[1]):
        logger.warning("database unavailable: answered 503 for %s", request.path)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponse(loader.render_to_string(template_name), status=500)
