"""W3C Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (Ed25519 over RDFC/URDNA2015).

hashData = SHA-256(canonical proof config) || SHA-256(canonical unsigned document); the proof
config is the proof without ``proofValue`` carrying the document's ``@context``. The signature
over hashData is stored as ``proofValue`` = "z" + base58btc.

Canonicalisation silently drops anything JSON-LD cannot map to an absolute IRI, and whatever is
dropped is not signed, so both signing and verification refuse such documents
(:func:`assert_terms_defined`).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from .jsonld_loader import processing_options

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:\S*$")
_MAX_LOCATE_TRIALS = 64
_XSD_DATETIME_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class UndefinedTermError(ValueError):
    """The document holds data that JSON-LD expansion would drop, so it could not be signed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "JSON-LD expansion drops these properties/values, so they would not be signed: "
            + "; ".join(problems)
        )


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of :func:`verify_eddsa_rdfc_2022`; ``reason`` is empty when ``ok``."""

    ok: bool
    reason: str = ""


# --- JSON-LD checks -----------------------------------------------------------------------


def _format_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(root)"


def _walk(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple, Any]]:
    """Yield ``(path, value)`` for every value in a JSON tree, containers included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def _expand(document: dict[str, Any]) -> tuple[list[Any], list[str | None]]:
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    # base=None keeps relative IRIs relative so they can be reported; pyld's default base would
    # silently turn an undefined type "Foo" into <http://example.org/base/Foo>.
    return processor.expand(document, processing_options(base=None)), dropped


def _relative_iris(expanded: Any) -> Iterator[str]:
    """Yield IRIs left relative by expansion: toRdf skips every triple that uses one."""
    if isinstance(expanded, list):
        for item in expanded:
            yield from _relative_iris(item)
        return
    if not isinstance(expanded, dict):
        return
    if "@value" in expanded:
        datatype = expanded.get("@type")
        if datatype not in (None, "@json") and not _ABSOLUTE_IRI.match(datatype):
            yield datatype
        return
    node_id = expanded.get("@id")
    if node_id is not None and not (node_id.startswith("_:") or _ABSOLUTE_IRI.match(node_id)):
        yield node_id
    for type_iri in expanded.get("@type", []):
        if not _ABSOLUTE_IRI.match(type_iri):
            yield type_iri
    for key, value in expanded.items():
        if key.startswith("_:"):
            yield key  # blank-node predicates are not standard RDF and are skipped too
        if key not in ("@id", "@type"):
            yield from _relative_iris(value)


def _locate_dropped(document: dict[str, Any], names: set[str | None], count: int) -> list[str]:
    """Find the input paths of dropped keys by removing each candidate and re-expanding.

    Only runs on the error path; pyld reports what was dropped but not where. The number of
    trial expansions is capped because verification also sees untrusted documents.
    """
    found: list[str] = []
    trials = 0
    for path, value in list(_walk(document)):
        if not isinstance(value, dict):
            continue
        for key in value:
            if key == "@context" or (key not in names and None not in names):
                continue
            trials += 1
            if trials > _MAX_LOCATE_TRIALS:
                return found
            trial = copy.deepcopy(document)
            target = trial
            for part in path:
                target = target[part]
            del target[key]
            if len(_expand(trial)[1]) < count:
                found.append(f"{_format_path((*path, key))} (undefined term)")
    return found


def _check_terms(document: dict[str, Any]) -> list[Any]:
    """Expand ``document`` and raise :class:`UndefinedTermError` if anything would be dropped."""
    problems = [
        f"{_format_path(path)} (null value)" for path, value in _walk(document) if value is None
    ]
    expanded, dropped = _expand(document)
    if dropped:
        located = _locate_dropped(document, set(dropped), len(dropped))
        problems += located
        if len(located) < len(dropped):
            names = ", ".join(sorted({repr(name) for name in dropped}))
            problems.append(f"{len(dropped) - len(located)} more undefined term(s) among {names}")
    for iri in dict.fromkeys(_relative_iris(expanded)):
        paths = [_format_path(p) for p, v in _walk(document) if v == iri]
        problems += [f"{p} (relative IRI {iri!r})" for p in paths] or [f"relative IRI {iri!r}"]
    if problems:
        raise UndefinedTermError(problems)
    return expanded


def assert_terms_defined(document: dict[str, Any]) -> None:
    """Raise :class:`UndefinedTermError` if JSON-LD expansion would drop any part of ``document``.

    Detects properties that no context defines, null values, and type/id/datatype values that do
    not expand to absolute IRIs (RDF conversion skips those). The error lists the JSON paths.
    Contexts are resolved only through the bundled offline loader.
    """
    _check_terms(document)


# --- canonicalisation and hashing ----------------------------------------------------------


def canonicalize(document: dict[str, Any]) -> str:
    """Return the URDNA2015 (RDFC-1.0) canonical N-Quads of a JSON-LD document.

    Raises :class:`UndefinedTermError` rather than silently leaving data out.
    """
    return _canonicalize_expanded(_check_terms(document))


def _canonicalize_expanded(expanded: list[Any]) -> str:
    options = processing_options(algorithm="URDNA2015", format="application/n-quads")
    return jsonld.normalize(expanded, options)


def _proof_config(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    config = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    return {"@context": copy.deepcopy(document["@context"]), **config}


@functools.lru_cache(maxsize=256)
def _canonical_proof_config(config_json: str) -> bytes:
    """Canonical N-Quads of a proof config (given as JSON), memoised per process.

    Configs repeat: the issuer's contexts, key and purpose are constant and ``created`` has
    one-second resolution, so a worker issuing many credentials a second canonicalises each
    distinct config once. The value is a pure function of the JSON (the contexts are bundled),
    and errors are not cached.
    """
    return _canonicalize_expanded(_check_terms(json.loads(config_json))).encode()


def hash_data(unsigned_document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    """Return the 64-byte eddsa-rdfc-2022 hashData for a document and its proof config.

    Both inputs are checked with :func:`assert_terms_defined` first.
    """
    config_hash = hashlib.sha256(_canonical_proof_config(json.dumps(proof_config, sort_keys=True)))
    doc_hash = hashlib.sha256(_canonicalize_expanded(_check_terms(unsigned_document)).encode())
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
    try:
        signature = base58.b58decode(proof_value[1:])
    except ValueError:
        return VerificationResult(False, "proofValue is not valid base58btc")
    if len(signature) != 64:
        return VerificationResult(False, "proofValue is not a 64-byte Ed25519 signature")
    verification_method = proof.get("verificationMethod")
    if not isinstance(verification_method, str):
        return VerificationResult(False, "proof has no verificationMethod")

    unsigned = {k: v for k, v in document.items() if k != "proof"}
    try:
        data = hash_data(unsigned, _proof_config(unsigned, proof))
    except UndefinedTermError as exc:
        return VerificationResult(False, str(exc))
    except Exception as exc:  # untrusted input: any processing error is a failed verification
        return VerificationResult(False, f"cannot canonicalise document: {_describe(exc)}")
    try:
        public_key = resolve_key(verification_method)
    except Exception as exc:  # resolver errors are verification failures, not crashes
        return VerificationResult(False, f"cannot resolve {verification_method!r}: {exc}")
    if not isinstance(public_key, Ed25519PublicKey):
        return VerificationResult(False, f"{verification_method!r} is not an Ed25519 key")
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
