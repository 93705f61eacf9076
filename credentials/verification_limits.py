"""What an uploaded credential must look like before anything costly runs on it.

A Lineage badge is about 4 KB, six levels deep, with a handful of short lists. An upload may be
anything, so it is held to hard caps (size, nesting, list length, number of values) and to the
envelope every Open Badges 3.0 credential has, in one linear pass. JSON-LD expansion,
canonicalisation and the full schema only run on an upload that already matches a credential
we issued (:mod:`credentials.verification`), so these checks are all that any other upload
costs. Pure: no Django.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import FormatChecker

from .jsonld_loader import VC_V2_CONTEXT_URL

MAX_JSON_BYTES = 1024 * 1024  # the most a PDF attachment is inflated to, too
MAX_JSON_DEPTH = 64
MAX_ARRAY_ITEMS = 1_000
MAX_JSON_VALUES = 20_000  # a badge has about 60

# The bundled AchievementCredential schema's own pattern for the second @context entry.
_OB_CONTEXT = re.compile(
    r"^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$"
)
_REQUIRED = ("@context", "id", "type", "credentialSubject", "issuer", "validFrom")
_CREDENTIAL_TYPES = ("AchievementCredential", "OpenBadgeCredential")
_DATES = FormatChecker(formats=["date-time"])


def shown(value: Any, limit: int = 60) -> str:
    """A short ``repr`` for messages: an upload's values can be megabytes long."""
    return clipped(repr(value), limit)


def clipped(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_limits_problem(value: Any) -> str | None:
    """The first cap ``value`` breaks, in plain words, or None. Stops as soon as one is broken."""
    count = 1
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep."
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            if len(node) > MAX_ARRAY_ITEMS:
                return (
                    f"The JSON has a list of {len(node):,} items; a credential's lists have "
                    f"at most {MAX_ARRAY_ITEMS:,}."
                )
            children = node
        else:
            continue
        count += len(children)
        if count > MAX_JSON_VALUES:
            return (
                f"The JSON holds more than {MAX_JSON_VALUES:,} values, far more than a credential."
            )
        stack.extend((child, depth + 1) for child in children)
    return None


def _context_problems(context: Any) -> list[str]:
    if not isinstance(context, list):
        return [f"at @context: {shown(context)} is not of type 'array'"]
    if len(context) < 2:
        return [f"at @context: {shown(context)} is too short"]
    problems = []
    if context[0] != VC_V2_CONTEXT_URL:
        problems.append(f"at @context/0: {shown(context[0])} is not {VC_V2_CONTEXT_URL!r}")
    if not isinstance(context[1], str) or not _OB_CONTEXT.match(context[1]):
        problems.append(
            f"at @context/1: {shown(context[1])} does not match the Open Badges 3.0 context"
        )
    problems += [
        f"at @context/{index}: {shown(item)} is not of type 'string', 'object'"
        for index, item in enumerate(context[2:], start=2)
        if not isinstance(item, str | dict)
    ]
    return problems


def _type_problems(types: Any) -> list[str]:
    if not isinstance(types, list) or not types:
        return [f"at type: {shown(types)} is not a non-empty array"]
    strings = [t for t in types if isinstance(t, str)]
    if len(strings) != len(types):
        return ["at type: every item must be of type 'string'"]
    problems = []
    if "VerifiableCredential" not in strings:
        problems.append("at type: does not contain 'VerifiableCredential'")
    if not any(t in strings for t in _CREDENTIAL_TYPES):
        problems.append(
            "at type: does not contain 'AchievementCredential' or 'OpenBadgeCredential'"
        )
    return problems


def envelope_problems(document: dict[str, Any]) -> list[str]:
    """Where ``document`` lacks the envelope of an Open Badges 3.0 AchievementCredential.

    Only the top level, each rule one the bundled 1EdTech schema also enforces (so a
    schema-valid credential always passes): the required properties, ``@context``, ``type``,
    ``id``, ``issuer``, ``credentialSubject``, the dates and the shape of ``proof``. Phrased as
    the schema's own messages are.
    """
    missing = [key for key in _REQUIRED if key not in document]
    problems = [f"at the top level: {key!r} is a required property" for key in missing]
    if "@context" in document:
        problems += _context_problems(document["@context"])
    if "type" in document:
        problems += _type_problems(document["type"])
    if "id" in document and not isinstance(document["id"], str):
        problems.append(f"at id: {shown(document['id'])} is not of type 'string'")
    if "issuer" in document and not isinstance(document["issuer"], str | dict):
        problems.append(f"at issuer: {shown(document['issuer'])} is not of type 'string', 'object'")
    subject = document.get("credentialSubject", {})
    if not isinstance(subject, dict):
        problems.append(f"at credentialSubject: {shown(subject)} is not of type 'object'")
    for key in ("validFrom", "validUntil"):
        if key in document:
            value = document[key]
            if not isinstance(value, str):
                problems.append(f"at {key}: {shown(value)} is not of type 'string'")
            elif not _DATES.conforms(value, "date-time"):
                problems.append(f"at {key}: {shown(value)} is not a 'date-time'")
    proofs = document.get("proof", [])
    if not isinstance(proofs, list):
        problems.append(f"at proof: {shown(proofs)} is not of type 'array'")
    else:
        problems += [
            f"at proof/{index}: {shown(proof)} is not of type 'object'"
            for index, proof in enumerate(proofs)
            if not isinstance(proof, dict)
        ][:5]
    return problems
