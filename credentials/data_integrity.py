"""W3C Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (Ed25519 over RDFC/URDNA2015).

hashData = SHA-256(canonical proof config) || SHA-256(canonical unsigned document); the proof
config is the proof without ``proofValue`` carrying the document's ``@context``. The signature
over hashData is stored as ``proofValue`` = "z" + base58btc.

Canonicalisation silently drops anything JSON-LD cannot map to an absolute IRI, and whatever is
dropped is not signed, so both signing and verification refuse such documents
(:func:`assert_terms_defined`, from :mod:`credentials.jsonld_terms`). Verification resolves the
key before any canonicalisation, and caps what it decodes: it also sees untrusted documents.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from .jsonld_loader import processing_options
from .jsonld_terms import UndefinedTermError, assert_terms_defined, check_terms

__all__ = [
    "CRYPTOSUITE",
    "PROOF_TYPE",
    "UndefinedTermError",
    "VerificationResult",
    "assert_terms_defined",
    "canonicalize",
    "hash_data",
    "sign_eddsa_rdfc_2022",
    "verify_eddsa_rdfc_2022",
]

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"

# A proof value is a 64-byte signature (88 base58 characters); base58 decoding is quadratic.
_MAX_PROOF_VALUE_CHARS = 100
_MAX_METHOD_CHARS = 512
# Our proof configs are about 350 bytes of JSON: the memo keeps nothing larger, so uploads
# with megabyte nonces cannot fill it (256 entries of at most this size).
_MEMO_MAX_CONFIG_BYTES = 1024
_OUR_PROOF_KEYS = frozenset(
    {"@context", "type", "created", "verificationMethod", "cryptosuite", "proofPurpose"}
)
_XSD_DATETIME_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of :func:`verify_eddsa_rdfc_2022`; ``reason`` is empty when ``ok``."""

    ok: bool
    reason: str = ""


# --- canonicalisation and hashing ----------------------------------------------------------


def canonicalize(document: dict[str, Any]) -> str:
    """Return the URDNA2015 (RDFC-1.0) canonical N-Quads of a JSON-LD document.

    Raises :class:`UndefinedTermError` rather than silently leaving data out.
    """
    return _canonicalize_expanded(check_terms(document))


class _ExpandedInput(jsonld.JsonLdProcessor):
    """A processor for input that is already expanded: ``normalize`` expands its input again
    before converting it to RDF, and expansion is idempotent, so that second pass is skipped."""

    def __init__(self, expanded: list[Any]) -> None:
        super().__init__()
        self.expanded = expanded

    def expand(self, input_, options):
        if input_ is self.expanded:
            return input_
        return super().expand(input_, options)


def _canonicalize_expanded(expanded: list[Any]) -> str:
    options = processing_options(algorithm="URDNA2015", format="application/n-quads")
    return _ExpandedInput(expanded).normalize(expanded, options)


def _proof_config(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    config = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    return {"@context": copy.deepcopy(document["@context"]), **config}


@functools.lru_cache(maxsize=256)
def _canonical_proof_config(config_json: str) -> bytes:
    """Canonical N-Quads of a proof config (given as JSON), memoised per process.

    Configs repeat: the issuer's contexts, key and purpose are constant and ``created`` has
    one-second resolution, so a worker issuing many credentials a second canonicalises each
    distinct config once. The value is a pure function of the JSON (the contexts are bundled),
    and errors are not cached. Only configs shaped like ours reach it (:func:`_memoisable`).
    """
    return _canonicalize_expanded(check_terms(json.loads(config_json))).encode()


def _memoisable(config: dict[str, Any], config_json: str) -> bool:
    """A config as :func:`sign_eddsa_rdfc_2022` writes it, and small: anything else (a
    verifier's upload with a megabyte nonce, say) is canonicalised without being kept."""
    return (
        len(config_json) <= _MEMO_MAX_CONFIG_BYTES
        and config.keys() == _OUR_PROOF_KEYS
        and all(isinstance(config[key], str) for key in _OUR_PROOF_KEYS - {"@context"})
        and isinstance(config["@context"], list)
        and all(isinstance(url, str) for url in config["@context"])
    )


def _canonical_config_bytes(proof_config: dict[str, Any]) -> bytes:
    config_json = json.dumps(proof_config, sort_keys=True)
    if _memoisable(proof_config, config_json):
        return _canonical_proof_config(config_json)
    return _canonicalize_expanded(check_terms(proof_config)).encode()


def hash_data(unsigned_document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    """Return the 64-byte eddsa-rdfc-2022 hashData for a document and its proof config.

    Both inputs are checked with :func:`assert_terms_defined` first.
    """
    config_hash = hashlib.sha256(_canonical_config_bytes(proof_config))
    doc_hash = hashlib.sha256(_canonicalize_expanded(check_terms(unsigned_document)).encode())
    return config_hash.digest() + doc_hash.digest()


# --- sign / verify -------------------------------------------------------------------------


def sign_eddsa_rdfc_2022(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Return a copy of ``document`` with an eddsa-rdfc-2022 ``DataIntegrityProof``.

    ``proof`` is always an array holding the one new proof (the OB 3.0 schema requires an array).
    ``created`` must be an XML Schema dateTime with a timezone, e.g. ``2025-01-01T00:00:00Z``.
    Raises :class:`UndefinedTermError` if any part of the document would go unsigned, and
    ``ValueError`` if the document already carries a proof or has no ``@context``.
    """
    if "proof" in document:
        raise ValueError("document already has a proof; sign the unsigned document")
    if "@context" not in document:
        raise ValueError("document has no @context")
    if not _XSD_DATETIME_Z.match(created):
        raise ValueError(f"created must be an XML Schema dateTime with timezone: {created!r}")
    proof = {
        "type": PROOF_TYPE,
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": proof_purpose,
    }
    unsigned = copy.deepcopy(document)
    signature = private_key.sign(hash_data(unsigned, _proof_config(unsigned, proof)))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return {**unsigned, "proof": [proof]}


def _single_proof(document: dict[str, Any]) -> dict[str, Any] | str:
    """Return the only proof of ``document``, or a failure reason string."""
    proofs = document.get("proof")
    if isinstance(proofs, dict):
        proofs = [proofs]
    if not isinstance(proofs, list) or not proofs:
        return "document has no proof"
    if len(proofs) != 1:
        return f"expected exactly one proof, found {len(proofs)}"
    proof = proofs[0]
    if not isinstance(proof, dict):
        return "proof is not an object"
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return f"unsupported proof type/cryptosuite (expected {PROOF_TYPE}/{CRYPTOSUITE})"
    return proof


def verify_eddsa_rdfc_2022(
    document: dict[str, Any],
    *,
    resolve_key: Callable[[str], Ed25519PublicKey],
    expected_proof_purpose: str = "assertionMethod",
) -> VerificationResult:
    """Verify the eddsa-rdfc-2022 proof of ``document`` (proof given as an object or an array).

    ``resolve_key`` maps the proof's ``verificationMethod`` to a public key (see
    :func:`credentials.keys.resolve_verification_method`). Never raises for bad input: every
    failure, including undefined terms that would be unsigned, yields ``ok=False`` and a reason.
    """
    if not isinstance(document, dict) or "@context" not in document:
        return VerificationResult(False, "document is not a JSON-LD object with @context")
    proof = _single_proof(document)
    if isinstance(proof, str):
        return VerificationResult(False, proof)
    if proof.get("proofPurpose") != expected_proof_purpose:
        return VerificationResult(False, f"proofPurpose is not {expected_proof_purpose!r}")
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        return VerificationResult(False, "proofValue is not a base58btc multibase string")
    if len(proof_value) > _MAX_PROOF_VALUE_CHARS:
        return VerificationResult(False, "proofValue is not a 64-byte Ed25519 signature")
    try:
        signature = base58.b58decode(proof_value[1:])
    except ValueError:
        return VerificationResult(False, "proofValue is not valid base58btc")
    if len(signature) != 64:
        return VerificationResult(False, "proofValue is not a 64-byte Ed25519 signature")
    verification_method = proof.get("verificationMethod")
    if not isinstance(verification_method, str):
        return VerificationResult(False, "proof has no verificationMethod")
    if len(verification_method) > _MAX_METHOD_CHARS:
        return VerificationResult(False, "verificationMethod is too long to be a key")

    # The key first: a document signed by anyone else is refused before any canonicalisation.
    try:
        public_key = resolve_key(verification_method)
    except Exception as exc:  # resolver errors are verification failures, not crashes
        return VerificationResult(False, f"cannot resolve {verification_method!r}: {exc}")
    if not isinstance(public_key, Ed25519PublicKey):
        return VerificationResult(False, f"{verification_method!r} is not an Ed25519 key")
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    try:
        data = hash_data(unsigned, _proof_config(unsigned, proof))
    except UndefinedTermError as exc:
        return VerificationResult(False, str(exc))
    except Exception as exc:  # untrusted input: any processing error is a failed verification
        return VerificationResult(False, f"cannot canonicalise document: {_describe(exc)}")
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return VerificationResult(False, "signature does not match")
    return VerificationResult(True, "")


def _describe(exc: BaseException) -> str:
    """Return the root cause: pyld wraps loader errors (e.g. an unknown context URL)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return f"{type(exc).__name__}: {exc}"
