"""W3C Bitstring Status List v1.0: encoded lists and ``BitstringStatusListCredential`` documents.

Index 0 is the left-most (most significant) bit of the first byte. The encoded list is the
GZIP-compressed bitstring, base64url without padding, with the multibase prefix "u".
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .jsonld_loader import VC_V2_CONTEXT_URL
from .ob3 import format_datetime_z

MIN_SIZE = 131_072  # bits (16 KiB): the spec's minimum, for herd privacy
MAX_DECODED_BYTES = 16 * 1024 * 1024  # refuse gzip bombs from remote status lists
STATUS_PURPOSES = ("revocation", "suspension", "refresh", "message")


class StatusListError(ValueError):
    """An encoded status list is malformed, or an index is out of range."""


def encode_bitstring(revoked_indexes: Iterable[int], *, size: int = MIN_SIZE) -> str:
    """Encode the set bits ``revoked_indexes`` into an ``encodedList`` value of ``size`` bits.

    ``size`` must be a multiple of 8 and at least 131,072. Output is deterministic (gzip mtime 0)
    so an unchanged list re-encodes to the same string.
    """
    if size < MIN_SIZE or size % 8:
        raise StatusListError(f"size must be a multiple of 8 and >= {MIN_SIZE}, got {size}")
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if isinstance(index, bool) or not 0 <= index < size:
            raise StatusListError(f"status index {index!r} outside 0..{size - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bitstring(encoded: str) -> bytes:
    """Decode an ``encodedList`` value back to the raw (uncompressed) bitstring bytes."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList must be a multibase base64url string ('u' prefix)")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(wbits=31)  # 31: gzip container only
        bits = inflater.decompress(compressed, MAX_DECODED_BYTES)
    except (ValueError, zlib.error) as exc:
        raise StatusListError(f"encodedList is not base64url gzip data: {exc}") from exc
    if inflater.unconsumed_tail:
        raise StatusListError(f"decoded status list exceeds {MAX_DECODED_BYTES} bytes")
    if not inflater.eof:
        raise StatusListError("encodedList gzip stream is truncated")
    if len(bits) * 8 < MIN_SIZE:
        raise StatusListError(f"status list holds {len(bits) * 8} entries, minimum is {MIN_SIZE}")
    return bits


def is_set(encoded: str, index: int) -> bool:
    """Return whether bit ``index`` of an ``encodedList`` is set (1 = revoked for revocation)."""
    bits = decode_bitstring(encoded)
    if isinstance(index, bool) or not 0 <= index < len(bits) * 8:
        raise StatusListError(f"status index {index!r} outside 0..{len(bits) * 8 - 1}")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def build_status_list_credential(
    *,
    url: str,
    issuer_id: str,
    valid_from: datetime,
    encoded_list: str,
    purpose: str = "revocation",
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Build the unsigned ``BitstringStatusListCredential`` published at ``url``.

    Uses only the VC v2 context, which defines every term. Sign it with
    :func:`credentials.data_integrity.sign_eddsa_rdfc_2022` like any credential.
    """
    if purpose not in STATUS_PURPOSES:
        raise StatusListError(f"unknown statusPurpose {purpose!r}")
    decode_bitstring(encoded_list)  # never publish a list verifiers cannot read
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT_URL],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": format_datetime_z(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime_z(valid_until)
    credential["credentialSubject"] = {
        "id": f"{url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encoded_list,
    }
    return credential
