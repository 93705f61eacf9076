"""The published revocation list at /credentials/status/1: signed, correct, cached, fresh."""

from unittest import mock

import pytest
from django.core.cache import cache

from accounts.services import account_delete
from courses import services as course_services
from courses.models import LessonPage
from credentials import services, status
from credentials.data_integrity import verify_eddsa_rdfc_2022
from credentials.issuer import active_signing_key, reset_issuer_caches
from credentials.keys import multibase_to_ed25519_public
from credentials.models import Credential, StatusListCounter
from credentials.rendering import STATUS_LIST_PATH, status_list_url
from credentials.status_list import MIN_SIZE, decode_bitstring, encode_bitstring, is_set

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def issuer_in_tmp(settings, tmp_path):
    """Fresh keys in a scratch directory, and a status-list cache nobody else filled."""
    settings.LINEAGE_KEY_DIR = str(tmp_path / "keys")
    reset_issuer_caches()
    cache.delete(status.GENERATION_KEY)
    yield
    reset_issuer_caches()
    cache.delete(status.GENERATION_KEY)


@pytest.fixture
def complete_course(make_course, django_capture_on_commit_callbacks):
    """Complete ``course`` as ``user``, running on-commit callbacks (the Celery enqueue)."""

    def run(course, user) -> Credential:
        course_services.enrollment_create(user=user, course=course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in LessonPage.objects.child_of(course).order_by("path"):
                course_services.step_complete(user=user, step=lesson)
        return Credential.objects.get(user=user, course=course, status="issued")

    return run


@pytest.fixture
def two_credentials(complete_course, make_course, learner, other_learner):
    course = make_course("Status course", lessons=1)
    return complete_course(course, learner), complete_course(course, other_learner)


def published_resolver(client):
    """Resolve verification methods only through what /credentials/issuer/keys.json lists."""
    listing = client.get("/credentials/issuer/keys.json").json()
    methods = {
        vm: key["publicKeyMultibase"]
        for key in listing["keys"]
        for vm in key["verificationMethod"].values()
    }
    return lambda vm: multibase_to_ed25519_public(methods[vm])


def fetch_list(client) -> dict:
    response = client.get(STATUS_LIST_PATH)
    assert response.status_code == 200
    document = response.json()
    result = verify_eddsa_rdfc_2022(document, resolve_key=published_resolver(client))
    assert result.ok, result.reason
    return document


def set_bits(document) -> int:
    bits = decode_bitstring(document["credentialSubject"]["encodedList"])
    return sum(bin(byte).count("1") for byte in bits)


def revoke(credential, capture, reason=Credential.RevocationReason.MISCONDUCT):
    with capture(execute=True):
        return services.credential_revoke(
            credential=credential, reason=reason, note="", actor="test"
        )


def test_credentials_point_at_the_published_list(two_credentials):
    credential, _ = two_credentials
    entry = credential.badge["credentialStatus"]
    assert entry["statusListCredential"] == status_list_url()
    assert status_list_url().endswith(STATUS_LIST_PATH)
    assert entry["statusPurpose"] == "revocation"
    assert int(entry["statusListIndex"]) == credential.status_list_index


def test_published_list_is_a_signed_bitstring_status_list(client):
    response = client.get(STATUS_LIST_PATH)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["id"] == status_list_url()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == active_signing_key().issuer_id
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    assert len(decode_bitstring(subject["encodedList"])) * 8 >= MIN_SIZE
    assert set_bits(document) == 0
    resolve = published_resolver(client)
    assert verify_eddsa_rdfc_2022(document, resolve_key=resolve).ok
    # The proof covers the list: un-revoking by editing it breaks the signature.
    subject["encodedList"] = encode_bitstring([7])
    assert not verify_eddsa_rdfc_2022(document, resolve_key=resolve).ok


def test_revocation_flips_exactly_that_credentials_bit(
    client, two_credentials, django_capture_on_commit_callbacks
):
    revoked, kept = two_credentials
    before = fetch_list(client)
    assert not is_set(before["credentialSubject"]["encodedList"], revoked.status_list_index)

    revoke(revoked, django_capture_on_commit_callbacks)

    after = fetch_list(client)
    encoded = after["credentialSubject"]["encodedList"]
    assert is_set(encoded, revoked.status_list_index)
    assert not is_set(encoded, kept.status_list_index)
    assert set_bits(after) == 1


def test_withdrawal_on_account_deletion_sets_the_bit(
    client, two_credentials, learner, django_capture_on_commit_callbacks
):
    withdrawn, kept = two_credentials
    fetch_list(client)  # cached before the deletion
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=learner)
    withdrawn.refresh_from_db()
    assert withdrawn.status == Credential.Status.WITHDRAWN
    encoded = fetch_list(client)["credentialSubject"]["encodedList"]
    assert is_set(encoded, withdrawn.status_list_index)
    assert not is_set(encoded, kept.status_list_index)


def test_cached_list_is_served_without_queries_until_a_revocation(
    client, two_credentials, django_assert_num_queries, django_capture_on_commit_callbacks
):
    revoked, _ = two_credentials
    first = client.get(STATUS_LIST_PATH).content
    with django_assert_num_queries(0):
        assert client.get(STATUS_LIST_PATH).content == first

    revoke(revoked, django_capture_on_commit_callbacks)

    fresh = client.get(STATUS_LIST_PATH)
    assert fresh.content != first
    assert is_set(fresh.json()["credentialSubject"]["encodedList"], revoked.status_list_index)


def test_rebuilding_reads_the_revoked_indexes_in_one_query(
    client, two_credentials, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for credential in two_credentials:
        revoke(credential, django_capture_on_commit_callbacks)
    # Revoked indexes, the allocation counter, the active key: however many are revoked.
    with django_assert_max_num_queries(3):
        assert set_bits(client.get(STATUS_LIST_PATH).json()) == 2


def test_invalidation_waits_for_the_commit(two_credentials, django_capture_on_commit_callbacks):
    """Invalidating before the commit would let a reader cache the old statuses again."""
    revoked, _ = two_credentials
    generation = status._current_generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.credential_revoke(
            credential=revoked, reason="issued_in_error", note="", actor="test"
        )
    assert status._current_generation() == generation
    for callback in callbacks:
        callback()
    assert status._current_generation() != generation


def test_unchanged_list_answers_a_conditional_request_with_304(client):
    first = client.get(STATUS_LIST_PATH)
    assert first["ETag"] and "no-cache" in first["Cache-Control"]
    again = client.get(STATUS_LIST_PATH, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert client.head(STATUS_LIST_PATH).status_code == 200
    assert client.post(STATUS_LIST_PATH).status_code == 405


def test_list_grows_past_the_minimum_to_cover_every_allocated_index(client):
    StatusListCounter.objects.update_or_create(pk=1, defaults={"next_index": MIN_SIZE + 1})
    encoded = client.get(STATUS_LIST_PATH).json()["credentialSubject"]["encodedList"]
    assert len(decode_bitstring(encoded)) * 8 == 2 * MIN_SIZE
    assert not is_set(encoded, MIN_SIZE)  # in range for verifiers, and not revoked


def test_a_cache_outage_still_serves_a_correct_list(client, two_credentials):
    revoked, _ = two_credentials
    Credential.objects.filter(pk=revoked.pk).update(
        status=Credential.Status.REVOKED, revoked_at=revoked.issued_at
    )
    with mock.patch.object(status.cache, "get", side_effect=ConnectionError("cache down")):
        response = client.get(STATUS_LIST_PATH)
    assert response.status_code == 200
    assert is_set(response.json()["credentialSubject"]["encodedList"], revoked.status_list_index)


def test_other_list_numbers_do_not_exist(client):
    assert client.get("/credentials/status/2", follow=True).status_code == 404
