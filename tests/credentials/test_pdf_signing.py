"""PAdES signing and strict verification of certificate PDFs (plain pytest, no database).

poppler's pdfsig is used as an independent checker: missing locally → skip, on CI → fail.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from credentials.pdf import CertificateData, render_certificate_pdf
from credentials.pdf_signing import (
    PdfSigningIdentity,
    ensure_dev_pki,
    load_pdf_signer,
    read_embedded_credential,
    sign_pdf,
    validate_signed_pdf,
)

DATA = CertificateData(
    credential_id="LNG-7K3Q-9XWD-2M4P",
    learner_name="山田 花子",
    course_title="Colour Grading for Documentary Film",
    skills=("Colour grading",),
    hours=Decimal("12"),
    issued_on=date(2026, 11, 20),
    expires_on=None,
    issuer_name="Lineage Academy",
    verify_url="https://lineage.example/verify/LNG-7K3Q-9XWD-2M4P/",
    short_verify_url="lineage.example/verify/LNG-7K3Q-9XWD-2M4P",
    edition="Edition 12 · 2026-11-20",
)
BADGE = b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:1"}'
CHANGED = "The file was changed after it was signed."


def require_tool(name: str) -> str:
    """Path of a Debian tool; skip locally if missing, but fail on CI (CI=true)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install poppler-utils qpdf)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@dataclass
class Pki:
    directory: Path
    identity: PdfSigningIdentity
    root: x509.Certificate


def _pki(directory: Path, issuer: str) -> Pki:
    key, cert, ca = ensure_dev_pki(directory, issuer_name=issuer)
    root = x509.load_pem_x509_certificate(ca.read_bytes())
    return Pki(directory, load_pdf_signer(key, cert, [ca]), root)


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    return _pki(tmp_path_factory.mktemp("pki"), "Lineage Academy")


@pytest.fixture(scope="session")
def rogue(tmp_path_factory) -> Pki:
    return _pki(tmp_path_factory.mktemp("rogue-pki"), "Lineage Academy")  # same names, other CA


@pytest.fixture(scope="session")
def unsigned() -> bytes:
    return render_certificate_pdf(DATA, attachments={"open-badge-credential.json": BADGE})


@pytest.fixture(scope="session")
def signed(unsigned, pki) -> bytes:
    return sign_pdf(unsigned, pki.identity)


def _validate(pdf: bytes, pki: Pki):
    return validate_signed_pdf(pdf, trust_roots=[pki.root])


def _append_update(pdf: bytes, change) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_genuine_file_is_authentic(signed, pki):
    result = _validate(signed, pki)
    assert result.authentic and result.intact and result.trusted and result.covers_whole_file
    assert not result.modified_after_signing
    assert result.problems == []
    assert "Lineage Academy" in result.signer_subject


def test_embedded_credential_survives_signing(signed):
    assert read_embedded_credential(signed) == (
        DATA.credential_id,
        {"open-badge-credential.json": BADGE},
    )


def test_trust_roots_may_be_asn1crypto_certificates(signed, pki):
    root = asn1_x509.Certificate.load(pki.root.public_bytes(Encoding.DER))
    assert validate_signed_pdf(signed, trust_roots=[root]).authentic


def test_flipped_byte_in_signed_content_is_rejected(signed, pki):
    index = signed.index(b"credential id")  # inside the signed /Keywords string
    tampered = bytearray(signed)
    tampered[index] ^= 0x01
    result = _validate(bytes(tampered), pki)
    assert not result.authentic and not result.intact
    assert any(CHANGED.rstrip(".") in p for p in result.problems), result.problems


def _change_info(writer):
    info = writer.trailer["/Info"]
    info[generic.pdf_name("/LineageCredentialId")] = generic.TextStringObject("LNG-FORGED")
    writer.update_container(info)


def _add_annotation(writer):
    page = writer.root["/Pages"]["/Kids"][0]
    annot = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                map(generic.NumberObject, (0, 0, 20, 20))
            ),
            generic.pdf_name("/Contents"): generic.TextStringObject("Grade: A+"),
        }
    )
    page[generic.pdf_name("/Annots")] = generic.ArrayObject([writer.add_object(annot)])
    writer.update_container(page)


@pytest.mark.parametrize("change", [_change_info, _add_annotation], ids=["info", "annotation"])
def test_appended_incremental_update_is_rejected(signed, pki, change):
    updated = _append_update(signed, change)
    result = _validate(updated, pki)
    assert not result.authentic
    assert result.intact  # the signed revision itself is untouched ...
    assert not result.covers_whole_file and result.modified_after_signing  # ... but extended
    assert CHANGED in result.problems
    if change is _change_info:  # the reader sees the forged id: only validation protects
        assert read_embedded_credential(updated)[0] == "LNG-FORGED"


def test_appended_bytes_are_rejected(signed, pki):
    result = _validate(signed + b"\n% appended\n", pki)
    assert not result.authentic and not result.covers_whole_file


def test_signature_from_another_ca_is_not_trusted(unsigned, pki, rogue):
    result = _validate(sign_pdf(unsigned, rogue.identity), pki)
    assert result.intact and not result.trusted and not result.authentic
    assert result.problems == ["The signing certificate is not one Lineage issued."]


@pytest.mark.parametrize(
    "payload",
    [b"", b"hello, not a pdf", b"%PDF-1.7\ngarbage", "truncated"],
    ids=["empty", "text", "header-only", "truncated"],
)
def test_unreadable_input_gives_a_clear_problem(payload, signed, pki):
    pdf = signed[: len(signed) // 2] if payload == "truncated" else payload
    result = _validate(pdf, pki)
    assert not result.authentic
    assert result.problems == ["This is not a readable PDF."]
    assert read_embedded_credential(pdf) == (None, {})


def test_unsigned_pdf_is_reported(unsigned, pki):
    result = _validate(unsigned, pki)
    assert not result.authentic and result.problems == ["This file is not signed."]


def _contents_hole(pdf: bytes) -> range:
    """Byte offsets of the signature's /Contents value: by design the only unsigned bytes."""
    match = re.search(rb"/ByteRange \[\s*0 (\d+) (\d+) \d+\s*\]", pdf)
    return range(int(match[1]), int(match[2]))


def test_random_damage_never_raises_and_is_never_authentic(signed, pki):
    hole = _contents_hole(signed)
    rng = random.Random(20261120)
    for case in range(60):
        damaged = bytearray(signed)
        positions = [rng.randrange(len(damaged)) for _ in range(rng.choice((1, 4, 32)))]
        for position in positions:
            damaged[position] = rng.randrange(256)
        if case % 3 == 0:
            damaged = damaged[: rng.randrange(len(damaged))]
        result = _validate(bytes(damaged), pki)
        read_embedded_credential(bytes(damaged))  # must not raise either
        if len(damaged) == len(signed) and all(p in hole for p in positions):
            continue  # zero padding after the CMS inside /Contents is not signed (PDF design)
        if bytes(damaged) != signed:
            assert result.problems and not result.authentic, positions


def test_pdfsig_reports_a_valid_ecdsa_p256_signature(signed, tmp_path):
    pdfsig = require_tool("pdfsig")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    run = {"capture_output": True, "cwd": tmp_path, "timeout": 60}
    out = subprocess.run([pdfsig, "-nocert", str(path)], **run).stdout.decode()
    assert "Signature Field Name: LineageSignature" in out
    assert "Signature Type: ETSI.CAdES.detached" in out
    assert "Total document signed" in out
    assert "Signature Validation: Signature is Valid." in out
    # The CMS pdfsig extracts is ECDSA with SHA-256 over a P-256 key.
    subprocess.run([pdfsig, "-dump", str(path)], check=True, **run)
    dumped = next(tmp_path.glob("signed.pdf.sig*"))
    signed_data = cms.ContentInfo.load(dumped.read_bytes())["content"]
    signer_info = signed_data["signer_infos"][0]
    assert signer_info["signature_algorithm"].signature_algo == "ecdsa"
    assert signer_info["digest_algorithm"]["algorithm"].native == "sha256"
    cert = x509.load_der_x509_certificate(signed_data["certificates"][0].chosen.dump())
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"


def test_qpdf_finds_no_structural_errors(signed, tmp_path):
    qpdf = require_tool("qpdf")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    done = subprocess.run([qpdf, "--check", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert b"No syntax or stream encoding errors" in done.stdout


def test_dev_pki_is_idempotent_and_private(pki):
    before = {p.name: p.read_bytes() for p in pki.directory.iterdir()}
    ensure_dev_pki(pki.directory, issuer_name="Lineage Academy")
    assert {p.name: p.read_bytes() for p in pki.directory.iterdir()} == before
    for name in ("ca.key.pem", "signing.key.pem"):
        assert stat.S_IMODE((pki.directory / name).stat().st_mode) == 0o600


def test_dev_pki_certificates(pki):
    cert = x509.load_pem_x509_certificate((pki.directory / "signing.cert.pem").read_bytes())
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.issuer == pki.root.subject
    assert pki.root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)


def test_missing_signing_pair_is_reissued_from_the_same_ca(tmp_path):
    key, cert, ca = ensure_dev_pki(tmp_path, issuer_name="Lineage Academy")
    ca_before = ca.read_bytes()
    key.unlink()
    ensure_dev_pki(tmp_path, issuer_name="Lineage Academy")
    assert ca.read_bytes() == ca_before and key.exists()
    identity = load_pdf_signer(key, cert, [ca])  # the new key matches the new certificate
    root = x509.load_pem_x509_certificate(ca_before)
    signed = sign_pdf(render_certificate_pdf(DATA), identity)
    assert validate_signed_pdf(signed, trust_roots=[root]).authentic


def test_key_that_does_not_match_the_certificate_is_refused(pki, rogue):
    with pytest.raises(ValueError, match="not the key"):
        load_pdf_signer(rogue.directory / "signing.key.pem", pki.directory / "signing.cert.pem")


def test_the_signing_identity_is_loaded_once_and_again_when_its_files_change(tmp_path):
    key, cert, ca = ensure_dev_pki(tmp_path, issuer_name="Lineage Academy")
    first = load_pdf_signer(key, cert, [ca])
    assert load_pdf_signer(key, cert, [ca]) is first  # no file read or key parse per signature
    replacement = tmp_path / "replacement"
    new_key, new_cert, new_ca = ensure_dev_pki(replacement, issuer_name="Lineage Academy")
    for new, old in ((new_key, key), (new_cert, cert), (new_ca, ca)):
        old.write_bytes(new.read_bytes())  # an operator replaces the key and certificate
    renewed = load_pdf_signer(key, cert, [ca])
    assert renewed is not first
    reference = load_pdf_signer(new_key, new_cert, [new_ca])
    assert renewed.certificate.dump() == reference.certificate.dump()


def test_attachments_pending_in_the_writer_are_signed_with_it(pki):
    from credentials.pdf import certificate_writer

    signed = sign_pdf(
        certificate_writer(DATA, attachments={"open-badge-credential.json": BADGE}), pki.identity
    )
    result = _validate(signed, pki)
    assert result.authentic and result.covers_whole_file, result.problems
    assert read_embedded_credential(signed)[1] == {"open-badge-credential.json": BADGE}
