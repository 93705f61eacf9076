"""Open Badges 3.0 ``OpenBadgeCredential`` documents built from plain data (no Django).

Every property emitted here is defined by the VC v2 or OB 3.0.3 context (checked by the tests
with :func:`credentials.data_integrity.assert_terms_defined`) and the signed result validates
against the official 1EdTech AchievementCredential JSON Schema.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from .jsonld_loader import JSONLD_DIR, OB_V3P0_CONTEXT_URL, VC_V2_CONTEXT_URL

OB3_CONTEXT = [VC_V2_CONTEXT_URL, OB_V3P0_CONTEXT_URL]
SCHEMA_FILE = JSONLD_DIR / "achievementcredential.schema.json"

_SUBJECT_ID = re.compile(
    r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)


def format_datetime_z(value: datetime) -> str:
    """Format an aware datetime as ISO 8601 UTC with a ``Z`` suffix, whole seconds.

    Naive datetimes are refused: a credential's validity must not depend on server time zone.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware: {value!r}")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def opaque_subject_id(random_hex: str) -> str:
    """The subject's ``id``: a ``urn:uuid`` made from 128 random bits of this one credential.

    Never derived from the person (no email hash, no account id): a third party can't tie a
    credential shown without a name to an email address, nor two credentials to each other.
    """
    return f"urn:uuid:{uuid.UUID(hex=random_hex, version=4)}"


@dataclass(frozen=True)
class AchievementCredentialData:
    """Everything needed to build one unsigned OpenBadgeCredential.

    ``subject_id`` is an opaque ``urn:uuid`` (see :func:`opaque_subject_id`): OB 3.0 asks for
    the subject's ``id`` or an ``identifier``, and no email-derived identifier is published.
    ``subject_name`` is published in clear text and must only be set when the learner
    consented. ``skills`` become the achievement's ``tag`` keywords. ``image`` is the
    achievement image URL.
    """

    credential_id: str
    issuer_id: str
    issuer_name: str
    issuer_url: str
    achievement_id: str
    achievement_name: str
    achievement_description: str
    criteria_narrative: str
    subject_id: str
    valid_from: datetime
    status_list_credential_url: str
    status_list_index: int
    issuer_email: str | None = None
    achievement_version: str | None = None
    skills: tuple[str, ...] = field(default_factory=tuple)
    subject_name: str | None = None
    valid_until: datetime | None = None
    image: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "skills", tuple(self.skills))
        if not _SUBJECT_ID.match(self.subject_id):
            raise ValueError("subject_id must be an opaque 'urn:uuid:' (a version 4 UUID)")
        if isinstance(self.status_list_index, bool) or self.status_list_index < 0:
            raise ValueError("status_list_index must be a non-negative integer")
        format_datetime_z(self.valid_from)
        if self.valid_until is not None:
            format_datetime_z(self.valid_until)
            if self.valid_until <= self.valid_from:
                raise ValueError("valid_until must be after valid_from")


def build_status_entry(status_list_credential_url: str, index: int) -> dict[str, Any]:
    """Return a revocation ``BitstringStatusListEntry`` pointing at one bit of a status list."""
    return {
        "id": f"{status_list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": status_list_credential_url,
    }


def _subject(data: AchievementCredentialData) -> dict[str, Any]:
    subject: dict[str, Any] = {"id": data.subject_id, "type": ["AchievementSubject"]}
    if data.subject_name:
        # AchievementSubject has no name property; OB 3.0 carries names as identityType "name".
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "hashed": False,
                "identityHash": data.subject_name,
                "identityType": "name",
            }
        ]
    subject["achievement"] = _achievement(data)
    return subject


def _achievement(data: AchievementCredentialData) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": data.achievement_id,
        "type": ["Achievement"],
        "name": data.achievement_name,
        "description": data.achievement_description,
        "criteria": {"narrative": data.criteria_narrative},
    }
    if data.achievement_version:
        achievement["version"] = data.achievement_version
    if data.skills:
        # Not alignment: the schema requires a targetUrl and has no "ceterms:Skill" targetType.
        achievement["tag"] = list(data.skills)
    if data.image:
        achievement["image"] = {"id": data.image, "type": "Image"}
    return achievement


def build_achievement_credential(data: AchievementCredentialData) -> dict[str, Any]:
    """Build the unsigned OB 3.0 ``OpenBadgeCredential`` for ``data``.

    Sign the result with :func:`credentials.data_integrity.sign_eddsa_rdfc_2022`.
    """
    issuer: dict[str, Any] = {
        "id": data.issuer_id,
        "type": ["Profile"],
        "name": data.issuer_name,
        "url": data.issuer_url,
    }
    if data.issuer_email:
        issuer["email"] = data.issuer_email
    credential: dict[str, Any] = {
        "@context": list(OB3_CONTEXT),
        "id": data.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": format_datetime_z(data.valid_from),
    }
    if data.valid_until is not None:
        credential["validUntil"] = format_datetime_z(data.valid_until)
    credential["name"] = data.achievement_name
    credential["credentialSubject"] = _subject(data)
    credential["credentialStatus"] = build_status_entry(
        data.status_list_credential_url, data.status_list_index
    )
    return credential


@cache
def _schema() -> dict[str, Any]:
    with open(SCHEMA_FILE, encoding="utf-8") as fh:
        return json.load(fh)


def achievement_credential_schema() -> dict[str, Any]:
    """Return (a copy of) the bundled 1EdTech AchievementCredential JSON Schema (draft 2019-09)."""
    return copy.deepcopy(_schema())
