"""``manage.py credentials_verify_all``: after a restore, prove every credential still verifies.

For each signed credential: its stored Open Badges JSON and its stored PDF go through the same
verification an employer's upload does (signature against the published keys, the PDF's PAdES
signature, equality with the record, the published status list), and both must agree on the
status. Then the active signing key must load from LINEAGE_KEY_DIR and match its published
public key, and the PDF signing identity must load, or new credentials could not be issued.
Read-only: checks run as the holder, so nothing is added to anyone's verification log.
Exits non-zero, listing each failure, if anything does not verify (docs/operations.md).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from credentials.issuer import active_signing_key, pdf_identity
from credentials.models import Credential
from credentials.verification import verify_json, verify_pdf


def _problem(verdict) -> str | None:
    failed = [check.name for check in verdict.checks if not check.passed]
    authentic = verdict.found and verdict.status != "failed"
    return None if authentic else f"{verdict.status}: {', '.join(failed) or verdict.headline}"


class Command(BaseCommand):
    help = "Verify every signed credential's JSON and PDF, and the issuer's keys (read-only)."

    def handle(self, *args, **options):
        failures = []
        counts: dict[str, int] = {}
        signed = Credential.objects.exclude(badge=None).select_related("user").order_by("pk")
        for credential in signed.iterator():
            holder = credential.user
            verdicts = {
                "json": verify_json(json.dumps(credential.badge).encode(), verifier=holder),
            }
            if credential.pdf:
                with credential.pdf.open("rb") as fh:
                    verdicts["pdf"] = verify_pdf(fh.read(), verifier=holder)
            else:
                failures.append(f"{credential.public_id}: the signed PDF is missing")
            for channel, verdict in verdicts.items():
                problem = _problem(verdict)
                if problem:
                    failures.append(f"{credential.public_id} {channel}: {problem}")
            if len({verdict.status for verdict in verdicts.values()}) > 1:
                failures.append(f"{credential.public_id}: the JSON and PDF verdicts disagree")
            status = verdicts["json"].status
            counts[status] = counts.get(status, 0) + 1
            self.stdout.write(f"{credential.public_id} {credential.status} -> {status}")
        try:
            key = active_signing_key()
            pdf_identity()
            self.stdout.write(f"signing key {key.key_id} matches its published public key")
        except Exception as error:  # any failure to load means no new credential can be signed
            failures.append(f"issuer keys: {error}")
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"
        if failures:
            raise CommandError(f"{len(failures)} problem(s) ({summary}):\n" + "\n".join(failures))
        self.stdout.write(self.style.SUCCESS(f"Every credential verifies: {summary}."))
