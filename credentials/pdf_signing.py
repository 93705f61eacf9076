"""PAdES signing and verification of certificate PDFs (pure functions: no Django, no database).

Certificates are signed with ECDSA P-256 (poppler's ``pdfsig`` cannot check Ed25519 PDF
signatures), PAdES baseline B-B (``ETSI.CAdES.detached``, SHA-256), with pyHanko. Verification
uses pyHanko's validator with Lineage's own root as the only trust anchor, and is strict:
Lineage never updates a certificate after signing it, so any byte after the signed revision
(even an update pyHanko's difference analysis would tolerate) means "changed after signing".

``validate_pdf_signature`` runs its own event loop (``asyncio.run``): call these functions from
synchronous code (a view, a Celery task), not from inside a running event loop.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .pdf import CREDENTIAL_ID_KEY

__all__ = [
    "SIGNATURE_FIELD",
    "PdfSigningIdentity",
    "PdfValidation",
    "ensure_dev_pki",
    "load_pdf_signer",
    "read_embedded_credential",
    "sign_pdf",
    "validate_signed_pdf",
]

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "LineageSignature"

NOT_PDF = "This is not a readable PDF."
NOT_SIGNED = "This file is not signed."
CHANGED = "The file was changed after it was signed."
NOT_COVERED = "The signature does not cover the whole file."
ALTERED = "The file was changed after it was signed: its content no longer matches the signature."
BAD_SIGNATURE = "The signature is not mathematically valid."
UNTRUSTED = "The signing certificate is not one Lineage issued."
UNCHECKABLE = "The signature could not be checked."


@dataclass
class PdfSigningIdentity:
    """A loaded signing key, its certificate and chain, and a ready pyHanko signer."""

    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]
    bytes_reserved: int


@dataclass
class PdfValidation:
    """Outcome of :func:`validate_signed_pdf`; ``authentic`` is the overall verdict.

    - ``authentic``: all checks below passed and there are no ``problems``.
    - ``intact``: the signed bytes are unchanged and the signature value verifies.
    - ``trusted``: the signer's certificate chains to one of the given Lineage roots.
    - ``covers_whole_file``: the signature's byte range reaches the end of the file.
    - ``modified_after_signing``: bytes were changed or appended after signing.
    - ``problems``: plain-language sentences, empty when authentic.
    """

    authentic: bool = False
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    modified_after_signing: bool = False
    signer_subject: str = ""
    problems: list[str] = field(default_factory=list)


def load_pdf_signer(
    key_pem_path: Path | str, cert_pem_path: Path | str, chain_pem_paths: Sequence[Path | str] = ()
) -> PdfSigningIdentity:
    """Load an unencrypted PEM/DER private key, its certificate and chain, once per process
    and per version of the files (a replaced key or certificate is loaded afresh).

    Raises ``ValueError`` if the key does not belong to the certificate. The reserved signature
    size is computed from the certificates, so pyHanko signs once instead of twice (~40 % faster).
    """
    paths = (str(key_pem_path), str(cert_pem_path), *map(str, chain_pem_paths))
    stamps = tuple((st.st_ino, st.st_mtime_ns, st.st_size) for st in map(os.stat, paths))
    return _load_pdf_signer(paths[0], paths[1], paths[2:], stamps)


@lru_cache(maxsize=4)
def _load_pdf_signer(
    key_pem_path: str, cert_pem_path: str, chain_pem_paths: tuple[str, ...], _stamps: tuple
) -> PdfSigningIdentity:
    key = load_private_key_from_pemder(str(key_pem_path), passphrase=None)
    cert = load_cert_from_pemder(str(cert_pem_path))
    chain = tuple(load_certs_from_pemder([str(p) for p in chain_pem_paths]))
    public = serialization.load_der_private_key(key.dump(), password=None).public_key()
    spki = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if spki != cert.public_key.dump():
        raise ValueError(f"{key_pem_path} is not the key of the certificate {cert_pem_path}")
    store = SimpleCertificateStore()
    store.register_multiple(chain)
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=store)
    # CMS = certificates + signed attributes (~0.5 KB) + the signature (ECDSA P-256: 72 bytes,
    # RSA-4096: 512); measured 1.5 KB in total for P-256 with a one-CA chain. 2 KB of slack.
    reserved = sum(len(c.dump()) for c in (cert, *chain)) + 2048
    reserved += -reserved % 256  # pyHanko wants an even size
    return PdfSigningIdentity(signer, cert, chain, reserved)


def sign_pdf(
    pdf: bytes | IncrementalPdfFileWriter,
    identity: PdfSigningIdentity,
    *,
    reason: str = "Lineage credential",
    location: str | None = None,
) -> bytes:
    """Sign ``pdf`` (PAdES B-B, ETSI.CAdES.detached, SHA-256) and return the signed PDF.

    The signature is an invisible field named ``LineageSignature``, appended as an incremental
    update covering the whole file. ``pdf`` may be a writer with changes still pending (e.g.
    ``pdf.certificate_writer``'s attachments): they go into the signed update, which saves
    writing and parsing the file once more.
    """
    writer = (
        pdf
        if isinstance(pdf, IncrementalPdfFileWriter)
        else IncrementalPdfFileWriter(io.BytesIO(pdf))
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    out = signers.PdfSigner(meta, signer=identity.signer).sign_pdf(
        writer, bytes_reserved=identity.bytes_reserved
    )
    return out.getvalue()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)


def _new_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(path, pem)
    return key


def _issue(subject, issuer, public_key, signing_key, *, ca: bool, years: int) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
    )
    return builder.sign(signing_key, hashes.SHA256())


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        ]
    )


def ensure_dev_pki(directory: Path, *, issuer_name: str) -> tuple[Path, Path, Path]:
    """Create, only if missing, a development PKI in ``directory`` (keep it outside git).

    A self-signed P-256 root CA and a P-256 signing certificate it issued, with
    digitalSignature + nonRepudiation key usage. Keys are written with mode 0600. Idempotent:
    existing files are reused; a missing signing pair is re-issued from the existing CA.
    Returns ``(signing_key_path, signing_cert_path, ca_cert_path)``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca_key_path, ca_cert_path = directory / "ca.key.pem", directory / "ca.cert.pem"
    key_path, cert_path = directory / "signing.key.pem", directory / "signing.cert.pem"

    if ca_key_path.exists() and ca_cert_path.exists():
        ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
        ca_cert = x509.load_pem_x509_certificate(ca_cert_path.read_bytes())
    else:
        ca_key = _new_key(ca_key_path)
        ca_name = _name(f"{issuer_name} development root CA", issuer_name)
        ca_cert = _issue(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True, years=10)
        ca_cert_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        for stale in (key_path, cert_path):
            stale.unlink(missing_ok=True)  # a new CA invalidates the old signing pair

    if not (key_path.exists() and cert_path.exists()):
        key = _new_key(key_path)
        subject = _name(f"{issuer_name} certificate signing (development)", issuer_name)
        cert = _issue(subject, ca_cert.subject, key.public_key(), ca_key, ca=False, years=5)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path, ca_cert_path


def _to_asn1(cert) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    raise TypeError(f"trust root must be a certificate, not {type(cert).__name__}")


def _open(pdf_bytes: bytes) -> PdfFileReader:
    """Parse ``pdf_bytes`` and its signature dictionaries, or raise ``misc.PdfReadError``.

    pyHanko reports the malformations it anticipates as ``PdfReadError`` (and, for broken
    signature contents, ``ValueError`` subclasses such as ``CMSExtractionError``). Its lazy
    object parser can surface other builtin errors on hostile bytes: fuzzing 6,000 damaged
    files also produced ``KeyError``, and IndexError/TypeError/zlib.error are possible in
    principle. Everything raised *here* comes from reading an untrusted file, so it means "not a
    readable PDF": the last-resort catch is confined to parsing, logged as a warning so new
    error types get noticed, and never wraps validation logic.
    """
    if not pdf_bytes.lstrip()[:5].startswith(b"%PDF-"):
        raise misc.PdfReadError("no PDF header")
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        for sig in reader.embedded_signatures:
            sig.sig_object  # noqa: B018  (force the signature dictionaries to parse)
        return reader
    except misc.PdfReadError:
        raise
    except (misc.PdfError, ValueError, KeyError) as exc:
        raise misc.PdfReadError(str(exc)) from exc
    except (RecursionError, AssertionError) as exc:
        # Seen when fuzzing: arrays nested 50,000 deep overflow the recursive object parser,
        # and a trailer /Prev pointing at a non-xref object trips an assert in pyHanko.
        raise misc.PdfReadError(f"unreadable structure: {exc!r}") from exc
    except Exception as exc:  # last resort, see docstring
        logger.warning("unexpected error parsing an untrusted PDF: %r", exc)
        raise misc.PdfReadError(str(exc)) from exc


def validate_signed_pdf(
    pdf_bytes: bytes, *, trust_roots: Sequence[x509.Certificate | asn1_x509.Certificate]
) -> PdfValidation:
    """Check a signed certificate PDF against Lineage's root(s); never raises on bad input.

    Checks: the file parses; it carries a signature; the signed bytes are unchanged (intact) and
    the signature is valid; the signer chains to one of ``trust_roots``; the signature covers the
    whole file. Problems are plain-language sentences suitable for the verification page.
    """
    result = PdfValidation()
    try:
        reader = _open(bytes(pdf_bytes))
    except misc.PdfReadError:
        result.problems.append(NOT_PDF)
        return result
    sigs = reader.embedded_signatures
    if not sigs:
        result.problems.append(NOT_SIGNED)
        return result
    context = ValidationContext(
        trust_roots=[_to_asn1(c) for c in trust_roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status = validate_pdf_signature(sigs[0], context)
    except (SignatureValidationError, misc.PdfError, ValueError, zlib.error) as exc:
        # Malformed CMS, unsupported algorithm, broken byte range: asn1crypto and pyHanko
        # report these as ValueError subclasses (CMSStructuralError, SignatureValidationError).
        logger.info("signature could not be validated: %r", exc)
        result.problems.append(UNCHECKABLE)
        return result

    result.intact = bool(status.intact and status.valid)
    result.trusted = bool(status.trusted)
    result.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    result.modified_after_signing = not result.covers_whole_file or not status.intact
    result.signer_subject = status.signing_cert.subject.human_friendly
    if not status.intact:
        result.problems.append(ALTERED)  # trust is not evaluated for a broken signature
    elif not status.valid:
        result.problems.append(BAD_SIGNATURE)
    elif not result.trusted:
        result.problems.append(UNTRUSTED)
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION or len(sigs) > 1:
        result.problems.append(CHANGED)
    elif not result.covers_whole_file:
        result.problems.append(NOT_COVERED)
    result.authentic = not result.problems and result.intact and result.trusted
    return result


# A certificate's badge JSON is ~3 KB; Flate inflates up to ~1000:1, so a 5 MB upload could
# otherwise unpack to gigabytes in memory before any size check sees it.
MAX_EMBEDDED_FILE_BYTES = 1024 * 1024


def _embedded_file_data(stream: generic.StreamObject) -> bytes | None:
    """The bytes of an embedded file as ``render_certificate_pdf`` writes it (raw or one plain
    /FlateDecode), inflated at most to ``MAX_EMBEDDED_FILE_BYTES``; None for anything else."""
    filters = stream.get("/Filter")
    if isinstance(filters, generic.ArrayObject) and len(filters) == 1:
        filters = filters[0]
    if filters is None:
        data = stream.encoded_data
    elif filters == "/FlateDecode" and "/DecodeParms" not in stream:
        data = zlib.decompressobj().decompress(stream.encoded_data, MAX_EMBEDDED_FILE_BYTES + 1)
    else:
        return None
    return data if len(data) <= MAX_EMBEDDED_FILE_BYTES else None


def _embedded_files(reader: PdfFileReader) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    try:
        tree = reader.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return files
    stack, seen = [tree], 0
    while stack and seen < 1000:  # walk the name tree (flat or with /Kids), bounded
        node = stack.pop().get_object()
        seen += 1
        if "/Kids" in node:
            stack.extend(node["/Kids"])
        names = node["/Names"] if "/Names" in node else ()
        for i in range(0, len(names) - 1, 2):
            spec = names[i + 1]
            filename = str(spec["/UF"] if "/UF" in spec else spec.get("/F", names[i]))
            ef = spec["/EF"]
            stream = ef["/UF"] if "/UF" in ef else ef["/F"]
            if isinstance(stream, generic.StreamObject):
                data = _embedded_file_data(stream)
                if data is not None:
                    files[filename] = data
    return files


def read_embedded_credential(pdf_bytes: bytes) -> tuple[str | None, dict[str, bytes]]:
    """Return ``(credential_id, {filename: bytes})`` embedded by ``render_certificate_pdf``.

    Reads the latest revision; trust the values only if :func:`validate_signed_pdf` says the
    file is authentic (which implies nothing was appended after signing). An unreadable PDF
    yields ``(None, {})``.
    """
    try:
        reader = _open(bytes(pdf_bytes))
        info = reader.trailer["/Info"] if "/Info" in reader.trailer else {}
        value = info.get(CREDENTIAL_ID_KEY)
        credential_id = str(value) if isinstance(value, generic.TextStringObject) else None
        return credential_id, _embedded_files(reader)
    except (misc.PdfError, KeyError, TypeError, IndexError, ValueError, zlib.error) as exc:
        # Broken name trees, info dictionaries or stream data in an untrusted file.
        logger.info("could not read embedded credential: %r", exc)
        return None, {}
