"""The per-process memo of canonical proof configs never changes what is signed.

``hash_data`` canonicalises each distinct proof config once per process (issuance repeats the
same config within a second). A memo keyed on less than the whole config would sign one
credential's ``created`` with another's: these tests catch that.
"""

from __future__ import annotations

import copy
import gc
import json
import tracemalloc

from credentials import data_integrity as di
from credentials.keys import resolve_verification_method
from tests.credentials import TEST_KEY, TEST_VM, signed_vector


def unsigned() -> dict:
    return {k: v for k, v in copy.deepcopy(signed_vector()).items() if k != "proof"}


def sign(document: dict, created: str) -> dict:
    return di.sign_eddsa_rdfc_2022(
        document, private_key=TEST_KEY, verification_method=TEST_VM, created=created
    )


def test_memoised_config_is_the_uncached_canonical_form():
    di._canonical_proof_config.cache_clear()
    document = unsigned()
    for created in ("2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"):
        proof = sign(document, created)["proof"][0]
        config = di._proof_config(document, proof)
        cached = di._canonical_proof_config(json.dumps(config, sort_keys=True))
        assert cached == di.canonicalize(config).encode()
        assert f'"{created}"' in cached.decode()
    assert di._canonical_proof_config.cache_info().currsize == 2


def test_signatures_made_through_the_memo_verify_without_it():
    di._canonical_proof_config.cache_clear()
    document = unsigned()
    first = sign(document, "2026-01-01T00:00:00Z")
    again = sign(document, "2026-01-01T00:00:00Z")  # a memo hit
    later = sign(document, "2026-01-01T00:00:07Z")
    assert di._canonical_proof_config.cache_info().hits >= 1
    assert again == first
    di._canonical_proof_config.cache_clear()
    for signed in (first, later):
        assert di.verify_eddsa_rdfc_2022(signed, resolve_key=resolve_verification_method).ok


def test_proof_configs_from_uploads_are_not_kept():
    """Issue 12 finding 3: the memo was keyed on whatever proof an uploader sent, so distinct
    megabyte nonces each stayed in memory (about 2 GB a worker at 256 entries)."""
    document = sign(unsigned(), "2026-01-01T00:00:00Z")
    assert di.verify_eddsa_rdfc_2022(document, resolve_key=resolve_verification_method).ok
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(8):
            upload = copy.deepcopy(document)
            upload["proof"][0]["nonce"] = f"{number}" + "n" * 256 * 1024
            result = di.verify_eddsa_rdfc_2022(upload, resolve_key=resolve_verification_method)
            assert not result.ok  # the nonce is signed too: changing it breaks the signature
            del upload
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 512 * 1024, f"{kept / 1e6:.1f} MB kept after eight uploads"


def test_our_own_configs_are_still_memoised():
    di._canonical_proof_config.cache_clear()
    document = sign(unsigned(), "2026-01-01T00:00:00Z")
    assert di.verify_eddsa_rdfc_2022(document, resolve_key=resolve_verification_method).ok
    assert di._canonical_proof_config.cache_info().hits == 1  # signed, then verified
