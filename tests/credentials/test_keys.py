"""Ed25519 Multikey, did:key and did:web helpers; no private key material in any output."""

from __future__ import annotations

import base64
import json

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from credentials import data_integrity as di
from credentials import keys
from credentials.ob3 import build_achievement_credential
from tests.credentials import CREATED, TEST_KEY, sample_data, vector_key


def raw_public(public_key) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_multibase_of_the_key_md_key():
    key = vector_key()
    public = key.private_key.public_key()
    assert raw_public(public).hex() == key.public_hex
    assert keys.ed25519_public_to_multibase(public) == key.public_multibase
    assert key.public_multibase == "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def test_did_key_round_trip():
    key = vector_key()
    public = key.private_key.public_key()
    did = keys.did_key_for(public)
    assert did == f"did:key:{key.public_multibase}"
    vm_id = keys.did_key_verification_method(public)
    assert vm_id == f"{did}#{key.public_multibase}"
    resolved = keys.resolve_verification_method(vm_id)
    assert raw_public(resolved) == raw_public(public)
    assert raw_public(keys.multibase_to_ed25519_public(key.public_multibase)) == bytes.fromhex(
        key.public_hex
    )


def test_did_key_document():
    public = TEST_KEY.public_key()
    document = keys.did_key_document(public)
    did, vm_id = keys.did_key_for(public), keys.did_key_verification_method(public)
    assert document["id"] == did
    assert document["verificationMethod"] == [
        {
            "id": vm_id,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": keys.ed25519_public_to_multibase(public),
        }
    ]
    assert document["assertionMethod"] == [vm_id]


@pytest.mark.parametrize(
    "vm_id",
    [
        "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6MkOther",
        "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",  # secp256k1
        "did:key:6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",  # no multibase prefix
        "did:key:z0OIl",  # not base58
        "did:example:123#key-1",
        "https://example.edu/issuers/565049#key-1",
    ],
)
def test_unresolvable_methods_raise(vm_id):
    with pytest.raises(keys.KeyResolutionError):
        keys.resolve_verification_method(vm_id)


def test_did_web_identifiers():
    assert keys.did_web_for("lineage.example") == "did:web:lineage.example"
    assert keys.did_web_for("localhost:8000") == "did:web:localhost%3A8000"
    assert keys.did_web_for("lineage.example/org/7") == "did:web:lineage.example:org:7"
    assert (
        keys.did_web_document_url("did:web:lineage.example")
        == "https://lineage.example/.well-known/did.json"
    )
    assert (
        keys.did_web_document_url("did:web:localhost%3A8000:org:7")
        == "https://localhost:8000/org/7/did.json"
    )
    with pytest.raises(ValueError):
        keys.did_web_for("https://lineage.example")


OLD_KEY = Ed25519PrivateKey.from_private_bytes(b"\x01" * 32)
NEW_KEY = Ed25519PrivateKey.from_private_bytes(b"\x02" * 32)


def web_document() -> dict:
    return keys.did_web_document(
        domain="lineage.example",
        keys=[("key-2024", OLD_KEY.public_key(), False), ("key-2025", NEW_KEY.public_key(), True)],
    )


def test_did_web_document_lists_only_active_keys_for_assertion():
    document = web_document()
    assert document["id"] == "did:web:lineage.example"
    assert [m["id"] for m in document["verificationMethod"]] == [
        "did:web:lineage.example#key-2024",
        "did:web:lineage.example#key-2025",
    ]
    assert all(m["type"] == "Multikey" for m in document["verificationMethod"])
    assert document["assertionMethod"] == ["did:web:lineage.example#key-2025"]


def test_did_web_document_refuses_duplicate_fragments():
    with pytest.raises(ValueError):
        keys.did_web_document(
            domain="lineage.example",
            keys=[("k", OLD_KEY.public_key(), True), ("k", NEW_KEY.public_key(), True)],
        )


def test_credential_signed_with_a_retired_key_still_verifies():
    documents = {"did:web:lineage.example": web_document()}
    credential = build_achievement_credential(sample_data(issuer_id="did:web:lineage.example"))
    signed = di.sign_eddsa_rdfc_2022(
        credential,
        private_key=OLD_KEY,
        verification_method="did:web:lineage.example#key-2024",
        created=CREATED,
    )

    def resolve(vm_id):
        return keys.resolve_verification_method(vm_id, did_web_documents=documents)

    assert raw_public(resolve("did:web:lineage.example#key-2024")) == raw_public(
        OLD_KEY.public_key()
    )
    assert di.verify_eddsa_rdfc_2022(signed, resolve_key=resolve).ok
    # A key that was never published, or a DID without a document, does not resolve.
    with pytest.raises(keys.KeyResolutionError):
        resolve("did:web:lineage.example#key-2023")
    with pytest.raises(keys.KeyResolutionError):
        keys.resolve_verification_method("did:web:lineage.example#key-2024")
    forged = {**signed, "proof": [{**signed["proof"][0], "verificationMethod": "x"}]}
    assert not di.verify_eddsa_rdfc_2022(forged, resolve_key=resolve).ok


def test_did_web_document_must_match_the_did():
    documents = {"did:web:other.example": web_document()}
    with pytest.raises(keys.KeyResolutionError):
        keys.resolve_verification_method(
            "did:web:other.example#key-2025", did_web_documents=documents
        )


def _private_encodings(private_key: Ed25519PrivateKey) -> set[str]:
    """Every encoding of the private key this project (or a careless caller) might emit."""
    seed = private_key.private_bytes_raw()
    expanded = seed + raw_public(private_key.public_key())
    out = set()
    for secret in (seed, expanded, b"\x80\x26" + seed):  # 0x1300 ed25519-priv multicodec
        out |= {
            secret.hex(),
            secret.hex().upper(),
            base64.b64encode(secret).decode(),
            base64.b64encode(secret).decode().rstrip("="),
            base64.urlsafe_b64encode(secret).decode().rstrip("="),
            base58.b58encode(secret).decode(),
            "z" + base58.b58encode(secret).decode(),
        }
    return out


def test_no_private_material_is_serialised():
    documents = [
        keys.did_key_document(OLD_KEY.public_key()),
        web_document(),
        di.sign_eddsa_rdfc_2022(
            build_achievement_credential(sample_data()),
            private_key=OLD_KEY,
            verification_method=keys.did_key_verification_method(OLD_KEY.public_key()),
            created=CREATED,
        ),
    ]
    text = json.dumps(documents)
    for secret in _private_encodings(OLD_KEY) | _private_encodings(NEW_KEY):
        assert secret not in text
    assert "privateKey" not in text and "secretKey" not in text
