"""Turn a Credential row into plain data, then into its two signed artefacts.

The database is read here, once, into frozen dataclasses; the drawing and signing functions
(``credentials.pdf``, ``credentials.ob3``, ``credentials.data_integrity``) never touch it.
"""

import json
from datetime import UTC, datetime, time

from django.conf import settings
from django.utils import timezone

from .data_integrity import sign_eddsa_rdfc_2022
from .issuer import active_signing_key, pdf_identity
from .models import Credential
from .ob3 import AchievementCredentialData, build_achievement_credential, opaque_subject_id
from .pdf import CertificateData, certificate_writer
from .pdf_signing import sign_pdf

BADGE_FILENAME = "open-badge-credential.json"
STATUS_LIST_PATH = "/credentials/status/1"


def status_list_url() -> str:
    return f"{settings.LINEAGE_BASE_URL}{STATUS_LIST_PATH}"


def criteria_narrative(snapshot: dict) -> str:
    """The edition's required steps as a Markdown list, with revision ids and scores."""
    lines = [f"Completed every required step of {snapshot['course']['title']}:", ""]
    for step in snapshot["steps"]:
        line = f"- {step['title']} ({step['type']}, revision {step['revision_id']})"
        if "pass_mark" in step:
            score = step.get("score")
            scored = f"scored {score:.0f} %" if score is not None else "passed"
            line += f": pass mark {step['pass_mark']} %, {scored}"
        lines.append(line)
    return "\n".join(lines)


def badge_data(credential: Credential, *, issuer_id: str) -> AchievementCredentialData:
    snapshot = credential.snapshot
    course = snapshot["course"]
    valid_until = None
    if credential.expires_on:
        valid_until = datetime.combine(credential.expires_on, time.max.replace(microsecond=0))
        valid_until = valid_until.replace(tzinfo=UTC)
    return AchievementCredentialData(
        credential_id=f"{settings.LINEAGE_BASE_URL}/credentials/{credential.public_id}",
        issuer_id=issuer_id,
        issuer_name=settings.LINEAGE_ISSUER_NAME,
        issuer_url=settings.LINEAGE_BASE_URL,
        issuer_email=settings.LINEAGE_ISSUER_EMAIL,
        achievement_id=f"{settings.LINEAGE_BASE_URL}/achievements/course-{course['id']}",
        achievement_name=course["title"],
        achievement_description=course.get("summary") or course["title"],
        criteria_narrative=criteria_narrative(snapshot),
        achievement_version=snapshot["edition"],
        skills=tuple(credential.skills),
        subject_id=opaque_subject_id(credential.subject_salt),
        subject_name=(
            credential.printed_name if credential.visibility == Credential.Visibility.FULL else None
        ),
        valid_from=credential.valid_from.astimezone(UTC),
        valid_until=valid_until,
        status_list_credential_url=status_list_url(),
        status_list_index=credential.status_list_index,
    )


def certificate_data(credential: Credential, *, issued_at: datetime) -> CertificateData:
    snapshot = credential.snapshot
    verify_url = credential.verify_url
    return CertificateData(
        credential_id=credential.public_id,
        learner_name=credential.printed_name,
        course_title=snapshot["course"]["title"],
        course_code=snapshot["course"].get("code", ""),
        skills=tuple(credential.skills),
        hours=snapshot["course"].get("estimated_hours"),
        issued_on=timezone.localdate(issued_at),
        expires_on=credential.expires_on,
        issuer_name=settings.LINEAGE_ISSUER_NAME,
        verify_url=verify_url,
        short_verify_url=verify_url.split("://", 1)[-1],
        edition=snapshot["edition"],
    )


def render_signed_artefacts(credential: Credential, *, issued_at: datetime) -> tuple[dict, bytes]:
    """Return (signed Open Badges JSON, signed PDF bytes with that JSON attached)."""
    key = active_signing_key()
    unsigned = build_achievement_credential(badge_data(credential, issuer_id=key.issuer_id))
    badge = sign_eddsa_rdfc_2022(
        unsigned,
        private_key=key.private_key,
        verification_method=key.verification_method,
        created=issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    badge_bytes = json.dumps(badge, indent=2, ensure_ascii=False).encode("utf-8")
    # The attachment goes into the signed update itself (one write of the file, not two).
    pdf = certificate_writer(
        certificate_data(credential, issued_at=issued_at), attachments={BADGE_FILENAME: badge_bytes}
    )
    return badge, sign_pdf(pdf, pdf_identity())
