"""Issuing credentials on course completion: exactly once, both artefacts signed."""

import json
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.db import IntegrityError, transaction

from courses import services as course_services
from courses.models import LessonPage
from credentials import services
from credentials.data_integrity import verify_eddsa_rdfc_2022
from credentials.issuer import pdf_trust_roots, published_did_documents
from credentials.keys import resolve_verification_method
from credentials.models import Credential
from credentials.pdf_signing import read_embedded_credential, validate_signed_pdf
from credentials.storage import private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete_course(learner, make_course, django_capture_on_commit_callbacks):
    """Complete a course as ``learner``, running on-commit callbacks (the Celery enqueue)."""

    def run(course=None, user=learner):
        course = course or make_course("Credentialed course", lessons=2, skills=("bias", "qa"))
        course_services.enrollment_create(user=user, course=course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in LessonPage.objects.child_of(course).order_by("path"):
                course_services.step_complete(user=user, step=lesson)
        return course

    return run


def resolve(vm):
    return resolve_verification_method(vm, did_web_documents=published_did_documents())


def test_completion_issues_one_credential_with_signed_artefacts(complete_course, learner):
    course = complete_course()
    credential = Credential.objects.get()
    assert credential.status == Credential.Status.ISSUED
    assert credential.user == learner and credential.course.pk == course.pk
    assert credential.printed_name == "Lena Müller"
    assert credential.skills == ["bias", "qa"]
    assert len(credential.public_id) >= 27  # 160 random bits, URL-safe
    assert credential.attempts == 1
    # The JSON proof verifies against the issuer's published key.
    assert verify_eddsa_rdfc_2022(credential.badge, resolve_key=resolve).ok
    # The PDF is signed by our CA, whole file covered, and carries the id and the JSON.
    pdf = private_storage().open(credential.pdf.name).read()
    check = validate_signed_pdf(pdf, trust_roots=pdf_trust_roots())
    assert check.authentic, check.problems
    embedded_id, files = read_embedded_credential(pdf)
    assert embedded_id == credential.public_id
    assert json.loads(files["open-badge-credential.json"]) == credential.badge


def test_the_certificate_prints_the_course_code_from_the_snapshot(complete_course, make_course):
    from credentials.rendering import certificate_data

    complete_course(make_course("Coded course", lessons=1, code="CODE-101"))
    credential = Credential.objects.get()
    assert credential.snapshot["course"]["code"] == "CODE-101"
    assert certificate_data(credential, issued_at=credential.issued_at).course_code == "CODE-101"


def test_issuing_again_is_a_no_op(complete_course):
    complete_course()
    credential = Credential.objects.get()
    assert services.credential_issue(credential_id=credential.pk) is None
    credential.refresh_from_db()
    assert credential.attempts == 1
    files = private_storage().listdir("credentials")[1]
    assert files.count(f"{credential.public_id}.pdf") == 1


def test_failures_retry_with_a_bound_then_fail_visibly(
    complete_course, make_course, django_capture_on_commit_callbacks
):
    from credentials.tasks import issue_credential

    course = make_course("Crashy", lessons=1)
    broken = mock.patch(
        "credentials.services.rendering.render_signed_artefacts",
        side_effect=RuntimeError("signer unavailable"),
    )
    with broken, pytest.raises(Retry):  # the first run schedules a retry
        complete_course(course)
    credential = Credential.objects.get()
    assert credential.status == Credential.Status.PENDING and credential.attempts == 1
    # Each retry (or redelivery) is one more counted attempt, up to the bound.
    with broken:
        for _ in range(3):
            with pytest.raises(Retry):
                issue_credential.apply(args=[credential.pk])
        issue_credential.apply(args=[credential.pk])  # the fifth attempt gives up
    credential.refresh_from_db()
    assert credential.status == Credential.Status.FAILED
    assert credential.attempts == 5
    assert "signer unavailable" in credential.last_error
    assert not private_storage().exists(f"credentials/{credential.public_id}.pdf")
    # An admin retries it: issued, one file.
    with django_capture_on_commit_callbacks(execute=True):
        services.credential_retry(credential=credential)
    credential.refresh_from_db()
    assert credential.status == Credential.Status.ISSUED
    assert private_storage().listdir("credentials")[1].count(f"{credential.public_id}.pdf") == 1


def test_one_active_credential_per_learner_and_course_is_a_database_rule(complete_course):
    complete_course()
    credential = Credential.objects.get()
    duplicate = Credential(
        completion=credential.completion,
        user=credential.user,
        course=credential.course,
        printed_name="x",
        snapshot={},
        status_list_index=10_000,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_renewal_supersedes_the_old_credential(complete_course, learner):
    course = complete_course()
    first = Credential.objects.get()
    enrollment = course.enrollments.get(user=learner)
    course_services.enrollment_restart(enrollment=enrollment)
    complete_course(course)
    first.refresh_from_db()
    second = Credential.objects.exclude(pk=first.pk).get()
    assert first.status == Credential.Status.SUPERSEDED and first.superseded_by == second
    assert second.status == Credential.Status.ISSUED
    assert second.status_list_index != first.status_list_index


def test_snapshot_survives_deleting_a_lesson(complete_course):
    course = complete_course()
    credential = Credential.objects.get()
    titles = [s["title"] for s in credential.snapshot["steps"]]
    LessonPage.objects.child_of(course).first().delete()
    credential.refresh_from_db()
    assert [s["title"] for s in credential.snapshot["steps"]] == titles
    assert all(s["revision_id"] for s in credential.snapshot["steps"])


def test_expiry_is_derived_not_stored(complete_course, make_course):
    course = make_course("Expiring", lessons=1)
    course.credential_valid_for_days = 365
    course.save_revision().publish()
    complete_course(course)
    credential = Credential.objects.get()
    assert credential.expires_on is not None and not credential.is_expired
    assert "validUntil" in credential.badge
    with mock.patch(
        "django.utils.timezone.localdate",
        return_value=credential.expires_on.replace(year=credential.expires_on.year + 1),
    ):
        assert credential.is_expired
    assert credential.status == Credential.Status.ISSUED


def test_sweeper_reenqueues_stuck_pending(complete_course, settings):
    with mock.patch("credentials.tasks.issue_credential.delay_on_commit"):
        complete_course()  # the enqueue is lost, as when Redis is down at commit time
    credential = Credential.objects.get()
    assert credential.status == Credential.Status.PENDING
    settings.CREDENTIAL_STUCK_AFTER_SECONDS = 0
    assert services.credentials_sweep_pending() == 1
    credential.refresh_from_db()
    assert credential.status == Credential.Status.ISSUED


def test_issued_email_is_sent(complete_course, mailoutbox):
    complete_course()
    assert len(mailoutbox) == 1
    assert "is ready" in mailoutbox[0].subject
    assert Credential.objects.get().public_id in mailoutbox[0].body


def test_name_change_reissues_and_supersedes(
    complete_course, learner, django_capture_on_commit_callbacks
):
    from accounts.services import profile_update

    complete_course()
    old = Credential.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(
            user=learner,
            display_name=learner.display_name,
            credential_name="Lena Müller-Okafor",
            verification_visibility=learner.verification_visibility,
        )
    old.refresh_from_db()
    new = Credential.objects.exclude(pk=old.pk).get()
    assert old.status == Credential.Status.SUPERSEDED and old.superseded_by == new
    assert new.status == Credential.Status.ISSUED
    assert new.printed_name == "Lena Müller-Okafor"
    assert new.completion_id == old.completion_id
    assert private_storage().exists(old.pdf.name)  # history keeps its file


def test_unchanged_name_reissues_nothing(complete_course, learner):
    from accounts.services import profile_update

    complete_course()
    profile_update(
        user=learner,
        display_name="Someone else",
        credential_name=learner.credential_name,
        verification_visibility=learner.verification_visibility,
    )
    assert Credential.objects.count() == 1
