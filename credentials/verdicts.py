"""Verdicts: what one verification concluded, in words, with every check behind it.

:mod:`credentials.verification` decides which checks run; this module turns their results and
the credential's record into a :class:`Verdict` (the pages and the API show it as it is).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from . import verification_checks as checks_
from .models import Credential
from .verification_checks import Check, long_date

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
        headline=f"This file could not be checked: {lower_first(problem)}",
        checks=[Check(name, False, problem)],
    )


def lower_first(text: str) -> str:
    """``Text`` -> ``text``: a check's detail inside a headline."""
    return text[:1].lower() + text[1:]


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


def _newer_is_visible(credential: Credential) -> bool:
    newer = credential.superseded_by if credential.superseded_by_id else None
    return newer is not None and newer.visibility != Credential.Visibility.OFF


def credential_verdict(
    credential: Credential,
    document: dict[str, Any],
    *,
    file_checks: tuple[Check, ...] = (),
    record_check: Check | None = None,
) -> Verdict:
    """The verdict for a known credential, checking ``document`` (its stored badge, or an
    uploaded one that matches it): the only verdict that canonicalises, once."""
    keys = checks_.issuer_keys()
    from_file = bool(file_checks)
    authenticity = [checks_.check_issuer(document, keys), checks_.check_signature(document, keys)]
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
            headline=f"{prefix}: {lower_first(failed.detail).rstrip('.')}",
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


def unmatched_verdict(
    document: dict[str, Any] | None,
    *,
    file_checks: tuple[Check, ...],
    record_check: Check,
    claimed_id: str | None,
) -> Verdict:
    """A file that is not a credential we issued, or whose file checks failed: say what is
    wrong with it and show nothing else.

    Nothing costly runs: the verdict is "not authentic" whatever the signature says, so only
    the checks that explain why (the file's own, the issuer named, the record) are listed.
    """
    # The record first: when the file is not ours, the issuer it names may be the change.
    checks = [*file_checks, record_check]
    if document is not None:
        checks.append(checks_.check_issuer(document, checks_.issuer_keys()))
    failed = next(c for c in checks if not c.passed)
    return Verdict(
        found=False,
        id=claimed_id,
        status="failed",
        valid=False,
        headline=f"Not authentic: {lower_first(failed.detail).rstrip('.')}",
        checks=checks_.untrusted_after_failure(checks),
    )


def pending_verdict(credential: Credential) -> Verdict:
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
