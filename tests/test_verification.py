"""The verification core: verdicts by id, from the PDF and from the JSON, cache, log, queries."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services as course_services
from credentials import services
from credentials.models import Credential, VerificationEvent
from credentials.pdf import CertificateData, render_certificate_pdf
from credentials.pdf_signing import ensure_dev_pki, load_pdf_signer, sign_pdf
from credentials.rendering import BADGE_FILENAME
from credentials.verification import (
    NOT_FOUND,
    cache_timeout,
    verify_by_id,
    verify_json,
    verify_pdf,
)
from credentials.verification_log import verification_event_record, verification_log_for
from tests.verification_support import (
    HOLDER_NAME,
    append_incremental_update,
    badge_bytes,
    flip_signed_byte,
    pdf_of,
)

pytest_plugins = ["tests.verification_support"]  # fixtures: issue, revoke, fresh_cache
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def names(verdict):
    return {check.name: check.passed for check in verdict.checks}


def failed(verdict):
    return [check for check in verdict.checks if not check.passed]


def results(verdict) -> dict[str, str]:
    """Each check's result as the page words it: Passed, Failed or Not checked."""
    return {
        c.name: "Passed" if c.passed else "Failed" if c.checked else "Not checked"
        for c in verdict.checks
    }


# --- by id -------------------------------------------------------------------------------------


def test_valid_credential(issue):
    credential = issue(visibility="full")
    verdict = verify_by_id(credential.public_id, channel="page")
    assert verdict.found and verdict.valid and verdict.status == "valid"
    assert verdict.headline == "Valid credential"
    assert names(verdict) == {
        "Issued by this issuer": True,
        "Signature valid": True,
        "Not revoked": True,
        "Not superseded": True,
        "Not expired": True,
    }
    assert verdict.holder == {"name": HOLDER_NAME}
    assert verdict.achievement["name"] == credential.snapshot["course"]["title"]
    assert verdict.achievement["skills"] == ["bias", "qa"]
    assert verdict.achievement["edition"] == credential.snapshot["edition"]
    assert verdict.issued_on == timezone.localdate(credential.issued_at)
    assert verdict.badge_download


def test_achievement_only_visibility_hides_the_name(issue):
    credential = issue(visibility="achievement")
    verdict = verify_by_id(credential.public_id, channel="page")
    assert verdict.valid and verdict.holder == {}
    assert HOLDER_NAME not in json.dumps(verdict.to_api(), ensure_ascii=False)
    assert verdict.badge_download  # the badge was issued without the name


def test_hiding_the_name_later_withholds_a_badge_that_carries_it(issue):
    credential = issue(visibility="full")
    services.credential_visibility_set(credential=credential, visibility="achievement")
    verdict = verify_by_id(credential.public_id, channel="page")
    assert verdict.valid and verdict.holder == {}
    assert not verdict.badge_download  # the signed badge names the holder: not served


def test_revoked_with_date_and_reason(issue, revoke):
    credential = revoke(issue())
    verdict = verify_by_id(credential.public_id, channel="api")
    assert verdict.status == "revoked" and not verdict.valid
    assert verdict.headline == "Revoked on 3 March 2027: issued in error"
    not_revoked = next(c for c in verdict.checks if c.name == "Not revoked")
    assert not not_revoked.passed
    assert f"Bit {credential.status_list_index} of the published status list is set" in (
        not_revoked.detail
    )
    assert verdict.revoked_on.isoformat() == "2027-03-03"


def test_published_status_bit_alone_revokes(issue):
    credential = issue()
    with mock.patch("credentials.verification_checks.published_status_bit", return_value=True):
        verdict = verify_by_id(credential.public_id, channel="page")
    assert verdict.status == "revoked" and verdict.headline == "Revoked"


def test_expired(issue):
    credential = issue(valid_for_days=30)
    Credential.objects.filter(pk=credential.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    verdict = verify_by_id(credential.public_id, channel="page")
    yesterday = timezone.localdate() - timedelta(days=1)
    assert verdict.status == "expired" and not verdict.valid
    assert verdict.headline == f"Expired on {yesterday.day} {yesterday:%B %Y}"
    assert [c.name for c in failed(verdict)] == ["Not expired"]


def test_superseded_links_to_the_newer_credential(issue, learner):
    first = issue(visibility="full")
    enrollment = first.course.enrollments.get(user=learner)
    course_services.enrollment_restart(enrollment=enrollment)
    second = issue(visibility="full", course=first.course)
    verdict = verify_by_id(first.public_id, channel="page")
    assert verdict.status == "superseded" and verdict.superseded_by == second.public_id
    assert verdict.headline == "Superseded by a newer credential"
    assert second.verify_url in next(c for c in verdict.checks if c.name == "Not superseded").detail


def test_withdrawn(issue):
    credential = issue()
    Credential.objects.filter(pk=credential.pk).update(status=Credential.Status.WITHDRAWN)
    verdict = verify_by_id(credential.public_id, channel="page")
    assert verdict.status == "withdrawn" and not verdict.valid
    assert verdict.headline == "Withdrawn: the holder closed their account"


def test_pending_credential_is_not_valid(issue, learner, make_course):
    course = make_course("Pending course", lessons=1)
    with mock.patch("credentials.tasks.issue_credential.delay_on_commit"):
        credential = issue(course=course)
    assert credential.status == Credential.Status.PENDING
    verdict = verify_by_id(credential.public_id, channel="page")
    assert verdict.status == "pending" and verdict.headline == "Not issued yet"


def test_unknown_and_hidden_ids_are_the_same_not_found(issue):
    hidden = issue(visibility="off")
    assert hidden.visibility == "off"
    unknown = verify_by_id("A" * 27, channel="page")
    off = verify_by_id(hidden.public_id, channel="page")
    assert unknown == off == NOT_FOUND
    assert off.to_api() == {"status": "not_found"}
    assert verify_by_id("../../etc/passwd", channel="page") == NOT_FOUND


def test_a_tampered_stored_badge_is_not_valid(issue):
    credential = issue()
    badge = credential.badge
    badge["credentialSubject"]["achievement"]["name"] = "Something grander"
    Credential.objects.filter(pk=credential.pk).update(badge=badge)
    verdict = verify_by_id(credential.public_id, channel="page")
    assert verdict.status == "failed" and not verdict.found
    assert verdict.headline.startswith("Not valid: the signature does not match")
    assert verdict.holder == {} and verdict.achievement == {}


def test_a_badge_signed_with_someone_elses_key_is_not_ours(issue):
    credential = issue()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from credentials.data_integrity import sign_eddsa_rdfc_2022
    from credentials.keys import did_key_for, did_key_verification_method

    other = Ed25519PrivateKey.generate()
    unsigned = {k: v for k, v in credential.badge.items() if k != "proof"}
    unsigned["issuer"] = {**unsigned["issuer"], "id": did_key_for(other.public_key())}
    forged = sign_eddsa_rdfc_2022(
        unsigned,
        private_key=other,
        verification_method=did_key_verification_method(other.public_key()),
        created="2026-01-01T00:00:00Z",
    )
    verdict = verify_json(json.dumps(forged).encode())
    assert verdict.status == "failed"
    issuer_check = next(c for c in verdict.checks if c.name == "Issued by this issuer")
    assert not issuer_check.passed and "is not Lineage" in issuer_check.detail


# --- cache and queries -------------------------------------------------------------------------


def test_queries_are_bounded_and_the_cache_serves_repeats(issue, django_assert_max_num_queries):
    credential, other = issue(), issue()
    # The credential's state, then its whole record (a cache miss), issuer keys; the status
    # list publisher builds the list once (revoked indexes, allocation counter, signing key)
    # and caches it until the next revocation.
    with django_assert_max_num_queries(6):
        cold = verify_by_id(credential.public_id, channel="page")
    with django_assert_max_num_queries(3):  # credential's state, its record, issuer keys
        verify_by_id(other.public_id, channel="page")
    with CaptureQueriesContext(connection) as ctx:
        warm = verify_by_id(credential.public_id, channel="page")
    assert len(ctx.captured_queries) == 1  # the credential row, whose state keys the cache
    assert cold == warm
    with django_assert_max_num_queries(1):
        assert verify_by_id("B" * 27, channel="page") == NOT_FOUND


def test_revocation_invalidates_the_cached_verdict(issue, revoke):
    credential = issue()
    assert verify_by_id(credential.public_id, channel="page").valid
    revoke(credential)
    assert verify_by_id(credential.public_id, channel="page").status == "revoked"


@pytest.mark.parametrize("visibility", ["off", "achievement"])
def test_consent_change_invalidates_the_cached_verdict(issue, visibility):
    credential = issue(visibility="full")
    assert verify_by_id(credential.public_id, channel="page").holder == {"name": HOLDER_NAME}
    # Even an update that bypasses save() and updated_at: visibility is part of the key.
    Credential.objects.filter(pk=credential.pk).update(visibility=visibility)
    verdict = verify_by_id(credential.public_id, channel="page")
    assert verdict == NOT_FOUND if visibility == "off" else verdict.holder == {}


def test_cache_never_outlives_the_expiry_date(issue, settings):
    settings.LINEAGE_VERIFY_CACHE_SECONDS = 7 * 86400
    credential = issue(valid_for_days=365)
    credential.expires_on = timezone.localdate() + timedelta(days=1)
    now = timezone.now()
    end_of_expiry_day = timezone.make_aware(
        timezone.datetime.combine(
            credential.expires_on + timedelta(days=1), timezone.datetime.min.time()
        )
    )
    assert cache_timeout(credential, now=now) == int((end_of_expiry_day - now).total_seconds())
    credential.expires_on = None
    assert cache_timeout(credential) == 7 * 86400


def test_an_expiring_verdict_is_recomputed_after_expiry(issue):
    credential = issue(valid_for_days=365)
    expires_on = credential.expires_on
    assert verify_by_id(credential.public_id, channel="page").valid
    day_after = expires_on + timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=day_after):
        cache.clear()  # what the timeout does at midnight after the expiry date
        assert verify_by_id(credential.public_id, channel="page").status == "expired"


def test_verification_works_without_the_cache(issue):
    credential = issue()
    with mock.patch("credentials.verification.cache.get", side_effect=ConnectionError):
        with mock.patch("credentials.verification.cache.set", side_effect=ConnectionError):
            assert verify_by_id(credential.public_id, channel="page").valid


# --- the verification log ----------------------------------------------------------------------


def test_each_verification_is_logged_by_the_task(issue, django_capture_on_commit_callbacks):
    credential = issue()
    organisation = mock.Mock()
    organisation.name = "Studio Nine"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        verify_by_id(credential.public_id, channel="api", organisation=organisation)
        verify_by_id(credential.public_id, channel="page")
    assert len(callbacks) == 2  # enqueued on commit, not written inline
    events = list(VerificationEvent.objects.order_by("pk"))
    assert [(e.channel, e.organisation_name) for e in events] == [
        ("api", "Studio Nine"),
        ("page", ""),
    ]
    log = verification_log_for(credential)
    assert log.total == 2
    assert {label for label, _ in log.by_channel} == {"API", "Verification page"}
    assert log.recent[0].channel in {"API", "Verification page"}


def test_the_response_does_not_wait_for_the_write(issue, django_capture_on_commit_callbacks):
    credential = issue()
    with django_capture_on_commit_callbacks(execute=False):
        verify_by_id(credential.public_id, channel="page")
        assert not VerificationEvent.objects.exists()


def test_not_found_and_hidden_are_not_logged(issue, django_capture_on_commit_callbacks):
    hidden = issue(visibility="off")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        verify_by_id(hidden.public_id, channel="page")
    assert callbacks == [] and not VerificationEvent.objects.exists()


def test_the_holder_checking_their_own_credential_is_not_logged(
    issue, learner, django_capture_on_commit_callbacks
):
    credential = issue()
    with django_capture_on_commit_callbacks(execute=True):
        verify_by_id(credential.public_id, channel="page", verifier=learner)
    assert not VerificationEvent.objects.exists()


def test_a_failure_to_enqueue_never_fails_the_verification(issue, caplog):
    credential = issue()
    with mock.patch(
        "credentials.tasks.record_verification_event.delay_on_commit",
        side_effect=ConnectionError("broker down"),
    ):
        assert verify_by_id(credential.public_id, channel="page").valid
    assert "could not enqueue the verification event" in caplog.text


def test_recording_is_idempotent(issue):
    credential = issue()
    kwargs = {
        "key": "6f1c2d3e-0000-4000-8000-000000000001",
        "credential_id": credential.pk,
        "channel": "bulk",
        "organisation_name": "Studio Nine",
    }
    assert verification_event_record(**kwargs) is True
    assert verification_event_record(**kwargs) is False  # a redelivered task adds nothing
    assert VerificationEvent.objects.count() == 1


def test_an_unknown_channel_is_a_programming_error(issue):
    with pytest.raises(ValueError):
        verify_by_id(issue().public_id, channel="carrier-pigeon")


# --- PDF ---------------------------------------------------------------------------------------


def test_genuine_pdf(issue):
    credential = issue(visibility="full")
    verdict = verify_pdf(pdf_of(credential))
    assert verdict.valid and verdict.headline == "Valid credential: this file is authentic"
    assert all(names(verdict).values())
    assert {
        "File signed by this issuer",
        "File unchanged since signing",
        "Matches our records",
    } <= (set(names(verdict)))
    assert verdict.holder == {"name": HOLDER_NAME}


def test_pdf_with_a_modified_byte(issue):
    verdict = verify_pdf(flip_signed_byte(pdf_of(issue())))
    assert verdict.status == "failed" and not verdict.found
    assert verdict.headline.startswith("Not authentic: the file was changed after it was signed")
    assert not names(verdict)["File unchanged since signing"]
    assert verdict.achievement == {} and verdict.holder == {}


def test_pdf_with_an_appended_incremental_update(issue):
    verdict = verify_pdf(append_incremental_update(pdf_of(issue())))
    assert verdict.status == "failed"
    assert names(verdict)["File signed by this issuer"]  # the signed revision is intact ...
    assert not names(verdict)["File unchanged since signing"]  # ... but something was added
    assert verdict.headline == "Not authentic: the file was changed after it was signed"


# A file whose own checks fail is answered without the costly checks (signature, status):
# only the checks that explain the verdict are listed, and none of them reads as passed.
UNTRUSTED_FROM_A_FILE = {
    "Issued by this issuer": "Not checked",
    "Matches our records": "Not checked",
}


def test_an_altered_pdf_says_what_it_did_not_check(issue):
    # The red verdict once sat above five green "Passed" checks read from the altered file.
    verdict = verify_pdf(flip_signed_byte(pdf_of(issue())))
    assert results(verdict) == {
        "File signed by this issuer": "Failed",
        "File unchanged since signing": "Failed",
        **UNTRUSTED_FROM_A_FILE,
    }
    issuer_check = next(c for c in verdict.checks if c.name == "Issued by this issuer")
    assert issuer_check.detail == (
        "“File signed by this issuer” failed, so nothing read from this file can be trusted."
    )
    api = verdict.to_api()["checks"]
    by_name = {c["name"]: (c["passed"], c["checked"]) for c in api}
    assert by_name["Matches our records"] == (False, False)


def test_a_pdf_with_an_added_revision_keeps_its_true_signature_check(issue):
    verdict = verify_pdf(append_incremental_update(pdf_of(issue())))
    assert results(verdict) == {
        "File signed by this issuer": "Passed",  # the signed revision is ours: still true
        "File unchanged since signing": "Failed",
        **UNTRUSTED_FROM_A_FILE,
    }


def test_a_tampered_json_does_not_claim_its_issuer(issue):
    document = json.loads(badge_bytes(issue()))
    document["validFrom"] = "2020-01-01T00:00:00Z"
    verdict = verify_json(json.dumps(document).encode())
    assert results(verdict) == {
        "Matches our records": "Failed",
        "Issued by this issuer": "Not checked",  # the issuer named may be the change
    }


def test_a_failed_verdict_never_sits_above_a_passed_check_it_undermines():
    from credentials.verification_checks import Check, untrusted_after_failure

    checks = [
        Check("Readable file", True, "fine"),
        Check("Well-formed Open Badges credential", True, "shape"),
        Check("Issued by this issuer", True, "ours"),
        Check("Signature valid", False, "changed"),
        Check("Matches our records", False, "differs"),
        Check("Not expired", True, "no expiry"),
    ]
    marked = untrusted_after_failure(checks)
    assert [(c.passed, c.checked) for c in marked] == [
        (True, True),  # not part of the chain of trust
        (True, True),  # an earlier stage than the failure
        (False, False),  # the failure's own stage: undermined
        (False, True),
        (False, True),  # failures keep their own true detail
        (False, False),
    ]
    assert (
        marked[2].detail
        == "“Signature valid” failed, so nothing the credential says can be trusted."
    )
    healthy = [Check("Signature valid", True, "ok"), Check("Not revoked", False, "revoked")]
    assert untrusted_after_failure(healthy) == healthy  # a revocation is a status, not a forgery


def test_pdf_signed_by_another_ca(issue, tmp_path):
    credential = issue()
    key, cert, ca = ensure_dev_pki(tmp_path / "rogue", issuer_name="Rogue Academy")
    rogue = load_pdf_signer(key, cert, [ca])
    data = CertificateData(
        credential_id=credential.public_id,
        learner_name="Someone Else",
        course_title="A course",
        skills=(),
        hours=None,
        issued_on=timezone.localdate(),
        expires_on=None,
        issuer_name="Rogue Academy",
        verify_url=credential.verify_url,
        short_verify_url=credential.verify_url,
        edition="",
    )
    badge = json.dumps(credential.badge).encode()
    forged = sign_pdf(render_certificate_pdf(data, attachments={BADGE_FILENAME: badge}), rogue)
    verdict = verify_pdf(forged)
    assert verdict.status == "failed" and not verdict.valid
    assert verdict.headline == "Not authentic: the signing certificate is not one Lineage issued"


@pytest.mark.parametrize("payload", [b"", b"GIF89a not a pdf", b"%PDF-1.7\ngarbage"])
def test_not_a_pdf(payload):
    verdict = verify_pdf(payload)
    assert verdict.status == "invalid" and not verdict.valid
    assert verdict.headline.startswith("This file could not be checked: this is not a")


def test_oversized_pdf_is_refused_before_parsing(settings):
    settings.LINEAGE_VERIFY_MAX_UPLOAD_BYTES = 1024
    with mock.patch("credentials.verification_files.validate_signed_pdf") as validate:
        verdict = verify_pdf(b"%PDF-1.7\n" + b"0" * 2048)
    assert verdict.status == "invalid" and "larger than" in verdict.checks[0].detail
    validate.assert_not_called()


def test_pdf_of_a_hidden_credential_still_verifies_without_the_name(issue):
    credential = issue(visibility="full")
    services.credential_visibility_set(credential=credential, visibility="off")
    verdict = verify_pdf(pdf_of(credential))
    assert verdict.valid and verdict.holder == {}


def test_pdf_of_a_withdrawn_credential(issue, learner):
    credential = issue(visibility="full")
    services.credentials_withdraw_for_user(user=learner)
    assert verify_by_id(credential.public_id, channel="page") == NOT_FOUND
    verdict = verify_pdf(pdf_of(credential))
    assert verdict.status == "withdrawn" and verdict.holder == {}


def test_pdf_of_a_revoked_credential(issue, revoke):
    credential = issue()
    pdf = pdf_of(credential)
    revoke(credential)
    verdict = verify_pdf(pdf)
    assert verdict.status == "revoked"
    assert names(verdict)["File signed by this issuer"] and names(verdict)["Signature valid"]


def test_pdf_logs_its_channel(issue, django_capture_on_commit_callbacks):
    credential = issue()
    with django_capture_on_commit_callbacks(execute=True):
        verify_pdf(pdf_of(credential))
        verify_pdf(flip_signed_byte(pdf_of(credential)))  # not authentic: not logged
    assert list(VerificationEvent.objects.values_list("channel", flat=True)) == ["pdf"]


# --- JSON --------------------------------------------------------------------------------------


def test_genuine_json(issue):
    verdict = verify_json(badge_bytes(issue()))
    assert verdict.valid and verdict.headline == "Valid credential: this file is authentic"
    assert names(verdict)["Well-formed Open Badges credential"]


def test_json_with_a_tampered_field(issue):
    credential = issue()
    document = json.loads(badge_bytes(credential))
    document["credentialSubject"]["achievement"]["name"] = "Advanced everything"
    verdict = verify_json(json.dumps(document).encode())
    assert verdict.status == "failed"
    assert verdict.headline == (
        "Not authentic: the Open Badges credential in this file differs from the one we issued"
    )
    assert not names(verdict)["Matches our records"]
    # Not ours whatever its signature says, so the signature is not checked (issue 12 #2).
    assert "Signature valid" not in names(verdict)


def test_json_with_an_undefined_property(issue):
    verdict = verify_json(badge_bytes(issue(), grade="A+"))
    assert verdict.status == "failed"
    assert not names(verdict)["Matches our records"]


@pytest.mark.parametrize(
    "reorder",
    [
        lambda d: d["type"].reverse(),
        lambda d: d["credentialSubject"]["achievement"]["tag"].reverse(),
    ],
    ids=["type", "tag"],
)
def test_reordered_sets_are_still_the_credential_we_issued(issue, reorder):
    """Issue 12 finding 11: JSON-LD arrays of set values are unordered, so reordering them keeps
    the proof valid; it must keep the verdict valid too."""
    credential = issue(visibility="full")
    document = json.loads(badge_bytes(credential))
    reorder(document)
    assert document != credential.badge
    verdict = verify_json(json.dumps(document).encode())
    assert verdict.valid and verdict.headline == "Valid credential: this file is authentic"
    record = next(c for c in verdict.checks if c.name == "Matches our records")
    assert record.passed and "only the order of items" in record.detail


def test_the_order_of_contexts_still_matters(issue):
    credential = issue()
    document = json.loads(badge_bytes(credential))
    document["@context"].reverse()  # a later context overrides an earlier one
    assert not verify_json(json.dumps(document).encode()).valid


@pytest.mark.parametrize(
    "change",
    [{"validFrom": "yesterday"}, {"proof": {"type": "DataIntegrityProof"}}, {"type": "Badge"}],
    ids=["bad-date", "proof-object", "type"],
)
def test_schema_invalid_json(issue, change):
    verdict = verify_json(badge_bytes(issue(), **change))
    assert verdict.status == "invalid"
    assert verdict.checks[0].name == "Well-formed Open Badges credential"
    assert "not a valid Open Badges 3.0 credential" in verdict.checks[0].detail


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"", "This is not JSON"),
        (b"<html>", "This is not JSON"),
        (b"\xff\xfe{", "not UTF-8"),
        (b"[1, 2]", "not an object"),
        (b'{"id": 1, "id": 2}', "repeats the key 'id'"),
        (b'{"a": NaN}', "This is not JSON"),
        (b'{"a":' * 100 + b"1" + b"}" * 100, "nested more than 64 levels"),
        (b"[" * 100_000, "This is not JSON"),
    ],
    ids=["empty", "html", "utf16", "array", "duplicate", "nan", "deep", "very-deep"],
)
def test_not_json(payload, problem):
    verdict = verify_json(payload)
    assert verdict.status == "invalid" and problem in verdict.checks[0].detail


def test_oversized_json(settings):
    settings.LINEAGE_VERIFY_MAX_UPLOAD_BYTES = 100
    verdict = verify_json(b'{"a": "' + b"x" * 200 + b'"}')
    assert verdict.status == "invalid" and "larger than" in verdict.checks[0].detail


def test_json_not_in_our_records(issue):
    credential = issue()
    verdict = verify_json(badge_bytes(credential, id="https://elsewhere.example/credentials/1"))
    assert verdict.status == "failed" and not verdict.found
    assert not names(verdict)["Matches our records"]


def test_json_of_a_hidden_credential_still_verifies(issue):
    credential = issue(visibility="full")
    document = badge_bytes(credential)
    services.credential_visibility_set(credential=credential, visibility="off")
    verdict = verify_json(document)
    assert verdict.valid and verdict.holder == {}


def test_json_of_a_revoked_credential(issue, revoke):
    credential = issue()
    document = badge_bytes(credential)
    revoke(credential)
    assert verify_json(document).status == "revoked"


def test_unexpected_errors_become_invalid_verdicts(issue):
    with mock.patch(
        "credentials.verification.parse_json_document", side_effect=RuntimeError("boom")
    ):
        verdict = verify_json(b"{}")
    assert (
        verdict.status == "invalid" and verdict.checks[0].detail == "The file could not be checked."
    )
