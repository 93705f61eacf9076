"""Issuer keys: published without private material, rotated without breaking old credentials."""

import base64
import io
import stat
from pathlib import Path

import base58
import pytest
from cryptography.hazmat.primitives import serialization
from django.core.cache import cache
from django.core.management import call_command

from courses import services as course_services
from courses.models import LessonPage
from credentials import status
from credentials.data_integrity import verify_eddsa_rdfc_2022
from credentials.issuer import (
    did_document,
    issuer_domain,
    published_did_documents,
    reset_issuer_caches,
)
from credentials.keys import did_web_for, resolve_verification_method
from credentials.models import Credential, IssuerKey
from credentials.rendering import STATUS_LIST_PATH

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def issuer_in_tmp(settings, tmp_path):
    """Fresh keys in a scratch directory, and a status-list cache nobody else filled."""
    settings.LINEAGE_KEY_DIR = str(tmp_path / "keys")
    reset_issuer_caches()
    cache.delete(status.GENERATION_KEY)
    yield
    reset_issuer_caches()
    cache.delete(status.GENERATION_KEY)


@pytest.fixture
def complete_course(make_course, learner, django_capture_on_commit_callbacks):
    """Complete a new course as ``learner``; return the issued credential."""

    def run(title) -> Credential:
        course = make_course(title, lessons=1)
        course_services.enrollment_create(user=learner, course=course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in LessonPage.objects.child_of(course).order_by("path"):
                course_services.step_complete(user=learner, step=lesson)
        return Credential.objects.get(course=course, status="issued")

    return run


@pytest.fixture
def rotate(django_capture_on_commit_callbacks):
    def run() -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("issuer_key_rotate", stdout=out, stderr=err)
        return out.getvalue().strip(), err.getvalue()

    return run


def resolve_published(vm):
    """did:key from the identifier itself; did:web only through the published document."""
    return resolve_verification_method(vm, did_web_documents=published_did_documents())


def verification_method(credential) -> str:
    return credential.badge["proof"][0]["verificationMethod"]


def test_rotation_creates_a_key_and_retires_the_old_one(complete_course, rotate, settings):
    complete_course("Before rotation")  # the first key is created on first use
    old = IssuerKey.objects.get()
    new_id, notes = rotate()
    old.refresh_from_db()
    new = IssuerKey.objects.get(retired_at__isnull=True)
    assert new_id == new.key_id != old.key_id
    assert old.retired_at is not None
    assert f"Retired {old.key_id}" in notes
    key_file = Path(settings.LINEAGE_KEY_DIR) / f"ed25519-{new.key_id}.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_rotation_works_with_no_key_yet(rotate):
    new_id, notes = rotate()
    assert IssuerKey.objects.get().key_id == new_id
    assert "Retired" not in notes


@pytest.mark.parametrize("method", ["key", "web"])
def test_credentials_verify_across_a_rotation(method, complete_course, rotate, settings, client):
    settings.LINEAGE_ISSUER_DID_METHOD = method
    before = complete_course("Signed with the first key")
    old_key = IssuerKey.objects.get()

    new_id, _ = rotate()
    after = complete_course("Signed with the second key")

    old_vm, new_vm = verification_method(before), verification_method(after)
    assert old_vm != new_vm
    if method == "web":
        assert old_vm.endswith(f"#{old_key.key_id}") and new_vm.endswith(f"#{new_id}")
        assert before.badge["issuer"]["id"] == old_vm.split("#")[0] == did_web_for(issuer_domain())
    else:
        assert old_vm.startswith(f"did:key:{old_key.public_multibase}#")
        assert new_vm.startswith("did:key:") and old_key.public_multibase not in new_vm
    for credential in (before, after):
        result = verify_eddsa_rdfc_2022(credential.badge, resolve_key=resolve_published)
        assert result.ok, result.reason

    # Both keys stay on the public key list, with the ids credentials use.
    listed = client.get("/credentials/issuer/keys.json").json()["keys"]
    assert [k["id"] for k in listed] == [old_key.key_id, new_id]
    assert listed[0]["retired"] is not None and listed[1]["retired"] is None
    assert old_vm == listed[0]["verificationMethod"][f"did:{method}"]
    assert new_vm == listed[1]["verificationMethod"][f"did:{method}"]

    # The status list is re-signed with the new key after the rotation.
    status_proof = client.get(STATUS_LIST_PATH).json()["proof"][0]
    assert status_proof["verificationMethod"] == new_vm


def test_did_web_document_is_served_with_every_key(complete_course, rotate, settings, client):
    settings.LINEAGE_ISSUER_DID_METHOD = "web"
    before = complete_course("Web issuer")
    rotate()
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document == did_document()
    assert len(document["verificationMethod"]) == 2
    assert len(document["assertionMethod"]) == 1  # only the active key signs new ones
    # A verifier holding only the served document can check the older credential.
    served = {document["id"]: document}
    result = verify_eddsa_rdfc_2022(
        before.badge,
        resolve_key=lambda vm: resolve_verification_method(vm, did_web_documents=served),
    )
    assert result.ok, result.reason


def test_did_json_is_absent_for_a_did_key_issuer(settings, client, rotate):
    settings.LINEAGE_ISSUER_DID_METHOD = "key"
    rotate()
    assert client.get("/.well-known/did.json").status_code == 404


def private_key_forms(key_file: Path) -> list[bytes]:
    """The private key as it could leak: PEM, DER, raw, hex, base64, base58, multibase."""
    pem = key_file.read_bytes()
    private = serialization.load_pem_private_key(pem, password=None)
    raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pem_body = b"".join(pem.splitlines()[1:-1])
    ed25519_private_multicodec = b"\x80\x26"  # varint of 0x1300, "ed25519-priv"
    return [
        pem,
        pem_body,
        der,
        raw,
        raw.hex().encode(),
        raw.hex().upper().encode(),
        base64.b64encode(raw).rstrip(b"="),
        base64.urlsafe_b64encode(raw).rstrip(b"="),
        base58.b58encode(raw),
        b"z" + base58.b58encode(ed25519_private_multicodec + raw),
        b"z" + base58.b58encode(raw),
    ]


@pytest.mark.parametrize("method", ["key", "web"])
def test_published_keys_never_include_private_material(method, settings, client, rotate):
    settings.LINEAGE_ISSUER_DID_METHOD = method
    rotate()
    rotate()
    key_files = sorted(Path(settings.LINEAGE_KEY_DIR).glob("ed25519-*.pem"))
    assert len(key_files) == 2
    responses = [client.get("/credentials/issuer/keys.json"), client.get(STATUS_LIST_PATH)]
    if method == "web":
        responses.append(client.get("/.well-known/did.json"))
    for response in responses:
        assert response.status_code == 200
        body = response.content
        for key_file in key_files:
            for form in private_key_forms(key_file):
                assert form not in body, f"{response.request['PATH_INFO']} leaks a private key"


def test_key_listing_names_both_verification_methods(client, rotate):
    new_id, _ = rotate()
    response = client.get("/credentials/issuer/keys.json")
    assert response["Content-Type"] == "application/json"
    listing = response.json()
    (key,) = listing["keys"]
    public_multibase = IssuerKey.objects.get().public_multibase
    assert key["id"] == new_id
    assert key["type"] == "Multikey"
    assert key["publicKeyMultibase"] == public_multibase
    assert key["verificationMethod"] == {
        "did:key": f"did:key:{public_multibase}#{public_multibase}",
        "did:web": f"{did_web_for(issuer_domain())}#{new_id}",
    }
    assert listing["statusList"].endswith(STATUS_LIST_PATH)
