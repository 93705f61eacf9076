"""A credential shown without a name can't be tied to an email address (issue 12, finding 7).

Badges used to identify their subject by ``sha256(email + salt)`` and publish the salt, so
anyone could confirm a guessed address against the public ``credential.json``. New badges
identify the subject by an opaque ``urn:uuid`` of the credential's own random bits. Badges
already signed with the email hash keep verifying (their signature covers it), but their
public JSON is withheld while the holder hides their name.
"""

import hashlib
import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from credentials import services
from credentials.data_integrity import sign_eddsa_rdfc_2022
from credentials.issuer import active_signing_key
from credentials.models import Credential
from credentials.verification import verify_json, verify_pdf
from tests.credentials import conformance_json, schema_validator
from tests.verification_support import HOLDER_NAME, issue, pdf_of  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def strings_in(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {s for value in node.values() for s in strings_in(value)}
    if isinstance(node, list):
        return {s for value in node for s in strings_in(value)}
    return {node} if isinstance(node, str) else set()


def confirms_email(document: dict, email: str) -> bool:
    """Whether a third party holding ``document`` can confirm ``email`` by hashing it.

    Tries every string in the document as the salt (and none), as a verifier guessing the
    holder's address would, in the OB 3.0 IdentityHash form and as a bare hex digest.
    """
    strings = strings_in(document)
    for address in {email, email.lower()}:
        for salt in strings | {""}:
            digest = hashlib.sha256((address + salt).encode()).hexdigest()
            if digest in strings or f"sha256${digest}" in strings:
                return True
    return False


def public_json(client, credential: Credential):
    return client.get(reverse("verification:credential_json", args=[credential.public_id]))


@pytest.mark.parametrize("visibility", ["achievement", "full"])
def test_a_new_credential_cannot_be_tied_to_the_holders_email(
    client,
    learner,
    issue,  # noqa: F811
    visibility,
):
    credential = issue(visibility=visibility)
    response = public_json(client, credential)
    assert response.status_code == 200
    badge = response.json()
    assert not confirms_email(badge, learner.email)
    assert learner.email not in response.content.decode()
    assert "salt" not in strings_in(badge) and "emailAddress" not in strings_in(badge)
    subject = badge["credentialSubject"]
    assert subject["id"].startswith("urn:uuid:")
    assert (HOLDER_NAME in response.content.decode()) == (visibility == "full")
    # Nor the PDF the holder hands over (it carries the same signed badge).
    assert not confirms_email(json.loads(json.dumps(credential.badge)), learner.email)
    # Each credential has its own subject id: two of them are not linked to each other.
    assert issue(visibility=visibility).badge["credentialSubject"]["id"] != subject["id"]
    # Still an OB 3.0 credential by the official schema, and it verifies.
    validator = schema_validator(conformance_json("ob3", "schema", "achievementcredential.json"))
    assert [error.message for error in validator.iter_errors(badge)] == []
    assert verify_json(response.content).valid
    assert verify_pdf(pdf_of(credential)).valid


def sign_as_before_the_fix(credential: Credential, email: str) -> dict:
    """Re-sign the credential's badge as it was signed before: the email hash and its salt."""
    badge = json.loads(json.dumps(credential.badge))
    badge.pop("proof")
    subject = badge["credentialSubject"]
    salt = credential.subject_salt
    digest = hashlib.sha256((email.lower() + salt).encode()).hexdigest()
    old_identity = {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "salt": salt,
    }
    names = [i for i in subject.get("identifier", []) if i["identityType"] == "name"]
    subject["identifier"] = [old_identity, *names]
    badge["credentialSubject"] = {  # no "id": the subject was the email hash alone
        "type": subject["type"],
        "identifier": subject["identifier"],
        "achievement": subject["achievement"],
    }
    key = active_signing_key()
    signed = sign_eddsa_rdfc_2022(
        badge,
        private_key=key.private_key,
        verification_method=key.verification_method,
        created=datetime(2026, 1, 5, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    Credential.objects.filter(pk=credential.pk).update(badge=signed)
    credential.refresh_from_db()
    return signed


def test_an_email_hash_badge_keeps_verifying_but_is_withheld_without_the_name(
    client,
    learner,
    issue,  # noqa: F811
):
    credential = issue(visibility="achievement")
    old = sign_as_before_the_fix(credential, learner.email)
    assert confirms_email(old, learner.email)  # what finding 7 is about

    withheld = public_json(client, credential)
    assert withheld.status_code == 404 and withheld.json() == {"status": "not_found"}
    api = client.get(reverse("verification:api_credential", args=[credential.public_id]))
    assert api.status_code == 200 and api.json()["status"] == "valid"
    assert not confirms_email(api.json(), learner.email)
    page = client.get(credential.verify_path)
    assert page.status_code == 200
    assert not confirms_email({"page": page.content.decode()}, learner.email)
    assert "credential.json" not in page.content.decode()  # no link to a withheld file
    assert "The signed credential identifies its holder" in page.content.decode()
    assert verify_json(json.dumps(old).encode()).valid  # the holder's own copy still verifies

    # The holder shows their name: the signed badge (name and email hash) is theirs to publish.
    services.credential_visibility_set(credential=credential, visibility="full")
    assert public_json(client, credential).json() == old
    services.credential_visibility_set(credential=credential, visibility="off")
    assert public_json(client, credential).status_code == 404
