"""An issued credential's two artefacts, checked the way a verifier would.

The certificate PDF: its QR code scans to the verification URL; poppler and pyHanko accept its
signature and pyHanko rejects a changed byte or an appended update. The Open Badges JSON it
carries: equal to the stored badge, valid against the OB 3.0 schema, and its proof breaks when
any field changes. Debian tools (poppler-utils, zbar-tools) missing: skip locally, fail on CI.
"""

import copy
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from jsonschema import Draft201909Validator, FormatChecker
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from courses import services as course_services
from courses.models import LessonPage
from credentials import status
from credentials.data_integrity import verify_eddsa_rdfc_2022
from credentials.issuer import pdf_trust_roots, published_did_documents, reset_issuer_caches
from credentials.keys import resolve_verification_method
from credentials.models import Credential
from credentials.pdf_signing import read_embedded_credential, validate_signed_pdf
from credentials.rendering import BADGE_FILENAME
from credentials.storage import private_storage
from tests.conformance import conformance_path

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(__file__).resolve().parents[1] / (
    "credentials/jsonld/achievementcredential.schema.json"
)


def require_tool(name: str) -> str:
    """Path of a Debian tool; skip locally if missing, but fail on CI (CI=true)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install poppler-utils zbar-tools)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def issuer_in_tmp(settings, tmp_path):
    settings.LINEAGE_KEY_DIR = str(tmp_path / "keys")
    reset_issuer_caches()
    cache.delete(status.GENERATION_KEY)
    yield
    reset_issuer_caches()
    cache.delete(status.GENERATION_KEY)


@pytest.fixture
def credential(make_course, learner, django_capture_on_commit_callbacks) -> Credential:
    course = make_course("Colour grading for documentary", lessons=1, skills=("grading",))
    course_services.enrollment_create(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in LessonPage.objects.child_of(course).order_by("path"):
            course_services.step_complete(user=learner, step=lesson)
    return Credential.objects.get(user=learner, status="issued")


@pytest.fixture
def pdf(credential) -> bytes:
    with private_storage().open(credential.pdf.name) as stored:
        return stored.read()


@pytest.fixture
def pdf_file(pdf, tmp_path) -> Path:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return path


def run(*command, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, timeout=60, check=False)


def pdfsig_report(path: Path) -> str:
    pdfsig = require_tool("pdfsig")
    return run(pdfsig, "-nocert", str(path), cwd=path.parent).stdout.decode()


def authentic(pdf_bytes: bytes):
    return validate_signed_pdf(pdf_bytes, trust_roots=pdf_trust_roots())


# --- The PDF --------------------------------------------------------------------------------


def test_qr_code_decodes_to_the_verification_url(credential, pdf_file):
    pdftoppm, zbarimg = require_tool("pdftoppm"), require_tool("zbarimg")
    work = pdf_file.parent
    rendered = run(pdftoppm, "-png", "-r", "150", "-singlefile", str(pdf_file), "page", cwd=work)
    assert rendered.returncode == 0, rendered.stderr
    # zbarimg prints harmless D-Bus errors on stderr: only stdout matters.
    scanned = run(zbarimg, "--quiet", "--raw", str(work / "page.png"), cwd=work)
    assert scanned.returncode == 0, scanned.stderr
    assert scanned.stdout.decode().strip() == credential.verify_url
    assert credential.verify_url.endswith(f"/verify/{credential.public_id}/")


def test_signature_is_valid_for_poppler_and_authentic_for_pyhanko(pdf, pdf_file):
    report = pdfsig_report(pdf_file)
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    result = authentic(pdf)
    assert result.authentic and result.trusted and result.covers_whole_file, result.problems


def test_a_flipped_byte_is_not_authentic(pdf, credential):
    index = pdf.index(f"credential id {credential.public_id}".encode())  # signed /Keywords
    tampered = bytearray(pdf)
    tampered[index] ^= 0x01
    result = authentic(bytes(tampered))
    assert not result.authentic and not result.intact


def test_an_appended_incremental_update_is_not_authentic(pdf, tmp_path):
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"]
    info[generic.pdf_name("/LineageCredentialId")] = generic.TextStringObject("FORGED")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()

    assert read_embedded_credential(updated)[0] == "FORGED"  # a reader sees the forgery
    result = authentic(updated)
    assert not result.authentic and result.modified_after_signing
    # poppler still calls the signature valid and only mentions the extension, which is
    # why verification relies on pyHanko's difference analysis, never on pdfsig alone.
    path = tmp_path / "updated.pdf"
    path.write_bytes(updated)
    assert "Total document signed" not in pdfsig_report(path)


# --- The Open Badges JSON inside it ---------------------------------------------------------


def embedded_badge(pdf: bytes) -> tuple[str, dict]:
    embedded_id, files = read_embedded_credential(pdf)
    assert BADGE_FILENAME in files
    return embedded_id, json.loads(files[BADGE_FILENAME])


def schema_errors(schema: dict, document: dict) -> list[str]:
    validator = Draft201909Validator(schema, format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_embedded_json_is_the_stored_badge_and_valid_ob3(pdf, credential):
    embedded_id, badge = embedded_badge(pdf)
    assert embedded_id == credential.public_id
    assert badge == credential.badge
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema_errors(schema, badge) == []


def test_embedded_json_is_valid_against_the_conformance_schema(pdf):
    schema_path = conformance_path("ob3", "schema", "achievementcredential.json")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert schema_errors(schema, embedded_badge(pdf)[1]) == []


def resolve(vm):
    return resolve_verification_method(vm, did_web_documents=published_did_documents())


def _set(document: dict, path: tuple, value) -> None:
    *parents, last = path
    for part in parents:
        document = document[part]
    document[last] = value


TAMPERING = {
    "course title": (("credentialSubject", "achievement", "name"), "Something else"),
    "criteria": (("credentialSubject", "achievement", "criteria", "narrative"), "Nothing"),
    "holder id": (("credentialSubject", "id"), "urn:uuid:00000000-0000-4000-8000-000000000000"),
    "issuer name": (("issuer", "name"), "Another issuer"),
    "valid from": (("validFrom",), "2020-01-01T00:00:00Z"),
    "status index": (("credentialStatus", "statusListIndex"), "99999"),
    "skills": (("credentialSubject", "achievement", "tag"), ["grading", "forgery"]),
}


@pytest.mark.parametrize("path, value", TAMPERING.values(), ids=TAMPERING.keys())
def test_changing_a_field_of_the_badge_breaks_its_proof(credential, path, value):
    assert verify_eddsa_rdfc_2022(credential.badge, resolve_key=resolve).ok
    tampered = copy.deepcopy(credential.badge)
    _set(tampered, path, value)
    assert tampered != credential.badge
    result = verify_eddsa_rdfc_2022(tampered, resolve_key=resolve)
    assert not result.ok and result.reason == "signature does not match"
