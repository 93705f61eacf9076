"""Shared helpers for the credential tests (plain pytest: no Django, no database, no conftest)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft201909Validator, FormatChecker

from credentials.keys import did_key_verification_method
from credentials.ob3 import AchievementCredentialData
from tests.conformance import conformance_path

# A throwaway key for our own credentials; the KEY.md key is only for the official vector.
TEST_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
TEST_VM = did_key_verification_method(TEST_KEY.public_key())
CREATED = "2025-03-01T12:00:00Z"


@dataclass(frozen=True)
class VectorKey:
    """The published key pair (and expected hash data) of the official OB 3.0 test vector."""

    seed: bytes
    public_hex: str
    public_multibase: str
    hash_data_hex: str

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)


def vector_key() -> VectorKey:
    """Parse ``test-vectors/obv3p0/KEY.md`` (skips when CONFORMANCE_DIR is unset)."""
    text = conformance_path("ob3", "test-vectors", "obv3p0", "KEY.md").read_text()

    def field(label: str) -> str:
        match = re.search(label + r"[^`]*`([^`]+)`", text)
        assert match, f"{label!r} not found in KEY.md"
        return match.group(1)

    return VectorKey(
        seed=bytes.fromhex(field(r"private key seed \(hex\)")),
        public_hex=field(r"public key bytes \(hex\)"),
        public_multibase=field(r"Ed25519 public key \(Multikey, base58btc\)"),
        hash_data_hex=re.search(r"hash data \(hex\) is\s*`([0-9a-f]+)`", text).group(1),
    )


def conformance_json(*parts: str) -> Any:
    """Load a JSON file from the conformance folder."""
    return json.loads(conformance_path(*parts).read_text())


def signed_vector() -> dict[str, Any]:
    """The official signed OB 3.0 test vector (its proof is a single object)."""
    return conformance_json("ob3", "examples", "ob3-eddsa-rdfc-2022-testvector-signed.json")


def schema_validator(schema: dict[str, Any]) -> Draft201909Validator:
    """The validator NOTES.md prescribes: draft 2019-09 with real format checking."""
    return Draft201909Validator(schema, format_checker=FormatChecker())


def sample_data(**overrides: Any) -> AchievementCredentialData:
    """A fully populated credential input; override any field by keyword."""
    fields: dict[str, Any] = {
        "credential_id": "https://lineage.example/credentials/8f3b2c1d",
        "issuer_id": TEST_VM.split("#")[0],
        "issuer_name": "Lineage Academy",
        "issuer_url": "https://lineage.example/",
        "issuer_email": "badges@lineage.example",
        "achievement_id": "https://lineage.example/courses/python-basics/achievement",
        "achievement_name": "Python Basics",
        "achievement_description": "Completed every lesson and quiz of Python Basics.",
        "criteria_narrative": (
            "- Lesson *Variables* (revision 12)\n"
            "- Quiz *Loops* (revision 4): scored 9/10\n"
            "- Quiz *Functions* (revision 7): scored 10/10"
        ),
        "achievement_version": "2025 spring edition",
        "skills": ("Python", "Control flow"),
        "subject_id": "urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427",
        "subject_name": "Ada Lovelace",
        "valid_from": datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
        "valid_until": datetime(2030, 3, 1, 12, 0, tzinfo=UTC),
        "status_list_credential_url": "https://lineage.example/credentials/status/1",
        "status_list_index": 4711,
        "image": "https://lineage.example/media/badges/python-basics.png",
    }
    fields.update(overrides)
    return AchievementCredentialData(**fields)


def signed_sample(**overrides: Any) -> dict[str, Any]:
    """Our credential for ``sample_data(**overrides)``, signed with the test key."""
    from credentials.data_integrity import sign_eddsa_rdfc_2022
    from credentials.ob3 import build_achievement_credential

    return sign_eddsa_rdfc_2022(
        build_achievement_credential(sample_data(**overrides)),
        private_key=TEST_KEY,
        verification_method=TEST_VM,
        created=CREATED,
    )


def leaf_paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path to a non-container value of a JSON tree."""
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in leaf_paths(value, (*path, key))]
    if isinstance(node, list):
        return [p for index, value in enumerate(node) for p in leaf_paths(value, (*path, index))]
    return [path]


def mutated(value: Any) -> Any:
    """A different value of the same JSON type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    raise TypeError(f"unexpected leaf {value!r}")


def set_path(document: Any, path: tuple, value: Any) -> None:
    """Replace the value at ``path`` in place."""
    for part in path[:-1]:
        document = document[part]
    document[path[-1]] = value


def get_path(document: Any, path: tuple) -> Any:
    """Return the value at ``path``."""
    for part in path:
        document = document[part]
    return document
