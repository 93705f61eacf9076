"""Offline JSON-LD document loader serving only the contexts bundled in ``credentials/jsonld``.

Signing and verification must never depend on the network: a context fetched at run time could
change what a signature covers. Every pyld call in this package goes through
:func:`processing_options`, which pins both the loader and a private resolved-context cache.
"""

from __future__ import annotations

import copy
import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld.context_resolver import ContextResolver

JSONLD_DIR = Path(__file__).resolve().parent / "jsonld"

VC_V2_CONTEXT_URL = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

BUNDLED_CONTEXTS: dict[str, str] = {
    VC_V2_CONTEXT_URL: "credentials-v2.jsonld",
    OB_V3P0_CONTEXT_URL: "context-3.0.3.json",
}


class _LockedLRUCache(LRUCache):
    """The only two methods pyld's ContextResolver calls, serialised for threaded workers."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self._lock = threading.RLock()

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return super().get(key, default)

    def __setitem__(self, key: Any, value: Any) -> None:
        with self._lock:
            super().__setitem__(key, value)


# Private to this module: pyld's default cache is process-global and shared with any other
# loader, so a context resolved elsewhere (possibly from the network) could otherwise be reused.
# Our two contexts resolve to ~30 entries (scoped contexts included); the bound only matters
# for inline contexts in untrusted documents being verified.
_RESOLVED_CONTEXTS: LRUCache = _LockedLRUCache(maxsize=256)


class UnknownContextError(LookupError):
    """Raised when a JSON-LD document other than a bundled context is requested."""

    def __init__(self, url: str) -> None:
        self.url = url
        allowed = ", ".join(sorted(BUNDLED_CONTEXTS))
        super().__init__(
            f"refusing to load JSON-LD document {url!r}: only the bundled contexts "
            f"({allowed}) are available and the network is never used"
        )


@cache
def _bundled_document(url: str) -> dict[str, Any]:
    with open(JSONLD_DIR / BUNDLED_CONTEXTS[url], encoding="utf-8") as fh:
        return json.load(fh)


def load_document(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: return a bundled context by its exact URL, refuse anything else.

    Raises :class:`UnknownContextError` for any URL that is not bundled (pyld wraps it in a
    ``JsonLdError`` whose ``__cause__`` is this error).
    """
    if url not in BUNDLED_CONTEXTS:
        raise UnknownContextError(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        # pyld may rewrite URLs inside a context it resolves, so never hand out the cached dict.
        "document": copy.deepcopy(_bundled_document(url)),
        # "static" lets the resolver keep the processed context across calls.
        "tag": "static",
    }


def processing_options(**extra: Any) -> dict[str, Any]:
    """Options for any pyld call: the offline loader plus the private resolved-context cache."""
    options: dict[str, Any] = {
        "documentLoader": load_document,
        "contextResolver": ContextResolver(_RESOLVED_CONTEXTS, load_document),
    }
    options.update(extra)
    return options
