"""Hostile uploads: the adversarial files of ``bench/hostile_corpus.py``, timed per request.

Each file is posted to ``POST /api/v1/verifications`` in-process (Django's test client, the
whole middleware stack and the real view, under the bench settings and database), once to warm
up and then ``--rounds`` times; the median and the worst request are reported. The corpus is
built around one of the seeded credentials that were really issued (rendered and signed).
Goal: every file answered in under 1 s. Reported, never a test: the test that guards this is
``tests/test_verification_cost.py``, which counts the costly operations instead. Run by
bench/run.py; prints nothing but its JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.environment import HOST

ROUNDS = 5
GOAL_MS = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from bench.hostile_corpus import corpus
    from credentials.models import Credential

    # A credential issued for real, showing the holder's name: two identifiers to reorder.
    credential = (
        Credential.objects.filter(
            status=Credential.Status.ISSUED, visibility=Credential.Visibility.FULL
        )
        .order_by("pk")
        .first()
    )
    with default_storage.open(credential.pdf.name) as fh:
        certificate = fh.read()
    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")

    def post(kind: str, data: bytes):
        content_type = "application/pdf" if kind == "pdf" else "application/json"
        upload = SimpleUploadedFile(f"upload.{kind}", data, content_type)
        return client.post("/api/v1/verifications", {"file": upload})

    rows = []
    for hostile in corpus(credential.badge, credential.public_id, certificate):
        response = post(hostile.kind, hostile.data)
        samples = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            response = post(hostile.kind, hostile.data)
            samples.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "name": hostile.name,
                "kind": hostile.kind,
                "bytes": len(hostile.data),
                "expect": hostile.expect,
                "http_status": response.status_code,
                "status": json.loads(response.content).get("status"),
                "median_ms": round(statistics.median(samples), 1),
                "worst_ms": round(max(samples), 1),
            }
        )
    worst = max(rows, key=lambda row: row["worst_ms"])
    result = {
        "rounds": args.rounds,
        "goal_ms": GOAL_MS,
        "credential_badge_bytes": len(json.dumps(credential.badge)),
        "files": rows,
        "worst": {"name": worst["name"], "ms": worst["worst_ms"]},
        "met": worst["worst_ms"] < GOAL_MS,
    }
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
