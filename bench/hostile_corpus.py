"""Adversarial uploads for the verification endpoints, built around one real signed badge.

Each file is what issue 12 measured taking seconds to minutes (800 evidence objects with
undefined terms, thousands of relative ``type`` values, a megabyte of integers, a huge nonce,
deep nesting, a PDF embedding a large JSON), sized at the caps of
:mod:`credentials.verification_limits` (or just past them), plus the genuine badge itself,
reordered: the one upload that should do the full, expensive check. Timed by
``bench/hostile.py``; ``tests/test_verification_cost.py`` checks that each gets a clear answer
at the expected cost. Pure: no Django, no database.
"""

from __future__ import annotations

import copy
import json
import zlib
from dataclasses import dataclass
from typing import Any

from credentials.rendering import BADGE_FILENAME
from credentials.verification_limits import (
    MAX_ARRAY_ITEMS,
    MAX_JSON_BYTES,
    MAX_JSON_DEPTH,
    MAX_JSON_VALUES,
)

MATCHES = "matches"  # the genuine credential: the full check, once
NOT_AUTHENTIC = "not authentic"  # read, compared with our record, refused: nothing costly
REFUSED = "refused"  # over a cap or not shaped like a credential: a clear 400


@dataclass(frozen=True)
class HostileFile:
    name: str
    kind: str  # "json" or "pdf"
    data: bytes
    expect: str  # MATCHES, NOT_AUTHENTIC or REFUSED


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def _fill_to(document: dict[str, Any], key_path: tuple[str, ...], size: int) -> bytes:
    """``document`` with the string at ``key_path`` padded so the whole is ``size`` bytes."""
    document = copy.deepcopy(document)
    target = document
    for part in key_path[:-1]:
        target = target[part]
    target[key_path[-1]] = ""
    padding = size - len(_dump(document))
    target[key_path[-1]] = "x" * max(padding, 0)
    return _dump(document)


def pdf_from(objects: list[bytes], *, trailer: bytes = b"") -> bytes:
    """A syntactically plausible PDF of ``objects`` (object 1 is the catalog), with its xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def pdf_embedding(payload: bytes, credential_id: str) -> bytes:
    """An unsigned PDF carrying ``payload`` as the badge attachment and our credential id, as a
    certificate does (one Flate-compressed embedded file, the id in the Info dictionary)."""
    name = BADGE_FILENAME.encode()
    compressed = zlib.compress(payload, 9)
    return pdf_from(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
            b"<< /Type /Filespec /F (%s) /UF (%s) /EF << /F 5 0 R >> >>" % (name, name),
            b"<< /Names [(%s) 3 0 R] >>" % name,
            b"<< /Length %d /Filter /FlateDecode /Type /EmbeddedFile >>\nstream\n%s\nendstream"
            % (len(compressed), compressed),
            b"<< /LineageCredentialId (%s) >>" % credential_id.encode(),
        ],
        trailer=b"/Info 6 0 R ",
    )


def _evidence(count: int, *, padding: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "id": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
            "type": ["Evidence"],
            f"undefinedTerm{index}": "x" * padding or "not in any context",
        }
        for index in range(count)
    ]


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"achievement": value}
    return value


def corpus(
    badge: dict[str, Any], credential_id: str, certificate: bytes | None = None
) -> list[HostileFile]:
    """The adversarial files for ``badge`` (a signed badge we issued, id ``credential_id``),
    and its signed ``certificate`` PDF if given."""
    values_per_evidence = 5  # the object, its id, type, the type's item, the undefined term
    files: list[HostileFile] = []

    def add(name: str, document_or_bytes: Any, expect: str, kind: str = "json") -> None:
        data = (
            document_or_bytes if isinstance(document_or_bytes, bytes) else _dump(document_or_bytes)
        )
        files.append(HostileFile(name, kind, data, expect))

    reordered = copy.deepcopy(badge)
    reordered["type"].reverse()
    reordered["credentialSubject"]["identifier"].reverse()
    add("genuine badge, arrays reordered (the full check)", reordered, MATCHES)
    if certificate is not None:
        add("genuine certificate PDF (the full check)", certificate, MATCHES, kind="pdf")

    add(
        "800 evidence objects with undefined terms",
        {**badge, "evidence": _evidence(800)},
        NOT_AUTHENTIC,
    )
    at_values = (MAX_JSON_VALUES - 200) // values_per_evidence
    at_cap = {**badge, "evidence": _evidence(min(at_values, MAX_ARRAY_ITEMS))}
    add(
        f"{len(at_cap['evidence']):,} evidence objects with undefined terms (list cap)",
        at_cap,
        NOT_AUTHENTIC,
    )
    types = [f"RelativeType{index}" for index in range(MAX_ARRAY_ITEMS - len(badge["type"]))]
    relative_types = _dump({**badge, "type": [*badge["type"], *types]})
    add(
        f"{MAX_ARRAY_ITEMS:,} distinct relative type values (list cap)",
        relative_types,
        NOT_AUTHENTIC,
    )
    add(
        "4,000 distinct relative type values",
        {**badge, "type": [*badge["type"], *(f"T{index}" for index in range(4_000))]},
        REFUSED,
    )
    integers = (MAX_JSON_BYTES - len(_dump(badge)) - 64) // 2
    add(
        f"{integers:,} integers in type (size cap)",
        {**badge, "type": [*badge["type"], *([7] * integers)]},
        REFUSED,
    )
    add("1.5 M integers in type (over the size cap)", {**badge, "type": [1] * 1_500_000}, REFUSED)
    for field in ("nonce", "proofValue", "verificationMethod"):
        add(
            f"huge proof {field} (size cap)",
            _fill_to(badge, ("proof", 0, field), MAX_JSON_BYTES - 16),
            NOT_AUTHENTIC,
        )
    deep = copy.deepcopy(badge)
    deep["credentialSubject"]["achievement"]["criteria"] = _nested(MAX_JSON_DEPTH - 4)
    add(f"nested {MAX_JSON_DEPTH} levels deep (depth cap)", deep, NOT_AUTHENTIC)
    deeper = copy.deepcopy(badge)
    deeper["credentialSubject"]["achievement"]["criteria"] = _nested(MAX_JSON_DEPTH + 10)
    add(f"nested {MAX_JSON_DEPTH + 14} levels deep", deeper, REFUSED)
    keys = {f"undefined{index}": index for index in range(MAX_JSON_VALUES - 200)}
    add(f"{len(keys):,} undefined properties (value cap)", {**badge, **keys}, NOT_AUTHENTIC)

    big = {**badge, "evidence": _evidence(800, padding=1_100)}
    big_bytes = _dump(big)
    add(
        f"unsigned PDF embedding the 800 evidence objects ({len(big_bytes) // 1024:,} KB JSON)",
        pdf_embedding(big_bytes, credential_id),
        NOT_AUTHENTIC,
        kind="pdf",
    )
    add(
        "unsigned PDF embedding 1,000 relative type values",
        pdf_embedding(relative_types, credential_id),
        NOT_AUTHENTIC,
        kind="pdf",
    )
    add(
        "unsigned PDF embedding the genuine badge",
        pdf_embedding(_dump(badge), credential_id),
        NOT_AUTHENTIC,
        kind="pdf",
    )
    return files
