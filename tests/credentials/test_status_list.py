"""W3C Bitstring Status List: encoding, bit order, revocation, signed status list credential."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credentials import data_integrity as di
from credentials import status_list as sl
from credentials.keys import resolve_verification_method
from credentials.ob3 import build_achievement_credential
from tests.credentials import CREATED, TEST_KEY, TEST_VM, sample_data

LIST_URL = "https://lineage.example/credentials/status/1"


def popcount(data: bytes) -> int:
    return sum(bin(byte).count("1") for byte in data)


def test_empty_list_has_the_minimum_size_and_no_bits():
    encoded = sl.encode_bitstring([])
    bits = sl.decode_bitstring(encoded)
    assert len(bits) * 8 == 131_072
    assert popcount(bits) == 0


def test_encoding_is_gzip_base64url_without_padding_with_u_prefix():
    encoded = sl.encode_bitstring([3, 99_999])
    assert encoded.startswith("u")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert raw == sl.decode_bitstring(encoded)


def test_decodes_the_w3c_specification_example():
    # encodedList of the example BitstringStatusListCredential in the W3C Recommendation.
    example = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    bits = sl.decode_bitstring(example)
    assert len(bits) == 16_384 and popcount(bits) == 0


@pytest.mark.parametrize(
    ("index", "byte", "mask"),
    [(0, 0, 0x80), (1, 0, 0x40), (7, 0, 0x01), (8, 1, 0x80), (131_071, 16_383, 0x01)],
)
def test_index_zero_is_the_leftmost_bit_of_the_first_byte(index, byte, mask):
    bits = sl.decode_bitstring(sl.encode_bitstring([index]))
    assert bits[byte] == mask
    assert popcount(bits) == 1


@settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=131_071), max_size=50))
def test_round_trip(indexes):
    encoded = sl.encode_bitstring(indexes)
    for index in indexes:
        assert sl.is_set(encoded, index)
    for probe in (0, 1, 4711, 65_536, 131_071):
        assert sl.is_set(encoded, probe) == (probe in indexes)
    assert popcount(sl.decode_bitstring(encoded)) == len(indexes)


def test_revoking_one_credential_flips_exactly_one_bit():
    revoked = {5, 17, 4_000}
    before = sl.decode_bitstring(sl.encode_bitstring(revoked))
    after = sl.decode_bitstring(sl.encode_bitstring(revoked | {4711}))
    assert popcount(bytes(a ^ b for a, b in zip(before, after, strict=True))) == 1
    assert not sl.is_set(sl.encode_bitstring(revoked), 4711)
    assert sl.is_set(sl.encode_bitstring(revoked | {4711}), 4711)


def test_encoding_is_deterministic():
    assert sl.encode_bitstring([1, 2, 3]) == sl.encode_bitstring([3, 2, 1, 1])


def test_larger_lists_are_supported():
    encoded = sl.encode_bitstring([1_000_000], size=8 * 200_000)
    assert len(sl.decode_bitstring(encoded)) == 200_000
    assert sl.is_set(encoded, 1_000_000)


@pytest.mark.parametrize(
    ("indexes", "size"),
    [([], 131_064), ([], 131_073), ([131_072], 131_072), ([-1], 131_072), ([True], 131_072)],
    ids=["too-small", "not-bytes", "index-too-large", "negative", "bool"],
)
def test_bad_sizes_and_indexes_are_refused(indexes, size):
    with pytest.raises(sl.StatusListError):
        sl.encode_bitstring(indexes, size=size)


def test_is_set_refuses_out_of_range_index():
    with pytest.raises(sl.StatusListError):
        sl.is_set(sl.encode_bitstring([]), 131_072)


def _u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "encoded",
    [
        sl.encode_bitstring([])[1:],  # no multibase prefix
        "uNotGzipAtAll",
        _u(gzip.compress(bytes(1024))),  # below the 131,072-entry minimum
        _u(gzip.compress(bytes(17 * 1024 * 1024))),  # decompression bomb
        _u(gzip.compress(bytes(16_384))[:-12]),  # truncated
    ],
    ids=["no-prefix", "garbage", "too-short", "bomb", "truncated"],
)
def test_malformed_lists_are_refused(encoded):
    with pytest.raises(sl.StatusListError):
        sl.decode_bitstring(encoded)


def test_status_list_credential_is_signed_and_verifies():
    encoded = sl.encode_bitstring([4711])
    credential = sl.build_status_list_credential(
        url=LIST_URL,
        issuer_id=TEST_VM.split("#")[0],
        valid_from=datetime(2025, 3, 1, 12, tzinfo=UTC),
        encoded_list=encoded,
    )
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": TEST_VM.split("#")[0],
        "validFrom": "2025-03-01T12:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    di.assert_terms_defined(credential)
    signed = di.sign_eddsa_rdfc_2022(
        credential, private_key=TEST_KEY, verification_method=TEST_VM, created=CREATED
    )
    assert di.verify_eddsa_rdfc_2022(signed, resolve_key=resolve_verification_method).ok
    signed["credentialSubject"]["encodedList"] = sl.encode_bitstring([])  # un-revoke
    assert not di.verify_eddsa_rdfc_2022(signed, resolve_key=resolve_verification_method).ok


def test_status_list_credential_with_valid_until_and_suspension():
    credential = sl.build_status_list_credential(
        url=LIST_URL,
        issuer_id="did:web:lineage.example",
        valid_from=datetime(2025, 3, 1, tzinfo=UTC),
        valid_until=datetime(2025, 3, 2, tzinfo=UTC),
        encoded_list=sl.encode_bitstring([]),
        purpose="suspension",
    )
    assert credential["validUntil"] == "2025-03-02T00:00:00Z"
    di.assert_terms_defined(credential)
    with pytest.raises(sl.StatusListError):
        sl.build_status_list_credential(
            url=LIST_URL,
            issuer_id="did:web:lineage.example",
            valid_from=datetime(2025, 3, 1, tzinfo=UTC),
            encoded_list=sl.encode_bitstring([]),
            purpose="expired",
        )


def test_credential_status_entry_points_at_the_revoked_bit():
    credential = build_achievement_credential(sample_data(status_list_index=4711))
    entry = credential["credentialStatus"]
    assert entry["statusListCredential"] == sample_data().status_list_credential_url
    index = int(entry["statusListIndex"])
    assert sl.is_set(sl.encode_bitstring([index]), index)
    assert not sl.is_set(sl.encode_bitstring([index + 1]), index)
