"""Reading untrusted files for verification: the size cap, a strict JSON parser, PDF signatures.

Everything here accepts hostile input and answers in plain words instead of raising: a
``str`` return value is the problem to show the verifier.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from . import verification_checks as checks_
from .issuer import pdf_trust_roots
from .pdf_signing import (
    ALTERED,
    BAD_SIGNATURE,
    CHANGED,
    NOT_COVERED,
    NOT_PDF,
    NOT_SIGNED,
    UNCHECKABLE,
    UNTRUSTED,
    validate_signed_pdf,
)
from .verification_checks import Check
from .verification_limits import MAX_JSON_BYTES, json_limits_problem, shown


def max_upload_bytes() -> int:
    return int(getattr(settings, "LINEAGE_VERIFY_MAX_UPLOAD_BYTES", 5 * 1024 * 1024))


def size_problem(size: int) -> str | None:
    """The refusal for a file of ``size`` bytes, or None if it is within the limit."""
    limit = max_upload_bytes()
    if size > limit:
        return f"The file is larger than {limit / (1024 * 1024):g} MB, the most we accept."
    return None


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def parse_json_document(data: bytes) -> dict[str, Any] | str:
    """Parse untrusted JSON into an object, or return the problem in plain words.

    Within the upload limit and ``MAX_JSON_BYTES``; parsed first by the C parser alone and
    held to the caps of :mod:`credentials.verification_limits`, so the strict parse (no
    repeated keys, no NaN), whose hook runs in Python for every object, only sees a document
    of bounded size.
    """
    problem = size_problem(len(data))
    if problem:
        return problem
    if len(data) > MAX_JSON_BYTES:
        limit = MAX_JSON_BYTES / (1024 * 1024)
        return f"The JSON is larger than {limit:g} MB, far more than any credential."
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        return "This is not JSON: the file is not UTF-8 text."
    try:
        value = json.loads(text)
        if not isinstance(value, dict):
            return "This is not an Open Badges credential: the JSON is not an object."
        problem = json_limits_problem(value)
        if problem:
            return problem
        value = json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
        )
    except _DuplicateKey as exc:
        key = shown(exc.args[0], 80)
        return f"The JSON repeats the key {key}, so its meaning is ambiguous."
    except (ValueError, RecursionError) as exc:
        return f"This is not JSON: {str(exc)[:200] or 'it could not be parsed'}."
    return value


def pdf_file_checks(data: bytes) -> tuple[Check, Check] | str:
    validation = validate_signed_pdf(data, trust_roots=pdf_trust_roots())
    problems = validation.problems
    if NOT_PDF in problems:
        return NOT_PDF
    if validation.intact and validation.trusted:
        signed = Check(
            checks_.PDF_SIGNED,
            True,
            f"Signed by “{validation.signer_subject}”, whose "
            f"certificate chains to {settings.LINEAGE_ISSUER_NAME}'s own root.",
        )
    else:
        reason = next(
            (p for p in (NOT_SIGNED, UNCHECKABLE, BAD_SIGNATURE, UNTRUSTED) if p in problems), None
        )
        if reason is None and ALTERED in problems:
            reason = ALTERED  # who signed cannot be confirmed for content that changed
        signed = Check(checks_.PDF_SIGNED, False, reason or UNCHECKABLE)
    changed = next((p for p in (ALTERED, CHANGED, NOT_COVERED) if p in problems), None)
    if NOT_SIGNED in problems or UNCHECKABLE in problems:
        unchanged = Check(
            checks_.PDF_UNCHANGED,
            False,
            "Without a valid signature, changes to the file cannot be detected.",
        )
    elif changed or validation.modified_after_signing:
        unchanged = Check(checks_.PDF_UNCHANGED, False, changed or CHANGED)
    else:
        unchanged = Check(
            checks_.PDF_UNCHANGED,
            True,
            "The signature covers the whole file; nothing was changed or added after signing.",
        )
    return signed, unchanged
