"""The issuer's identity and keys: who signs Lineage credentials, and with what.

Private keys live in files under ``settings.LINEAGE_KEY_DIR`` (outside git, mode 600); the
database stores only public keys (``IssuerKey``). Outside production, missing keys and the
development PDF signing PKI are created on first use. Production never creates keys: run
``manage.py issuer_key_rotate`` once and name the PDF certificate files in the environment.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .keys import (
    did_key_for,
    did_key_verification_method,
    did_web_document,
    did_web_for,
    ed25519_public_to_multibase,
    multibase_to_ed25519_public,
)
from .models import IssuerKey
from .pdf_signing import PdfSigningIdentity, ensure_dev_pki, load_pdf_signer


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private_key: Ed25519PrivateKey
    verification_method: str
    issuer_id: str


def key_dir() -> Path:
    return Path(settings.LINEAGE_KEY_DIR)


def _private_key_path(key_id: str) -> Path:
    return key_dir() / f"ed25519-{key_id}.pem"


def _may_create_keys() -> bool:
    return bool(getattr(settings, "LINEAGE_CREATE_KEYS", False))


def issuer_domain() -> str:
    return urlsplit(settings.LINEAGE_BASE_URL).netloc


def uses_did_web() -> bool:
    return settings.LINEAGE_ISSUER_DID_METHOD == "web"


def issuer_id_for(public_key: Ed25519PublicKey) -> str:
    return did_web_for(issuer_domain()) if uses_did_web() else did_key_for(public_key)


def verification_method_for(key: IssuerKey) -> str:
    public = multibase_to_ed25519_public(key.public_multibase)
    if uses_did_web():
        return f"{did_web_for(issuer_domain())}#{key.key_id}"
    return did_key_verification_method(public)


@transaction.atomic
def issuer_key_create() -> IssuerKey:
    """Generate a new Ed25519 key, retire the active one, and return the new key.

    The old key stays published (did:web document, keys page) so everything it signed keeps
    verifying. The private key is written to its file before the row commits.
    """
    private = Ed25519PrivateKey.generate()
    public_multibase = ed25519_public_to_multibase(private.public_key())
    key_id = f"key-{timezone.now():%Y%m%d%H%M%S}-{public_multibase[-6:]}"
    path = _private_key_path(key_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.touch(mode=0o600, exist_ok=False)
    path.write_bytes(pem)
    IssuerKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
    return IssuerKey.objects.create(key_id=key_id, public_multibase=public_multibase)


def active_signing_key() -> SigningKey:
    """The key that signs new credentials (created on first use outside production)."""
    key = IssuerKey.objects.filter(retired_at__isnull=True).first()
    if key is None:
        if not _may_create_keys():
            raise ImproperlyConfigured(
                "No issuer signing key: run `manage.py issuer_key_rotate` to create one."
            )
        key = issuer_key_create()
    return SigningKey(
        key_id=key.key_id,
        private_key=_load_private_key(key.key_id, key.public_multibase),
        verification_method=verification_method_for(key),
        issuer_id=issuer_id_for(multibase_to_ed25519_public(key.public_multibase)),
    )


@lru_cache(maxsize=8)
def _load_private_key(key_id: str, public_multibase: str) -> Ed25519PrivateKey:
    path = _private_key_path(key_id)
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as exc:
        raise ImproperlyConfigured(f"The private key file for {key_id} is missing.") from exc
    if ed25519_public_to_multibase(private.public_key()) != public_multibase:
        raise ImproperlyConfigured(f"The key file for {key_id} does not match its public key.")
    return private


def did_document() -> dict:
    """The did:web document at /.well-known/did.json: every key, retired ones included."""
    keys = [
        (k.key_id, multibase_to_ed25519_public(k.public_multibase), k.retired_at is None)
        for k in IssuerKey.objects.order_by("created_at")
    ]
    return did_web_document(domain=issuer_domain(), keys=keys)


def published_did_documents() -> dict[str, dict]:
    """did:web documents this issuer publishes, for resolving without the network."""
    if not IssuerKey.objects.exists():
        return {}
    document = did_document()
    return {document["id"]: document}


@lru_cache(maxsize=1)
def pdf_identity() -> PdfSigningIdentity:
    """The P-256 identity that signs certificate PDFs (dev PKI created outside production)."""
    key_file, cert_file = settings.LINEAGE_PDF_KEY_FILE, settings.LINEAGE_PDF_CERT_FILE
    chain = tuple(settings.LINEAGE_PDF_CHAIN_FILES)
    if not (key_file and cert_file):
        if not _may_create_keys():
            raise ImproperlyConfigured("Set LINEAGE_PDF_KEY_FILE and LINEAGE_PDF_CERT_FILE.")
        key_path, cert_path, ca_path = ensure_dev_pki(
            key_dir() / "pdf", issuer_name=settings.LINEAGE_ISSUER_NAME
        )
        key_file, cert_file, chain = str(key_path), str(cert_path), (str(ca_path),)
    return load_pdf_signer(key_file, cert_file, chain)


def pdf_trust_roots() -> list:
    """Certificates a Lineage PDF signature must chain to (the CA, or the signer itself)."""
    from cryptography import x509

    paths = list(settings.LINEAGE_PDF_CHAIN_FILES) or []
    if not paths and _may_create_keys():
        _, _, ca_path = ensure_dev_pki(key_dir() / "pdf", issuer_name=settings.LINEAGE_ISSUER_NAME)
        paths = [str(ca_path)]
    return [x509.load_pem_x509_certificate(Path(p).read_bytes()) for p in paths]


def reset_issuer_caches() -> None:
    """Forget loaded keys and the PDF identity (tests switch ``LINEAGE_KEY_DIR`` between runs)."""
    _load_private_key.cache_clear()
    pdf_identity.cache_clear()
