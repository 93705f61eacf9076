"""The individual checks behind a verification verdict, each returning a plain-language ``Check``.

Nothing here fetches from the network: the issuer's keys come from the ``IssuerKey`` table (the
same rows the did:web document and keys page publish) and the status list is the very document
:mod:`credentials.status` publishes. :mod:`credentials.verification` assembles the checks
into a verdict.
"""

from __future__ import annotations

import itertools
import json
import logging
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from jsonschema import Draft201909Validator, FormatChecker

from .data_integrity import verify_eddsa_rdfc_2022
from .issuer import issuer_domain
from .keys import (
    KeyResolutionError,
    did_key_for,
    did_web_document,
    did_web_for,
    ed25519_public_to_multibase,
    multibase_to_ed25519_public,
    resolve_verification_method,
)
from .models import Credential, IssuerKey
from .ob3 import achievement_credential_schema
from .rendering import criteria_narrative
from .status_list import StatusListError, is_set
from .verification_limits import clipped

logger = logging.getLogger(__name__)

# Check names are part of the API: clients may match on them, so they never change wording.
PDF_SIGNED = "File signed by this issuer"
PDF_UNCHANGED = "File unchanged since signing"
WELL_FORMED = "Well-formed Open Badges credential"
MATCHES_RECORD = "Matches our records"
ISSUER = "Issued by this issuer"
SIGNATURE = "Signature valid"
NOT_REVOKED = "Not revoked"
NOT_SUPERSEDED = "Not superseded"
NOT_EXPIRED = "Not expired"

MAX_SCHEMA_PROBLEMS = 5


@dataclass(frozen=True)
class Check:
    """One verification check: what was checked, whether it passed, and why, in plain words.

    ``checked`` is false for a check not made because an earlier one failed (``passed`` is
    then false too): its detail says which one.
    """

    name: str
    passed: bool
    detail: str
    checked: bool = True


# The chain of trust: each stage relies on every earlier stage having passed. A failure at one
# stage leaves what later stages (and its other checks) found untrusted.
TRUST_STAGES = {
    PDF_SIGNED: 0,
    WELL_FORMED: 0,
    PDF_UNCHANGED: 1,
    ISSUER: 2,
    SIGNATURE: 2,
    MATCHES_RECORD: 2,  # a file that is not ours may have changed the issuer it names
    NOT_REVOKED: 4,
    NOT_SUPERSEDED: 4,
    NOT_EXPIRED: 4,
}
AUTHENTICITY_STAGES = range(3)  # a failure here means "not authentic"; after it, a status
UNTRUSTED_BECAUSE = {
    0: "nothing read from this file can be trusted",
    1: "nothing read from this file can be trusted",
    2: "nothing the credential says can be trusted",
}


def untrusted_after_failure(checks: list[Check]) -> list[Check]:
    """``checks`` with every passed check the first authenticity failure undermines marked
    "Not checked", so a "not authentic" verdict never sits above a green "Passed".

    Failed checks keep their own (true) detail; checks of earlier stages keep their result.
    """
    stage_of = TRUST_STAGES.get
    failed = next(
        (c for c in checks if not c.passed and stage_of(c.name) in AUTHENTICITY_STAGES), None
    )
    if failed is None:
        return checks
    stage = stage_of(failed.name)
    detail = f"“{failed.name}” failed, so {UNTRUSTED_BECAUSE[stage]}."
    return [
        Check(c.name, False, detail, checked=False)
        if c.passed and stage_of(c.name, -1) >= stage
        else c
        for c in checks
    ]


def long_date(value: date) -> str:
    """``3 March 2027``: unambiguous in every locale, unlike 03/03/2027."""
    return f"{value.day} {value:%B %Y}"


# --- the issuer's keys -------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerKeys:
    """Every key this issuer has published (retired ones too), as verification methods."""

    did_web: str
    multibases: frozenset[str]
    issuer_ids: frozenset[str]
    did_web_document: dict[str, Any] | None

    def resolve(self, verification_method: str) -> Ed25519PublicKey:
        """Resolve a did:key or did:web method, but only to one of *our* keys."""
        documents = {self.did_web: self.did_web_document} if self.did_web_document else {}
        public = resolve_verification_method(verification_method, did_web_documents=documents)
        if ed25519_public_to_multibase(public) not in self.multibases:
            raise KeyResolutionError(f"{verification_method!r} is not one of this issuer's keys")
        return public

    def key_check_description(self, verification_method: str) -> str:
        if verification_method.startswith("did:web:"):
            return (
                f"The key {verification_method} was looked up in the issuer's DID document, "
                f"published at https://{issuer_domain()}/.well-known/did.json."
            )
        return (
            "The key is spelled out in the issuer's did:key identifier, and it is one of the "
            "keys the issuer publishes at /credentials/issuer/keys.json."
        )


def issuer_keys() -> IssuerKeys:
    """Load the issuer's published keys: one query."""
    rows = list(
        IssuerKey.objects.order_by("created_at").values_list(
            "key_id", "public_multibase", "retired_at"
        )
    )
    did_web = did_web_for(issuer_domain())
    publics = [
        (key_id, multibase_to_ed25519_public(mb), retired is None) for key_id, mb, retired in rows
    ]
    return IssuerKeys(
        did_web=did_web,
        multibases=frozenset(mb for _, mb, _ in rows),
        issuer_ids=frozenset([did_web] + [did_key_for(pub) for _, pub, _ in publics]),
        did_web_document=(
            did_web_document(domain=issuer_domain(), keys=publics) if publics else None
        ),
    )


def _verification_method(document: dict[str, Any]) -> str | None:
    proofs = document.get("proof")
    proofs = [proofs] if isinstance(proofs, dict) else proofs
    if isinstance(proofs, list) and len(proofs) == 1 and isinstance(proofs[0], dict):
        method = proofs[0].get("verificationMethod")
        return method if isinstance(method, str) else None
    return None


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def check_issuer(document: dict[str, Any], keys: IssuerKeys) -> Check:
    """The credential names this issuer, and its proof uses one of this issuer's keys."""
    issuer_name = settings.LINEAGE_ISSUER_NAME
    issuer_id, method = _issuer_id(document), _verification_method(document)
    if issuer_id not in keys.issuer_ids:
        return Check(
            ISSUER,
            False,
            f"The credential names an issuer ({clipped(issuer_id, 80) if issuer_id else 'none'}) "
            f"that is not {issuer_name}.",
        )
    if method is None or method.split("#", 1)[0] != issuer_id:
        return Check(ISSUER, False, "The credential is not signed with a key of its issuer.")
    try:
        keys.resolve(method)
    except KeyResolutionError:
        return Check(
            ISSUER,
            False,
            f"The signing key {clipped(method)} is not one {issuer_name} has published.",
        )
    return Check(
        ISSUER,
        True,
        f"Issued by {issuer_name} ({issuer_id}) and signed with one of "
        f"its published keys. {keys.key_check_description(method)}",
    )


def check_signature(document: dict[str, Any], keys: IssuerKeys) -> Check:
    """Re-verify the eddsa-rdfc-2022 Data Integrity proof against the published keys."""
    result = verify_eddsa_rdfc_2022(document, resolve_key=keys.resolve)
    if result.ok:
        return Check(
            SIGNATURE,
            True,
            "The Data Integrity proof (eddsa-rdfc-2022) matches the "
            "credential: nothing in it changed since it was signed.",
        )
    reason = result.reason
    if reason == "signature does not match":
        detail = "The signature does not match, so the credential was changed after it was signed."
    elif reason.startswith("JSON-LD expansion drops"):
        detail = (
            "The credential contains properties that no Open Badges context defines, so "
            "the signature cannot cover them: " + reason.split(": ", 1)[-1]
        )
    elif reason.startswith("cannot resolve"):
        detail = "The signing key is not one this issuer has published."
    else:
        detail = f"The signature could not be checked: {reason}."
    return Check(SIGNATURE, False, detail)


# --- the Open Badges schema --------------------------------------------------------------------


@cache
def _schema_validator() -> Draft201909Validator:
    return Draft201909Validator(achievement_credential_schema(), format_checker=FormatChecker())


def schema_problems(document: Any) -> list[str]:
    """Where ``document`` breaks the bundled 1EdTech AchievementCredential schema.

    Stops at the first ``MAX_SCHEMA_PROBLEMS`` errors (in the validator's order): collecting
    every error of a hostile document is what used to take minutes.
    """
    errors = list(
        itertools.islice(_schema_validator().iter_errors(document), MAX_SCHEMA_PROBLEMS + 1)
    )
    problems = []
    for error in errors[:MAX_SCHEMA_PROBLEMS]:
        where = "/".join(str(p) for p in error.path) or "the top level"
        message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
        problems.append(f"at {where}: {message}")
    if len(errors) > MAX_SCHEMA_PROBLEMS:
        problems.append("and more")
    return problems


# --- revocation, supersession, expiry ----------------------------------------------------------


def published_status_bit(index: int) -> bool | None:
    """The revocation bit at ``index`` in the status list exactly as it is published.

    Read from the same signed document ``/credentials/status/1`` serves (cached by
    :mod:`credentials.status` until a revocation), so the page and the list cannot disagree.
    None if the list cannot be read: the record still counts, and the check says so.
    """
    from .status import published_status_list

    try:
        document = json.loads(published_status_list().body)
        return is_set(document["credentialSubject"]["encodedList"], index)
    except (StatusListError, KeyError, TypeError, ValueError):
        logger.warning("the published status list cannot be read", exc_info=True)
        return None
    except Exception:  # a broken publisher must not take verification down with it
        logger.exception("the published status list is unavailable")
        return None


def check_not_revoked(credential: Credential, bit: bool | None) -> Check:
    """From the row and from the published status list bit: either one revoking is enough."""
    where = (
        f"Bit {credential.status_list_index} of the published status list is "
        f"{'set' if bit else 'clear'}"
        if bit is not None
        else "The status list is not published yet"
    )
    if credential.status == Credential.Status.REVOKED:
        reason = credential.get_revocation_reason_display() or "no reason given"
        on = long_date(credential.revoked_at.date()) if credential.revoked_at else "an unknown date"
        return Check(NOT_REVOKED, False, f"Revoked on {on}: {reason.lower()}. {where}.")
    if credential.status == Credential.Status.WITHDRAWN:
        return Check(NOT_REVOKED, False, f"Withdrawn: the holder closed their account. {where}.")
    if bit:
        return Check(NOT_REVOKED, False, f"Revoked. {where}.")
    return Check(NOT_REVOKED, True, f"{where}, and our record shows no revocation.")


def check_not_superseded(credential: Credential, newer_visible: bool) -> Check:
    if credential.status != Credential.Status.SUPERSEDED:
        return Check(
            NOT_SUPERSEDED, True, "This is the holder's current credential for the course."
        )
    if newer_visible and credential.superseded_by_id:
        newer = credential.superseded_by
        return Check(
            NOT_SUPERSEDED,
            False,
            f"Replaced by a newer credential for the same course: {newer.verify_url}",
        )
    return Check(NOT_SUPERSEDED, False, "Replaced by a newer credential for the same course.")


def check_not_expired(credential: Credential) -> Check:
    if credential.expires_on is None:
        return Check(NOT_EXPIRED, True, "This credential does not expire.")
    when = long_date(credential.expires_on)
    if credential.is_expired:
        return Check(NOT_EXPIRED, False, f"Expired on {when}.")
    return Check(NOT_EXPIRED, True, f"Valid until {when}.")


# --- what a verdict shows ----------------------------------------------------------------------


def _step_kind(page_type: str) -> str:
    """``lessonpage`` -> ``Lesson``: the model name in words."""
    return page_type.removesuffix("page").replace("_", " ").capitalize() or "Step"


def achievement_for(credential: Credential) -> dict[str, Any]:
    """What was achieved, from the frozen snapshot: never personal data."""
    snapshot = credential.snapshot or {}
    course = snapshot.get("course", {})
    return {
        "id": f"{settings.LINEAGE_BASE_URL}/achievements/course-{course.get('id')}",
        "name": course.get("title", ""),
        "description": course.get("summary") or course.get("title", ""),
        "criteria": criteria_narrative(snapshot) if snapshot.get("steps") is not None else "",
        "skills": list(credential.skills),
        "course_code": course.get("code", ""),
        "edition": snapshot.get("edition", ""),
        "estimated_hours": course.get("estimated_hours"),
        "outcomes": [str(o) for o in snapshot.get("outcomes", [])],
        "steps": [
            {
                **{
                    k: step[k]
                    for k in ("title", "type", "revision_id", "pass_mark", "score")
                    if k in step
                },
                "kind": _step_kind(step.get("type", "")),
            }
            for step in snapshot.get("steps", [])
        ],
    }


def holder_for(credential: Credential) -> dict[str, Any]:
    """The holder as they allow: a name only with ``full`` visibility."""
    if credential.visibility == Credential.Visibility.FULL and credential.printed_name:
        return {"name": credential.printed_name}
    return {}


def issuer_for(keys: IssuerKeys, document: dict[str, Any] | None) -> dict[str, Any]:
    method = _verification_method(document) if document else None
    return {
        "name": settings.LINEAGE_ISSUER_NAME,
        "domain": issuer_domain(),
        "id": _issuer_id(document) if document else None,
        "verification_method": method,
        "key_check": keys.key_check_description(method) if method else "",
    }


def badge_is_publishable(credential: Credential) -> bool:
    """Whether the signed badge may be served publicly: it identifies the holder only if allowed.

    Without the name, the subject may carry no identifier at all: not the name (a badge
    signed while they showed it), nor an email hash with its salt (badges signed before
    issue 12), which lets anyone confirm a guessed address. New badges carry neither.
    """
    if not credential.badge or credential.visibility == Credential.Visibility.OFF:
        return False
    if credential.visibility == Credential.Visibility.FULL:
        return True
    return not credential.badge.get("credentialSubject", {}).get("identifier")
