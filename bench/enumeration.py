"""Hit-versus-miss timing of the verification API, in-process: does a hidden id give itself away?

A hidden credential (its holder set visibility ``off``) and an unknown id both answer 404
``not_found`` after the same single lookup (``tests/faults/test_enumeration.py`` proves the
code path is shared). This measures whether their timings differ too. Run it explicitly (it is
outside ``testpaths``, so ``make test`` never runs it, and it asserts nothing about time)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/pytest -p no:xdist bench/enumeration.py -q -s

It writes ``bench/results/enumeration-<date>.json`` and prints the summary.
"""

import json
import platform
import secrets
import statistics
import time
from datetime import date
from pathlib import Path

import pytest
from django.test import RequestFactory

from credentials import api
from credentials.models import Credential
from credentials.services import credential_visibility_set

pytest_plugins = ["tests.conftest", "tests.verification_support"]  # the ``issue`` fixture

RESULTS = Path(__file__).resolve().parent / "results"
HIDDEN = 5  # distinct hidden credentials, cycled
LOOKUPS = 3000  # per kind


def time_lookups(hits: list[str], misses: list[str], count: int) -> dict:
    """Time ``count`` API calls for hidden ids and for unknown ids, alternating one of each so
    drift on a shared machine hits both alike. Returns microseconds per call, per kind."""
    factory = RequestFactory()
    samples = {"hidden": [], "unknown": []}
    for number in range(count):
        for kind, ids in (("hidden", hits), ("unknown", misses)):
            public_id = ids[number % len(ids)]
            request = factory.get(f"/api/v1/credentials/{public_id}/verification")
            started = time.perf_counter()
            response = api.credential_verification(request, public_id)
            samples[kind].append((time.perf_counter() - started) * 1e6)
            assert response.status_code == 404  # a 429 would time the limiter instead
    return {
        kind: {
            "median_us": round(statistics.median(values), 1),
            "mean_us": round(statistics.fmean(values), 1),
            "p95_us": round(statistics.quantiles(values, n=20)[-1], 1),
            "count": len(values),
        }
        for kind, values in samples.items()
    }


@pytest.mark.django_db
def test_enumeration_timing(issue, settings):
    settings.LINEAGE_VERIFY_RATE_LIMITS = {"ip": "1000000/m", "token": "1000000/m"}
    hidden = []
    for _ in range(HIDDEN):
        credential = issue()
        credential_visibility_set(credential=credential, visibility=Credential.Visibility.OFF)
        hidden.append(credential.public_id)
    unknown = [secrets.token_urlsafe(20) for _ in range(LOOKUPS)]
    time_lookups(hidden, unknown, 200)  # warm up: connections, caches, the URL and ORM paths
    figures = time_lookups(hidden, unknown, LOOKUPS)
    figures["ratio_hidden_to_unknown_median"] = round(
        figures["hidden"]["median_us"] / figures["unknown"]["median_us"], 3
    )
    report = {"date": date.today().isoformat(), "machine": platform.node(), **figures}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"enumeration-{report['date']}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
