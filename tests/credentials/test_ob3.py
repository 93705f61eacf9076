"""OB 3.0 OpenBadgeCredential builder: context coverage, official schema, signature coverage."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone

import pytest

from credentials import data_integrity as di
from credentials.keys import resolve_verification_method
from credentials.ob3 import (
    achievement_credential_schema,
    build_achievement_credential,
    format_datetime_z,
    opaque_subject_id,
)
from tests.credentials import (
    CREATED,
    TEST_KEY,
    TEST_VM,
    conformance_json,
    get_path,
    leaf_paths,
    mutated,
    sample_data,
    schema_validator,
    set_path,
)


def sign(document: dict) -> dict:
    return di.sign_eddsa_rdfc_2022(
        document, private_key=TEST_KEY, verification_method=TEST_VM, created=CREATED
    )


def verify(document: dict) -> di.VerificationResult:
    return di.verify_eddsa_rdfc_2022(document, resolve_key=resolve_verification_method)


# Built and signed at import so the tamper tests can be parametrised per path.
SIGNED = sign(build_achievement_credential(sample_data()))
LEAF_PATHS = [p for p in leaf_paths(SIGNED) if p[0] != "proof"]
KEY_PATHS = sorted(
    {p[: i + 1] for p in LEAF_PATHS for i in range(len(p)) if isinstance(p[i], str)}, key=str
)


def path_id(path: tuple) -> str:
    return ".".join(str(part) for part in path)


def minimal_data():
    return sample_data(
        issuer_email=None,
        achievement_version=None,
        skills=(),
        subject_name=None,
        valid_until=None,
        image=None,
    )


# --- shape ------------------------------------------------------------------------------------


def test_credential_shape():
    credential = build_achievement_credential(sample_data())
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["id"] == "https://lineage.example/credentials/8f3b2c1d"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": TEST_VM.split("#")[0],
        "type": ["Profile"],
        "name": "Lineage Academy",
        "url": "https://lineage.example/",
        "email": "badges@lineage.example",
    }
    assert credential["validFrom"] == "2025-03-01T12:00:00Z"
    assert credential["validUntil"] == "2030-03-01T12:00:00Z"
    assert credential["name"] == "Python Basics"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["id"] == "urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427"
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": "Ada Lovelace",
            "identityType": "name",
        },
    ]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["criteria"]["narrative"].startswith("- Lesson *Variables* (revision 12)")
    assert achievement["version"] == "2025 spring edition"
    assert achievement["tag"] == ["Python", "Control flow"]
    assert achievement["image"] == {
        "id": "https://lineage.example/media/badges/python-basics.png",
        "type": "Image",
    }
    assert credential["credentialStatus"] == {
        "id": "https://lineage.example/credentials/status/1#4711",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "4711",
        "statusListCredential": "https://lineage.example/credentials/status/1",
    }


def test_optional_fields_are_omitted():
    credential = build_achievement_credential(minimal_data())
    assert "validUntil" not in credential
    assert "email" not in credential["issuer"]
    # Without the name the subject is an opaque id and the achievement, nothing else.
    assert credential["credentialSubject"].keys() == {"id", "type", "achievement"}
    achievement = credential["credentialSubject"]["achievement"]
    assert not {"version", "tag", "image", "alignment"} & achievement.keys()


def test_the_subject_id_is_an_opaque_version_4_uuid_of_the_credentials_random_bits():
    assert opaque_subject_id("0" * 32) == "urn:uuid:00000000-0000-4000-8000-000000000000"
    subject_id = opaque_subject_id("f" * 32)
    assert subject_id == "urn:uuid:ffffffff-ffff-4fff-bfff-ffffffffffff"
    sample_data(subject_id=subject_id)  # accepted as it is


def test_datetimes_are_utc_with_z():
    plus_two = timezone(timedelta(hours=2))
    assert format_datetime_z(datetime(2025, 1, 1, 2, 0, 0, 123456, plus_two)) == (
        "2025-01-01T00:00:00Z"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        format_datetime_z(datetime(2025, 1, 1))


@pytest.mark.parametrize(
    "overrides",
    [
        {"valid_from": datetime(2025, 1, 1)},
        {"valid_until": datetime(2020, 1, 1, tzinfo=UTC)},
        {"status_list_index": -1},
        {"subject_id": "learner@example.com"},
        {"subject_id": "sha256$" + "0" * 64},
        {"subject_id": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"},
    ],
    ids=[
        "naive-valid-from",
        "until-before-from",
        "negative-index",
        "plain-email",
        "email-hash",
        "time-based-uuid",
    ],
)
def test_invalid_input_is_refused(overrides):
    with pytest.raises(ValueError):
        sample_data(**overrides)


# --- JSON-LD and schema -----------------------------------------------------------------------


@pytest.mark.parametrize("factory", [sample_data, minimal_data], ids=["full", "minimal"])
def test_every_property_survives_expansion(factory):
    di.assert_terms_defined(build_achievement_credential(factory()))


@pytest.mark.parametrize("factory", [sample_data, minimal_data], ids=["full", "minimal"])
def test_signed_credential_validates_against_the_conformance_schema(factory):
    validator = schema_validator(conformance_json("ob3", "schema", "achievementcredential.json"))
    signed = sign(build_achievement_credential(factory()))
    assert [e.message for e in validator.iter_errors(signed)] == []
    assert verify(signed).ok


@pytest.mark.parametrize("factory", [sample_data, minimal_data], ids=["full", "minimal"])
def test_signed_credential_validates_against_the_bundled_schema(factory):
    validator = schema_validator(achievement_credential_schema())
    signed = sign(build_achievement_credential(factory()))
    assert [e.message for e in validator.iter_errors(signed)] == []


def test_bundled_schema_is_the_official_one():
    official = conformance_json("ob3", "schema", "achievementcredential.json")
    assert achievement_credential_schema() == official


def test_schema_rejects_what_the_notes_warn_about():
    validator = schema_validator(achievement_credential_schema())
    signed = copy.deepcopy(SIGNED)
    signed["validFrom"] = "2025-02-30T00:00:00Z"
    assert not validator.is_valid(signed)
    del signed["credentialStatus"]["id"]
    signed["validFrom"] = "2025-03-01T12:00:00Z"
    assert not validator.is_valid(signed)


# --- signature coverage -----------------------------------------------------------------------


def test_signed_credential_verifies():
    assert verify(SIGNED) == di.VerificationResult(True, "")


def test_tamper_paths_cover_the_whole_credential():
    assert len(LEAF_PATHS) >= 34  # every field of the fully populated sample
    assert ("credentialSubject", "id") in LEAF_PATHS
    assert ("credentialSubject", "identifier", 0, "hashed") in LEAF_PATHS
    assert ("credentialStatus", "statusListIndex") in LEAF_PATHS


@pytest.mark.parametrize("path", LEAF_PATHS, ids=path_id)
def test_changing_any_field_breaks_verification(path):
    tampered = copy.deepcopy(SIGNED)
    set_path(tampered, path, mutated(get_path(SIGNED, path)))
    assert not verify(tampered).ok


@pytest.mark.parametrize("path", KEY_PATHS, ids=path_id)
def test_removing_any_property_breaks_verification(path):
    tampered = copy.deepcopy(SIGNED)
    del get_path(tampered, path[:-1])[path[-1]]
    assert not verify(tampered).ok


def test_adding_an_undefined_property_makes_signing_raise():
    credential = build_achievement_credential(sample_data())
    credential["credentialSubject"]["foo"] = "bar"
    with pytest.raises(di.UndefinedTermError, match=r"credentialSubject\.foo"):
        sign(credential)
