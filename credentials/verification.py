"""Verifying a credential: by its id, from its signed PDF, or from its Open Badges JSON.

Every entry point returns a :class:`Verdict`: the verdict in words, each check with its result,
and what the holder allows to be shown. Nothing here raises on bad input: junk becomes an
``invalid`` verdict that says what is wrong. A credential whose holder set visibility ``off``
is indistinguishable from an id that never existed when looked up by id; a file the holder
handed over still verifies (they chose to share it), showing their name only if they allow it.

Verdicts by id are cached per credential *state* (the cache key covers every field a verdict
depends on, so revocation, a consent change or supersession simply miss the cache) and never
past the expiry date. Each verification of a known credential is logged by a Celery task the
response does not wait for (:mod:`credentials.verification_log`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import verification_checks as checks_
from .models import Credential
from .pdf_signing import read_embedded_credential
from .rendering import BADGE_FILENAME
from .verification_checks import Check, long_date
from .verification_files import (
    max_upload_bytes,
    parse_json_document,
    pdf_file_checks,
    size_problem,
)
from .verification_log import record_verification

__all__ = [
    "Check",
    "Verdict",
    "max_upload_bytes",
    "verify_by_id",
    "verify_json",
    "verify_pdf",
]

logger = logging.getLogger(__name__)

STATUSES = (
    "valid",
    "revoked",
    "expired",
    "superseded",
    "withdrawn",
    "pending",
    "failed",
    "not_found",
    "invalid",
)
READABLE = "Readable file"
PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
CACHE_VERSION = 2  # bump when the shape or wording of cached verdicts changes


@dataclass(frozen=True)
class Verdict:
    """The outcome of one verification; ``headline`` is the verdict in words."""

    found: bool
    id: str | None
    status: str
    valid: bool
    headline: str
    checks: list[Check] = field(default_factory=list)
    issued_on: date | None = None
    expires_on: date | None = None
    achievement: dict[str, Any] = field(default_factory=dict)
    holder: dict[str, Any] = field(default_factory=dict)
    superseded_by: str | None = None
    revoked_on: date | None = None
    revocation_reason: str = ""
    issuer: dict[str, Any] = field(default_factory=dict)
    badge_download: bool = False  # the signed JSON may be downloaded publicly (see the views)
    status_list_index: int | None = None

    def to_api(self) -> dict[str, Any]:
        """The public JSON shape (documented in ``credentials/openapi.py``)."""
        if self.status == "not_found":
            return {"status": "not_found"}
        return {
            "id": self.id,
            "status": self.status,
            "valid": self.valid,
            "checks": [asdict(check) for check in self.checks],
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "achievement": self.achievement,
            "holder": self.holder,
        }


NOT_FOUND = Verdict(
    found=False, id=None, status="not_found", valid=False, headline="Credential not found"
)


def invalid_verdict(problem: str, *, name: str = READABLE) -> Verdict:
    """The verdict for input that cannot be checked at all, saying what is wrong with it."""
    return Verdict(
        found=False,
        id=None,
        status="invalid",
        valid=False,
        headline=f"This file could not be checked: {_lower_first(problem)}",
        checks=[Check(name, False, problem)],
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- finding the record ------------------------------------------------------------------------


# What a cached verdict needs of the record (its cache key, visibility, the log's holder);
# a cache miss loads the whole record once more (``_full``).
_FIND_FIELDS = (
    "public_id",
    "user",
    "status",
    "visibility",
    "updated_at",
    "revoked_at",
    "revocation_reason",
    "expires_on",
    "superseded_by",
    "superseded_by__visibility",
)


def _find(public_id: str | None, *, lean: bool = False) -> Credential | None:
    """One query, whatever the answer; ids that cannot exist cost none.

    ``lean``: only the columns a cached verdict needs, listed above. No ORDER BY either (the
    id is unique): building the SQL for every column of two credentials cost more than
    running it (bench/results/profiles).
    """
    if not isinstance(public_id, str) or not PUBLIC_ID.match(public_id):
        return None
    found = Credential.objects.select_related("superseded_by").filter(public_id=public_id)
    if lean:
        found = found.only(*_FIND_FIELDS)
    found = list(found[:1])
    return found[0] if found else None


def _full(credential: Credential) -> Credential:
    """The whole record behind a ``_find`` result, to build a verdict from."""
    return Credential.objects.select_related("superseded_by").get(pk=credential.pk)


def _newer_is_visible(credential: Credential) -> bool:
    newer = credential.superseded_by if credential.superseded_by_id else None
    return newer is not None and newer.visibility != Credential.Visibility.OFF


# --- assembling a verdict ----------------------------------------------------------------------


def _status_of(credential: Credential, bit: bool | None) -> str:
    if credential.status == Credential.Status.WITHDRAWN:
        return "withdrawn"  # the published list sets its bit too
    if credential.status == Credential.Status.REVOKED or bit:
        return "revoked"
    if credential.status == Credential.Status.SUPERSEDED:
        return "superseded"
    if credential.is_expired:
        return "expired"
    return "valid"


def _headline(status: str, credential: Credential, *, from_file: bool) -> str:
    if status == "valid":
        return "Valid credential: this file is authentic" if from_file else "Valid credential"
    if status == "revoked":
        if credential.revoked_at is None:
            return "Revoked"
        reason = credential.get_revocation_reason_display() or "no reason given"
        return f"Revoked on {long_date(credential.revoked_at.date())}: {reason.lower()}"
    if status == "withdrawn":
        return "Withdrawn: the holder closed their account"
    if status == "superseded":
        return "Superseded by a newer credential"
    return f"Expired on {long_date(credential.expires_on)}"


def _credential_verdict(
    credential: Credential,
    document: dict[str, Any] | None,
    *,
    file_checks: tuple[Check, ...] = (),
    record_check: Check | None = None,
) -> Verdict:
    """The verdict for a known credential, checking ``document`` (its stored or uploaded badge)."""
    keys = checks_.issuer_keys()
    from_file = bool(file_checks)
    if document is None:
        missing = "The file does not contain an Open Badges credential."
        authenticity = [
            Check(checks_.ISSUER, False, missing),
            Check(checks_.SIGNATURE, False, missing),
        ]
    else:
        authenticity = [
            checks_.check_issuer(document, keys),
            checks_.check_signature(document, keys),
        ]
    if record_check is not None:
        authenticity.append(record_check)
    bit = checks_.published_status_bit(credential.status_list_index)
    newer_visible = _newer_is_visible(credential)
    checks = [
        *file_checks,
        *authenticity,
        checks_.check_not_revoked(credential, bit),
        checks_.check_not_superseded(credential, newer_visible),
        checks_.check_not_expired(credential),
    ]
    failed = next((c for c in (*file_checks, *authenticity) if not c.passed), None)
    if failed is not None:
        prefix = "Not authentic" if from_file else "Not valid"
        return Verdict(
            found=False,
            id=credential.public_id,
            status="failed",
            valid=False,
            headline=f"{prefix}: {_lower_first(failed.detail).rstrip('.')}",
            checks=checks_.untrusted_after_failure(checks),
        )
    status = _status_of(credential, bit)
    return Verdict(
        found=True,
        id=credential.public_id,
        status=status,
        valid=status == "valid",
        headline=_headline(status, credential, from_file=from_file),
        checks=checks,
        issued_on=timezone.localdate(credential.issued_at) if credential.issued_at else None,
        expires_on=credential.expires_on,
        achievement=checks_.achievement_for(credential),
        holder=checks_.holder_for(credential),
        superseded_by=credential.superseded_by.public_id if newer_visible else None,
        revoked_on=credential.revoked_at.date() if credential.revoked_at else None,
        revocation_reason=credential.get_revocation_reason_display(),
        issuer=checks_.issuer_for(keys, document),
        badge_download=checks_.badge_is_publishable(credential),
        status_list_index=credential.status_list_index,
    )


def _pending_verdict(credential: Credential) -> Verdict:
    not_yet = "Not issued yet: there is no signed credential to check."
    return Verdict(
        found=True,
        id=credential.public_id,
        status="pending",
        valid=False,
        headline="Not issued yet",
        checks=[Check(checks_.ISSUER, False, not_yet), Check(checks_.SIGNATURE, False, not_yet)],
        achievement=checks_.achievement_for(credential),
        holder=checks_.holder_for(credential),
    )


# --- by id -------------------------------------------------------------------------------------


def _cache_key(credential: Credential) -> str:
    newer = credential.superseded_by if credential.superseded_by_id else None
    state = (
        CACHE_VERSION,
        credential.pk,
        credential.updated_at.isoformat(),
        credential.status,
        credential.visibility,
        credential.revoked_at.isoformat() if credential.revoked_at else "",
        credential.revocation_reason,
        credential.superseded_by_id,
        newer.visibility if newer else "",
        credential.expires_on.isoformat() if credential.expires_on else "",
    )
    return "lineage:verdict:" + hashlib.sha256(repr(state).encode()).hexdigest()


def cache_timeout(credential: Credential, *, now: datetime | None = None) -> int:
    """Seconds a verdict may be cached: never past the moment the credential expires."""
    timeout = int(getattr(settings, "LINEAGE_VERIFY_CACHE_SECONDS", 3600))
    if credential.expires_on is not None and not credential.is_expired:
        # is_expired turns true at the start of the day after expires_on, local time.
        expiry = timezone.make_aware(
            datetime.combine(credential.expires_on + timedelta(days=1), time.min)
        )
        remaining = (expiry - (now or timezone.now())).total_seconds()
        timeout = max(1, min(timeout, int(remaining)))
    return timeout


def _cached_verdict(credential: Credential) -> Verdict:
    key = _cache_key(credential)
    try:
        verdict = cache.get(key)
    except Exception:  # the cache is an optimisation: verify without it
        logger.exception("verdict cache unavailable")
        verdict = None
    if verdict is None:
        credential = _full(credential)
        if credential.badge is None:
            verdict = _pending_verdict(credential)
        else:
            verdict = _credential_verdict(credential, credential.badge)
        try:
            cache.set(key, verdict, cache_timeout(credential))
        except Exception:
            logger.exception("verdict cache unavailable")
    return verdict


def verify_by_id(public_id: str, *, channel: str, verifier=None, organisation=None) -> Verdict:
    """Verify the credential with ``public_id`` (the QR code, the page, the API, bulk checks).

    Unknown ids and credentials whose holder set visibility ``off`` get the same ``NOT_FOUND``
    verdict after the same single query. Known credentials: issued by this issuer, signature
    valid against the published keys, not revoked (status list bit and record), not
    superseded, not expired. Queries: one on a cache hit, four on a miss. Records a
    ``VerificationEvent`` for ``channel`` asynchronously.
    """
    credential = _find(public_id, lean=True)
    if credential is None or credential.visibility == Credential.Visibility.OFF:
        return NOT_FOUND
    verdict = _cached_verdict(credential)
    record_verification(credential, channel=channel, verifier=verifier, organisation=organisation)
    return verdict


# --- from a file -------------------------------------------------------------------------------


def _public_id_from(credential_url: Any) -> str | None:
    prefix = f"{settings.LINEAGE_BASE_URL}/credentials/"
    if isinstance(credential_url, str) and credential_url.startswith(prefix):
        return credential_url[len(prefix) :]
    return None


def _unmatched_verdict(
    document: dict[str, Any] | None,
    *,
    file_checks: tuple[Check, ...],
    record_check: Check,
    claimed_id: str | None,
) -> Verdict:
    """A file we hold no record for: say what is wrong with it, show nothing else."""
    checks = list(file_checks)
    if document is not None:
        keys = checks_.issuer_keys()
        checks += [checks_.check_issuer(document, keys), checks_.check_signature(document, keys)]
    checks.append(record_check)
    failed = next(c for c in checks if not c.passed)
    return Verdict(
        found=False,
        id=claimed_id,
        status="failed",
        valid=False,
        headline=f"Not authentic: {_lower_first(failed.detail).rstrip('.')}",
        checks=checks_.untrusted_after_failure(checks),
    )


def _record_check(credential: Credential | None, document: Any, *, what: str) -> Check:
    if credential is None:
        return Check(
            checks_.MATCHES_RECORD,
            False,
            f"We have no record of a credential with the id in this {what}.",
        )
    if credential.badge is None:
        return Check(checks_.MATCHES_RECORD, False, "We have not issued this credential yet.")
    if document != credential.badge:
        return Check(
            checks_.MATCHES_RECORD,
            False,
            f"The Open Badges credential in this {what} differs from the one we issued.",
        )
    return Check(
        checks_.MATCHES_RECORD,
        True,
        f"The Open Badges credential in this {what} is exactly the one we issued.",
    )


def _from_file(
    credential: Credential | None,
    document: dict[str, Any] | None,
    *,
    file_checks: tuple[Check, ...],
    claimed_id: str | None,
    what: str,
    channel: str,
    verifier,
    organisation,
) -> Verdict:
    record_check = _record_check(credential, document, what=what)
    if credential is None or credential.badge is None:
        return _unmatched_verdict(
            document, file_checks=file_checks, record_check=record_check, claimed_id=claimed_id
        )
    verdict = _credential_verdict(
        credential, document, file_checks=file_checks, record_check=record_check
    )
    if verdict.found:
        record_verification(
            credential, channel=channel, verifier=verifier, organisation=organisation
        )
    return verdict


def verify_pdf(data: bytes, *, channel: str = "pdf", verifier=None, organisation=None) -> Verdict:
    """Verify a certificate PDF: PAdES signature by our CA over the whole, unmodified file, and
    the Open Badges credential inside it (its proof, equal to our record, its status)."""
    try:
        problem = size_problem(len(data))
        if problem:
            return invalid_verdict(problem)
        if not bytes(data[:1024]).lstrip().startswith(b"%PDF-"):
            return invalid_verdict("This is not a PDF: it does not start with a PDF header.")
        file_checks = pdf_file_checks(data)
        if isinstance(file_checks, str):
            return invalid_verdict(file_checks)
        claimed_id, attachments = read_embedded_credential(data)
        document = None
        if BADGE_FILENAME in attachments:
            parsed = parse_json_document(attachments[BADGE_FILENAME])
            document = parsed if isinstance(parsed, dict) else None
        return _from_file(
            _find(claimed_id),
            document,
            file_checks=file_checks,
            claimed_id=claimed_id,
            what="file",
            channel=channel,
            verifier=verifier,
            organisation=organisation,
        )
    except Exception:  # a verdict, never a crash, whatever the upload holds
        logger.exception("unexpected error verifying an uploaded PDF")
        return invalid_verdict("The file could not be checked.")


def verify_json(data: bytes, *, channel: str = "json", verifier=None, organisation=None) -> Verdict:
    """Verify an Open Badges 3.0 JSON credential: the bundled 1EdTech schema, its Data Integrity
    proof against our published keys, equality with our record (matched by its ``id``), the
    status list bit and its dates."""
    try:
        parsed = parse_json_document(data)
        if isinstance(parsed, str):
            return invalid_verdict(parsed)
        problems = checks_.schema_problems(parsed)
        if problems:
            return invalid_verdict(
                "This is not a valid Open Badges 3.0 credential: " + "; ".join(problems) + ".",
                name=checks_.WELL_FORMED,
            )
        well_formed = Check(
            checks_.WELL_FORMED,
            True,
            "Valid against the Open Badges 3.0 AchievementCredential schema.",
        )
        public_id = _public_id_from(parsed.get("id"))
        return _from_file(
            _find(public_id),
            parsed,
            file_checks=(well_formed,),
            claimed_id=public_id,
            what="file",
            channel=channel,
            verifier=verifier,
            organisation=organisation,
        )
    except Exception:
        logger.exception("unexpected error verifying an uploaded JSON credential")
        return invalid_verdict("The file could not be checked.")
