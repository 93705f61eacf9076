"""Per credential: render + sign time of the PDF and the JSON, against the floor.

The floor is the least work that produces the same evidence: a minimal reportlab page with
the same text and the same QR code (segno, drawn as vector paths), signed once with the same
P-256 key through pyHanko (key loaded once, signature size reserved), and the same unsigned
Open Badges JSON serialised and signed once with the same Ed25519 key (no canonicalisation).
Run by bench/run.py under the bench settings; prints nothing but its JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from pathlib import Path

ITERATIONS = 40
WARM_UP = 3


def timed(func, iterations: int) -> float:
    """Median milliseconds of ``func()`` after a warm-up."""
    return timed_pair(func, func, iterations)[0]


def timed_pair(ours, floor, iterations: int) -> tuple[float, float]:
    """Median milliseconds of ``ours()`` and ``floor()``, alternated so both see the same load."""
    for _ in range(WARM_UP):
        ours()
        floor()
    samples: tuple[list, list] = ([], [])
    for _ in range(iterations):
        for func, into in ((ours, samples[0]), (floor, samples[1])):
            start = time.perf_counter()
            func()
            into.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def floor_pdf(data, identity) -> bytes:
    """A minimal certificate: the same text and QR on an A4 page, one PAdES signature."""
    import segno
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from credentials.pdf_signing import sign_pdf

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=landscape(A4), pageCompression=1)
    lines = [
        "Certificate of completion",
        "This certifies that",
        data.learner_name,
        "has completed",
        data.course_title,
        ", ".join(data.skills),
        f"Issued by {data.issuer_name}",
        f"Issued {data.issued_on:%d %B %Y}",
        f"Credential ID {data.credential_id}",
        data.edition,
        data.short_verify_url,
    ]
    y = 520
    for line in lines:
        c.drawString(72, y, line)
        y -= 22
    qr = segno.make(data.verify_url, error="m", micro=False)
    rows = list(qr.matrix_iter(scale=1, border=0))
    n = len(rows)
    ops = []
    for r, row in enumerate(rows):
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                ops.append(f"{start} {n - 1 - r} {col - start} 1 re")
            else:
                col += 1
    c.saveState()
    c.transform(92 / n, 0, 0, 92 / n, 650, 80)
    c.addLiteral("\n".join(ops) + "\nf")
    c.restoreState()
    c.showPage()
    c.save()
    return sign_pdf(buf.getvalue(), identity) if identity else buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--iterations", type=int, default=ITERATIONS)
    args = parser.parse_args()

    import django

    django.setup()
    from django.utils import timezone

    from credentials import rendering
    from credentials.data_integrity import sign_eddsa_rdfc_2022
    from credentials.issuer import active_signing_key, pdf_identity
    from credentials.models import Credential
    from credentials.ob3 import build_achievement_credential
    from credentials.pdf import certificate_writer, render_certificate_pdf
    from credentials.pdf_signing import sign_pdf

    credential = (
        Credential.objects.filter(status=Credential.Status.ISSUED)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    issued_at = timezone.now()
    key = active_signing_key()
    identity = pdf_identity()
    created = issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = build_achievement_credential(
        rendering.badge_data(credential, issuer_id=key.issuer_id)
    )
    badge = sign_eddsa_rdfc_2022(
        unsigned,
        private_key=key.private_key,
        verification_method=key.verification_method,
        created=created,
    )
    badge_bytes = json.dumps(badge, indent=2, ensure_ascii=False).encode()
    certificate = rendering.certificate_data(credential, issued_at=issued_at)

    def lineage_json():
        document = build_achievement_credential(
            rendering.badge_data(credential, issuer_id=key.issuer_id)
        )
        signed = sign_eddsa_rdfc_2022(
            document,
            private_key=key.private_key,
            verification_method=key.verification_method,
            created=created,
        )
        return json.dumps(signed, indent=2, ensure_ascii=False).encode()

    def lineage_pdf():  # as render_signed_artefacts does it
        pdf = certificate_writer(certificate, attachments={rendering.BADGE_FILENAME: badge_bytes})
        return sign_pdf(pdf, identity)

    def lineage_render_only():
        return render_certificate_pdf(
            certificate, attachments={rendering.BADGE_FILENAME: badge_bytes}
        )

    def lineage_both():
        return rendering.render_signed_artefacts(credential, issued_at=issued_at)

    def floor_json():
        body = json.dumps(unsigned, sort_keys=True, ensure_ascii=False).encode()
        return body, key.private_key.sign(body)

    def floor_both():
        return floor_json(), floor_pdf(certificate, identity)

    n = args.iterations
    rows = []
    for name, ours, floor in [
        ("PDF: render + sign", lineage_pdf, lambda: floor_pdf(certificate, identity)),
        ("JSON: build + sign", lineage_json, floor_json),
        ("Both (render_signed_artefacts)", lineage_both, floor_both),
    ]:
        lineage_ms, floor_ms = timed_pair(ours, floor, n)
        rows.append(
            {
                "name": name,
                "lineage_ms": round(lineage_ms, 2),
                "floor_ms": round(floor_ms, 2),
                "ratio": round(lineage_ms / floor_ms, 2),
            }
        )
    unsigned_pdf = lineage_render_only()
    floor_unsigned = floor_pdf(certificate, None)
    sizes = {
        "lineage_pdf_bytes": len(lineage_pdf()),
        "floor_pdf_bytes": len(floor_pdf(certificate, identity)),
        "pdf_unsigned_render_ms": round(timed(lineage_render_only, n), 2),
        "pdf_sign_only_ms": round(timed(lambda: sign_pdf(unsigned_pdf, identity), n), 2),
        "floor_sign_only_ms": round(timed(lambda: sign_pdf(floor_unsigned, identity), n), 2),
    }
    profile = None
    try:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(10):
            lineage_both()
        profiler.stop()
        profile = profiler.output_text(unicode=False, color=False, show_all=False)
    except ImportError:
        pass
    total = rows[-1]
    result = {
        "iterations": n,
        "rows": rows,
        "lineage_ms": total["lineage_ms"],
        "floor_ms": total["floor_ms"],
        "ratio": total["ratio"],
        **sizes,
    }
    if profile:
        from bench.environment import RESULTS_DIR

        path = RESULTS_DIR / "profiles" / "credential-pipeline.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(profile)
        result["profile"] = str(path.relative_to(RESULTS_DIR.parent.parent))
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
