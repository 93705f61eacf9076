"""Verifying a credential: by its id, from its signed PDF, or from its Open Badges JSON.

Every entry point returns a :class:`Verdict`: the verdict in words, each check with its result,
and what the holder allows to be shown. Nothing here raises on bad input: junk becomes an
``invalid`` verdict that says what is wrong. A credential whose holder set visibility ``off``
is indistinguishable from an id that never existed when looked up by id; a file the holder
handed over still verifies (they chose to share it), showing their name only if they allow it.

A file is checked cheaply first (size and shape caps, its id, equality with the credential we
issued); JSON-LD expansion, canonicalisation and the schema run only on a file that holds our
credential, once each, since for any other file the verdict is already "not authentic".

Verdicts by id are cached per credential *state* (the cache key covers every field a verdict
depends on, so revocation, a consent change or supersession simply miss the cache) and never
past the expiry date. Each verification of a known credential is logged by a Celery task the
response does not wait for (:mod:`credentials.verification_log`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import verification_checks as checks_
from .jsonld_sets import identical, same_document
from .models import Credential
from .pdf_signing import read_embedded_credential
from .rendering import BADGE_FILENAME
from .verdicts import (
    NOT_FOUND,
    READABLE,
    STATUSES,
    Verdict,
    credential_verdict,
    invalid_verdict,
    lower_first,
    pending_verdict,
    unmatched_verdict,
)
from .verification_checks import Check
from .verification_files import (
    max_upload_bytes,
    parse_json_document,
    pdf_file_checks,
    size_problem,
)
from .verification_limits import envelope_problems
from .verification_log import record_verification

__all__ = [
    "NOT_FOUND",
    "READABLE",
    "STATUSES",
    "Check",
    "Verdict",
    "invalid_verdict",
    "max_upload_bytes",
    "verify_by_id",
    "verify_json",
    "verify_pdf",
]

logger = logging.getLogger(__name__)

PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
CACHE_VERSION = 3  # bump when the shape or wording of cached verdicts changes


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
            verdict = pending_verdict(credential)
        else:
            verdict = credential_verdict(credential, credential.badge)
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


def _record_check(
    credential: Credential | None, document: Any, *, what: str, unreadable: str | None = None
) -> Check:
    """Whether the file holds the credential we issued: cheap, so it runs before anything else.

    Compared as the data model defines (:mod:`credentials.jsonld_sets`): arrays of set values in
    any order, so a wallet that reorders ``type`` still holds our credential.
    """
    if unreadable:
        return Check(
            checks_.MATCHES_RECORD,
            False,
            f"The Open Badges credential in this {what} cannot be read: {lower_first(unreadable)}",
        )
    if credential is None:
        return Check(
            checks_.MATCHES_RECORD,
            False,
            f"We have no record of a credential with the id in this {what}.",
        )
    if credential.badge is None:
        return Check(checks_.MATCHES_RECORD, False, "We have not issued this credential yet.")
    if document is None:
        return Check(
            checks_.MATCHES_RECORD,
            False,
            f"This {what} does not contain an Open Badges credential.",
        )
    if not same_document(document, credential.badge):
        return Check(
            checks_.MATCHES_RECORD,
            False,
            f"The Open Badges credential in this {what} differs from the one we issued.",
        )
    if identical(document, credential.badge):
        detail = f"The Open Badges credential in this {what} is exactly the one we issued."
    else:
        detail = (
            f"The Open Badges credential in this {what} is the one we issued; only the order "
            "of items in lists whose order carries no meaning differs."
        )
    return Check(checks_.MATCHES_RECORD, True, detail)


def _from_file(
    credential: Credential | None,
    document: dict[str, Any] | None,
    *,
    file_checks: tuple[Check, ...],
    claimed_id: str | None,
    channel: str,
    verifier,
    organisation,
    unreadable: str | None = None,
    check_schema: bool = False,
) -> Verdict:
    """Cheap checks first; the schema, expansion and canonicalisation (once each) only for a
    file that holds the credential we issued, the one case where they decide the verdict."""
    record_check = _record_check(credential, document, what="file", unreadable=unreadable)
    if not record_check.passed or not all(check.passed for check in file_checks):
        return unmatched_verdict(
            document, file_checks=file_checks, record_check=record_check, claimed_id=claimed_id
        )
    if check_schema:
        problems = checks_.schema_problems(document)
        if problems:
            return _not_open_badges(problems)
        well_formed = Check(
            checks_.WELL_FORMED,
            True,
            "Valid against the Open Badges 3.0 AchievementCredential schema.",
        )
        file_checks = (*file_checks, well_formed)
    verdict = credential_verdict(
        credential, document, file_checks=file_checks, record_check=record_check
    )
    if verdict.found:
        record_verification(
            credential, channel=channel, verifier=verifier, organisation=organisation
        )
    return verdict


def _not_open_badges(problems: list[str]) -> Verdict:
    return invalid_verdict(
        "This is not a valid Open Badges 3.0 credential: " + "; ".join(problems) + ".",
        name=checks_.WELL_FORMED,
    )


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
        document, unreadable = None, None
        if BADGE_FILENAME in attachments:
            parsed = parse_json_document(attachments[BADGE_FILENAME])
            document, unreadable = (None, parsed) if isinstance(parsed, str) else (parsed, None)
        return _from_file(
            _find(claimed_id),
            document,
            file_checks=file_checks,
            claimed_id=claimed_id,
            unreadable=unreadable,
            channel=channel,
            verifier=verifier,
            organisation=organisation,
        )
    except Exception:  # a verdict, never a crash, whatever the upload holds
        logger.exception("unexpected error verifying an uploaded PDF")
        return invalid_verdict("The file could not be checked.")


def verify_json(data: bytes, *, channel: str = "json", verifier=None, organisation=None) -> Verdict:
    """Verify an Open Badges 3.0 JSON credential: within the caps, shaped like one, equal to
    our record (matched by its ``id``), then the bundled 1EdTech schema, its Data Integrity
    proof against our published keys, the status list bit and its dates."""
    try:
        parsed = parse_json_document(data)
        if isinstance(parsed, str):
            return invalid_verdict(parsed)
        problems = envelope_problems(parsed)
        if problems:
            return _not_open_badges(problems)
        public_id = _public_id_from(parsed.get("id"))
        return _from_file(
            _find(public_id),
            parsed,
            file_checks=(),
            claimed_id=public_id,
            check_schema=True,
            channel=channel,
            verifier=verifier,
            organisation=organisation,
        )
    except Exception:
        logger.exception("unexpected error verifying an uploaded JSON credential")
        return invalid_verdict("The file could not be checked.")
