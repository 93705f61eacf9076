"""Comparing JSON-LD documents as the data model does: an array is an unordered set of values,
unless its context makes it an ordered ``@list``.

Reversing a credential's ``type`` or ``credentialSubject.identifier`` leaves its RDF, and so its
signature, unchanged: it is still the credential we issued. ``@context`` stays ordered (a later
context overrides an earlier one) and JSON literals (``@type: @json``) are compared exactly;
which terms are lists or literals is read from the bundled contexts. Conservative where a term
means different things in different scopes: ordered, exact. Pure: no Django.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from .jsonld_loader import BUNDLED_CONTEXTS, load_document

# Compared exactly: the contexts themselves, and a value object's value (a JSON literal's).
_EXACT_KEYS = frozenset({"@context", "@value"})


@cache
def _term_rules() -> tuple[frozenset[str], frozenset[str]]:
    """(terms whose arrays are ordered lists, terms whose values are JSON literals), in any
    scope of the bundled contexts."""
    lists: set[str] = {"@list"}
    literals: set[str] = set()
    stack: list[Any] = [load_document(url)["document"] for url in BUNDLED_CONTEXTS]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for term, definition in node.items():
            if isinstance(definition, dict):
                container = definition.get("@container")
                if container == "@list" or (isinstance(container, list) and "@list" in container):
                    lists.add(term)
                if definition.get("@type") == "@json":
                    literals.add(term)
            stack.append(definition)
    return frozenset(lists), frozenset(literals)


def _exact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _canonical(value: Any, ordered: bool) -> str:
    if isinstance(value, dict):
        lists, literals = _term_rules()
        parts = []
        for key in sorted(value):
            child = value[key]
            if key in _EXACT_KEYS or key in literals:
                text = _exact(child)
            else:
                text = _canonical(child, key in lists)
            parts.append(f"{json.dumps(key, ensure_ascii=False)}:{text}")
        return "{" + ",".join(parts) + "}"
    if isinstance(value, list):
        items = [_canonical(item, ordered) for item in value]
        if not ordered:
            items.sort()
        return "[" + ",".join(items) + "]"
    return json.dumps(value, ensure_ascii=False)


def canonical_json(document: Any) -> str:
    """A serialisation that two documents share exactly when they hold the same data: keys
    sorted, arrays of set values sorted, lists and JSON literals as they are. Unlike Python's
    ``==`` it tells ``true`` from ``1`` and ``1`` from ``1.0``, as RDF does."""
    return _canonical(document, False)


def _size(document: Any) -> int:
    return len(json.dumps(document, ensure_ascii=False, separators=(",", ":")))


def same_document(upload: Any, record: Any) -> bool:
    """Whether ``upload`` holds the same JSON-LD data as ``record``, arrays compared as sets.

    Reordering changes neither the keys nor the values, so a document with other top-level
    keys, or of another serialised size, differs without further work: comparing a hostile
    upload costs at most one C-speed dump.
    """
    if isinstance(upload, dict) and isinstance(record, dict) and upload.keys() != record.keys():
        return False
    if _size(upload) != _size(record):
        return False
    return canonical_json(upload) == canonical_json(record)


def identical(upload: Any, record: Any) -> bool:
    """Whether the two are the same JSON, array order included (key order aside)."""
    return _exact(upload) == _exact(record)
