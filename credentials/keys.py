"""Ed25519 Multikey encoding, did:key and did:web documents, verification-method resolution.

Only public keys are ever encoded here; nothing in this module accepts a private key.
Resolution never touches the network: did:key is decoded from the identifier itself and
did:web documents must be supplied by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, unquote

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_MULTICODEC = b"\xed\x01"
DID_CONTEXT_URL = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT_URL = "https://w3id.org/security/multikey/v1"


# "z" + base58btc of 0xed01 + 32 bytes is 48 characters; base58 decoding is quadratic in length.
_MAX_MULTIBASE_CHARS = 64


class KeyResolutionError(LookupError):
    """A verification method could not be resolved to an Ed25519 public key."""


def _short(value: object) -> str:
    """A short ``repr`` for messages: identifiers in uploads can be megabytes long."""
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def ed25519_public_to_multibase(public_key: Ed25519PublicKey) -> str:
    """Encode an Ed25519 public key as a Multikey ``publicKeyMultibase`` value (``z6Mk...``)."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode("ascii")


def multibase_to_ed25519_public(value: str) -> Ed25519PublicKey:
    """Decode a base58btc Multikey string (``z6Mk...``) into an Ed25519 public key.

    Raises :class:`KeyResolutionError` if the value is not a base58btc Ed25519 Multikey.
    """
    if not isinstance(value, str) or not value.startswith("z"):
        raise KeyResolutionError(f"not a base58btc multibase value: {_short(value)}")
    if len(value) > _MAX_MULTIBASE_CHARS:
        raise KeyResolutionError(f"too long for an Ed25519 Multikey: {_short(value)}")
    try:
        decoded = base58.b58decode(value[1:])
    except ValueError as exc:
        raise KeyResolutionError(f"invalid base58btc in {_short(value)}") from exc
    if len(decoded) != 34 or not decoded.startswith(ED25519_MULTICODEC):
        raise KeyResolutionError(f"not an Ed25519 Multikey (0xed01 + 32 bytes): {_short(value)}")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def did_key_for(public_key: Ed25519PublicKey) -> str:
    """Return the ``did:key:z6Mk...`` DID of an Ed25519 public key."""
    return "did:key:" + ed25519_public_to_multibase(public_key)


def did_key_verification_method(public_key: Ed25519PublicKey) -> str:
    """Return the did:key verification method id ``did:key:z6Mk...#z6Mk...``."""
    multibase = ed25519_public_to_multibase(public_key)
    return f"did:key:{multibase}#{multibase}"


def _multikey(vm_id: str, controller: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    return {
        "id": vm_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": ed25519_public_to_multibase(public_key),
    }


def did_key_document(public_key: Ed25519PublicKey) -> dict[str, Any]:
    """Return the DID document a did:key resolver would produce for this Ed25519 key."""
    did = did_key_for(public_key)
    vm_id = did_key_verification_method(public_key)
    return {
        "@context": [DID_CONTEXT_URL, MULTIKEY_CONTEXT_URL],
        "id": did,
        "verificationMethod": [_multikey(vm_id, did, public_key)],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }


def did_web_for(domain: str) -> str:
    """Return the did:web DID for ``host[:port][/path]`` (port colon percent-encoded)."""
    domain = domain.strip().strip("/")
    if not domain or "://" in domain:
        raise ValueError(f"expected a bare host[:port][/path], got {domain!r}")
    host, _, path = domain.partition("/")
    parts = [quote(host, safe=".-")] + [quote(p, safe=".-_~") for p in path.split("/") if p]
    return "did:web:" + ":".join(parts)


def did_web_document_url(did: str) -> str:
    """Return the HTTPS URL a did:web DID document is published at (``/.well-known/did.json``)."""
    if not did.startswith("did:web:") or "#" in did:
        raise ValueError(f"not a did:web DID: {did!r}")
    host, *path = did.removeprefix("did:web:").split(":")
    suffix = "/".join(unquote(p) for p in path) if path else ".well-known"
    return f"https://{unquote(host)}/{suffix}/did.json"


def did_web_document(
    *, domain: str, keys: Sequence[tuple[str, Ed25519PublicKey, bool]]
) -> dict[str, Any]:
    """Build a did:web DID document from ``(fragment, public key, active)`` tuples.

    Every key stays in ``verificationMethod`` so credentials signed with a retired key still
    verify; only active keys are listed in ``assertionMethod`` (allowed to sign new ones).
    """
    did = did_web_for(domain)
    methods, active = [], []
    seen: set[str] = set()
    for fragment, public_key, is_active in keys:
        if not fragment or "#" in fragment or fragment in seen:
            raise ValueError(f"key fragments must be unique, non-empty, without '#': {fragment!r}")
        seen.add(fragment)
        vm_id = f"{did}#{fragment}"
        methods.append(_multikey(vm_id, did, public_key))
        if is_active:
            active.append(vm_id)
    return {
        "@context": [DID_CONTEXT_URL, MULTIKEY_CONTEXT_URL],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": active,
    }


def _resolve_did_key(vm_id: str) -> Ed25519PublicKey:
    did, _, fragment = vm_id.partition("#")
    multibase = did.removeprefix("did:key:")
    if fragment and fragment != multibase:
        raise KeyResolutionError(f"did:key fragment does not match the key: {_short(vm_id)}")
    return multibase_to_ed25519_public(multibase)


def _resolve_did_web(vm_id: str, documents: Mapping[str, dict[str, Any]]) -> Ed25519PublicKey:
    did, _, fragment = vm_id.partition("#")
    if not fragment:
        raise KeyResolutionError(f"did:web verification method needs a fragment: {_short(vm_id)}")
    document = documents.get(did)
    if document is None:
        raise KeyResolutionError(f"no DID document supplied for {_short(did)}")
    if document.get("id") != did:
        raise KeyResolutionError(
            f"DID document id {_short(document.get('id'))} is not {_short(did)}"
        )
    for method in document.get("verificationMethod") or []:
        if not isinstance(method, dict):
            continue
        method_id = method.get("id", "")
        if method_id.startswith("#"):
            method_id = did + method_id
        if method_id != vm_id:
            continue
        if method.get("type") != "Multikey" or method.get("controller") != did:
            raise KeyResolutionError(
                f"{_short(vm_id)} is not a Multikey controlled by {_short(did)}"
            )
        return multibase_to_ed25519_public(method.get("publicKeyMultibase", ""))
    raise KeyResolutionError(f"{_short(vm_id)} is not in the verificationMethod of {_short(did)}")


def resolve_verification_method(
    vm_id: str, *, did_web_documents: Mapping[str, dict[str, Any]] | None = None
) -> Ed25519PublicKey:
    """Resolve a did:key or did:web verification method id to its Ed25519 public key.

    did:web documents are looked up by DID in ``did_web_documents`` (never fetched). Retired
    keys resolve as long as they remain in ``verificationMethod``. Raises
    :class:`KeyResolutionError` when the method cannot be resolved.
    """
    if not isinstance(vm_id, str):
        raise KeyResolutionError(f"verification method must be a string, got {_short(vm_id)}")
    if vm_id.startswith("did:key:"):
        return _resolve_did_key(vm_id)
    if vm_id.startswith("did:web:"):
        return _resolve_did_web(vm_id, did_web_documents or {})
    raise KeyResolutionError(
        f"unsupported verification method (did:key/did:web only): {_short(vm_id)}"
    )
