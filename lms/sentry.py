"""Error reporting to Sentry, switched on by SENTRY_DSN (lms/settings/base.py).

Lineage holds people's learning records, so events carry no personal data: no user, no IP
address, no cookies, no request bodies (quiz answers, uploads, passwords).
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def sentry_init(*, dsn: str, environment: str, release: str | None, traces_rate: float) -> None:
    """Report unhandled errors in views and Celery tasks to the Sentry project at ``dsn``."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_rate,
    )
