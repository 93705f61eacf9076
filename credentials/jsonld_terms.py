"""What JSON-LD expansion would drop from a document, and where: dropped data is not signed.

Canonicalisation silently leaves out anything JSON-LD cannot map to an absolute IRI (terms no
context defines, nulls, relative ``@id``/``@type`` values), so a signature would not cover it.
:func:`check_terms` finds all of it with one expansion and one walk over the document, however
many problems there are, and lists at most ``MAX_REPORTED`` of each kind. Pure: no Django.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from pyld import jsonld

from .jsonld_loader import processing_options

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:\S*$")
_KEYWORD_LIKE = re.compile(r"^@[A-Za-z]+$")
_KEYWORDS = frozenset(
    "@base @container @context @direction @graph @id @import @included @index @json @language "
    "@list @nest @none @prefix @propagate @protected @reverse @set @type @value @version "
    "@vocab".split()
)
MAX_REPORTED = 64  # problems of one kind listed before "N more"


class UndefinedTermError(ValueError):
    """The document holds data that JSON-LD expansion would drop, so it could not be signed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "JSON-LD expansion drops these properties/values, so they would not be signed: "
            + "; ".join(problems)
        )


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


def _keyword_like(key: str) -> bool:
    """``@name`` keys that are not keywords: JSON-LD 1.1 ignores them (pyld reports None)."""
    return bool(_KEYWORD_LIKE.match(key)) and key not in _KEYWORDS


def _index(
    document: dict[str, Any], names: set[str | None], values: set[str]
) -> tuple[list[str], dict[str | None, list[str]], dict[str, list[str]]]:
    """One walk over ``document``: the paths of null values, of keys named in ``names`` and of
    string values in ``values``."""
    nulls: list[str] = []
    keys: dict[str | None, list[str]] = {}
    found: dict[str, list[str]] = {}
    for path, value in _walk(document):
        if value is None:
            nulls.append(_format_path(path))
        elif isinstance(value, str):
            if value in values:
                found.setdefault(value, []).append(_format_path(path))
        elif isinstance(value, dict) and names:
            for key in value:
                name = None if _keyword_like(key) else key
                if key != "@context" and name in names:
                    keys.setdefault(name, []).append(_format_path((*path, key)))
    return nulls, keys, found


def _capped(problems: list[str], more: str) -> list[str]:
    if len(problems) <= MAX_REPORTED:
        return problems
    return [*problems[:MAX_REPORTED], f"{len(problems) - MAX_REPORTED} more {more}"]


def _dropped_problems(dropped: list[str | None], keys: dict[str | None, list[str]]) -> list[str]:
    """Where the dropped terms are: pyld names them, the walk finds where such keys are.

    A name found as often as it was dropped is placed exactly; one also used where a scoped
    context defines it is reported with every place it could be.
    """
    counts = Counter(dropped)
    located: list[str] = []
    unplaced = 0
    for name, count in counts.items():
        paths = keys.get(name, [])
        if len(paths) == count:
            located += [f"{path} (undefined term)" for path in paths]
        elif paths:
            places = ", ".join(paths[:5]) + (", …" if len(paths) > 5 else "")
            located.append(f"undefined term {name!r} in {count} of these places: {places}")
        else:
            unplaced += count
    more = max(0, len(located) - MAX_REPORTED) + unplaced
    problems = located[:MAX_REPORTED]
    if more:
        names = sorted({repr(name) for name in dropped})
        listed = ", ".join(names[:MAX_REPORTED]) + (", …" if len(names) > MAX_REPORTED else "")
        problems.append(f"{more} more undefined term(s) among {listed}")
    return problems


def check_terms(document: dict[str, Any]) -> list[Any]:
    """Expand ``document`` and raise :class:`UndefinedTermError` if anything would be dropped.

    One expansion and one walk over the document, however many problems it has.
    """
    expanded, dropped = _expand(document)
    relative = list(dict.fromkeys(_relative_iris(expanded)))
    nulls, keys, found = _index(document, set(dropped), set(relative))
    problems = _capped([f"{path} (null value)" for path in nulls], "null value(s)")
    if dropped:
        problems += _dropped_problems(dropped, keys)
    located: list[str] = []
    for iri in relative:
        paths = found.get(iri, [])
        located += [f"{path} (relative IRI {iri!r})" for path in paths] or [f"relative IRI {iri!r}"]
    problems += _capped(located, "relative IRI(s)")
    if problems:
        raise UndefinedTermError(problems)
    return expanded


def assert_terms_defined(document: dict[str, Any]) -> None:
    """Raise :class:`UndefinedTermError` if JSON-LD expansion would drop any part of ``document``.

    Detects properties that no context defines, null values, and type/id/datatype values that do
    not expand to absolute IRIs (RDF conversion skips those). The error lists the JSON paths.
    Contexts are resolved only through the bundled offline loader.
    """
    check_terms(document)
