"""The "Credentials" admin area: failed issues and retry, the revoke flow, and who may do what."""

from html import unescape
from unittest import mock

import pytest
from django.core.cache import cache
from wagtail.models import ModelLogEntry

from courses import services as course_services
from courses.models import LessonPage
from credentials import services, status
from credentials.issuer import reset_issuer_caches
from credentials.models import Credential
from credentials.rendering import STATUS_LIST_PATH
from credentials.status_list import is_set

pytestmark = pytest.mark.django_db

INDEX = "/admin/credentials/"


@pytest.fixture(autouse=True)
def issuer_in_tmp(settings, tmp_path):
    settings.LINEAGE_KEY_DIR = str(tmp_path / "keys")
    reset_issuer_caches()
    cache.delete(status.GENERATION_KEY)
    yield
    reset_issuer_caches()
    cache.delete(status.GENERATION_KEY)


@pytest.fixture
def complete_course(django_capture_on_commit_callbacks):
    def run(course, user) -> Credential:
        course_services.enrollment_create(user=user, course=course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in LessonPage.objects.child_of(course).order_by("path"):
                course_services.step_complete(user=user, step=lesson)
        return Credential.objects.get(user=user, course=course)

    return run


@pytest.fixture
def taught_course(make_course, instructor):
    return make_course("Taught course", lessons=1, instructors=[instructor])


@pytest.fixture
def issued(complete_course, taught_course, learner):
    return complete_course(taught_course, learner)


@pytest.fixture
def failed(complete_course, make_course, other_learner):
    """A credential whose issuing failed after every retry (the task gave up)."""
    course = make_course("Failing course", lessons=1)
    with mock.patch("credentials.tasks.issue_credential.delay_on_commit"):
        credential = complete_course(course, other_learner)
    Credential.objects.filter(pk=credential.pk).update(attempts=5)
    services.credential_mark_failed(
        credential_id=credential.pk, error="RuntimeError('signer unavailable')"
    )
    credential.refresh_from_db()
    assert credential.status == Credential.Status.FAILED
    return credential


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def url(credential, action=""):
    return f"{INDEX}{credential.pk}/{action + '/' if action else ''}"


def revoke_post(client, credential, **data):
    return client.post(url(credential, "revoke"), data)


def listing_table(response) -> str:
    html = response.content.decode()
    start = html.index('<table class="listing')
    return html[start : html.index("</table>", start)]


def text(response) -> str:
    return unescape(response.content.decode())


def shows_credentials_menu(client) -> bool:
    """The admin sidebar is built from JSON: look for the menu item there."""
    return '"name": "credentials", "label": "Credentials"' in text(client.get("/admin/"))


def status_bit(client, credential) -> bool:
    encoded = client.get(STATUS_LIST_PATH).json()["credentialSubject"]["encodedList"]
    return is_set(encoded, credential.status_list_index)


# --- Listing and failed credentials --------------------------------------------------------


def test_listing_shows_every_credential_and_flags_failures(as_admin, issued, failed):
    response = as_admin.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lena Müller" in html and "Taught course" in html and "Failing course" in html
    assert "1 credential failed to issue" in html
    assert f"{url(failed, 'retry')}" in html  # a retry form for the failed one only
    assert url(issued, "retry") not in html


def test_filter_by_issuing_failed_shows_the_error_and_attempts(as_admin, issued, failed):
    response = as_admin.get(INDEX, {"status": "failed"})
    assert list(response.context["object_list"]) == [failed]
    table = listing_table(response)
    assert "Issuing failed" in table
    assert "signer unavailable" in table
    assert "Taught course" not in table
    cells = [cell.split(">", 1)[-1].strip() for cell in table.split("</td>")]
    assert "5" in cells  # the attempts column


def test_filter_results_view_answers_the_admin_search_and_filters(as_admin, issued, failed):
    response = as_admin.get(f"{INDEX}results/", {"status": "issued"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [issued]
    found = as_admin.get(f"{INDEX}results/", {"q": issued.public_id})
    assert list(found.context["object_list"]) == [issued]


def test_dashboard_mentions_failed_credentials(as_admin, failed):
    html = as_admin.get("/admin/").content.decode()
    assert "Credentials that failed to issue" in html
    assert f"{INDEX}?status=failed" in html


def test_retry_issues_a_failed_credential(as_admin, failed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(url(failed, "retry"), {"next": f"{INDEX}?status=failed"})
    assert response.status_code == 302 and response["Location"] == f"{INDEX}?status=failed"
    failed.refresh_from_db()
    assert failed.status == Credential.Status.ISSUED and failed.attempts == 1
    assert ModelLogEntry.objects.filter(action="lineage_credentials.retry").count() == 1


def test_retry_is_post_only_and_only_for_failed_credentials(as_admin, issued, failed):
    assert as_admin.get(url(failed, "retry")).status_code == 405
    response = as_admin.post(url(issued, "retry"), follow=True)
    assert "Only a credential whose issuing failed can be retried." in response.content.decode()
    issued.refresh_from_db()
    assert issued.status == Credential.Status.ISSUED


def test_retry_refuses_an_offsite_next_url(as_admin, failed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(url(failed, "retry"), {"next": "https://evil.example/"})
    assert response["Location"] == url(failed)


def test_detail_shows_the_record(as_admin, failed):
    html = as_admin.get(url(failed)).content.decode()
    assert "Issuing failed after 5 attempts" in html
    assert "signer unavailable" in html
    assert failed.public_id in html
    assert url(failed, "retry") in html and url(failed, "revoke") in html


# --- Revoking ------------------------------------------------------------------------------


def test_revoke_takes_a_reason_a_confirmation_and_a_post(
    as_admin, issued, django_capture_on_commit_callbacks
):
    form = as_admin.get(url(issued, "revoke"))
    assert form.status_code == 200
    page = text(form)
    for reason in Credential.RevocationReason.labels:
        assert reason in page
    assert not status_bit(as_admin, issued)

    data = {"reason": "misconduct", "note": "Copied the final project."}
    confirm = revoke_post(as_admin, issued, **data)
    assert confirm.status_code == 200
    assert "Revoke this credential?" in confirm.content.decode()
    assert "Academic misconduct" in confirm.content.decode()
    issued.refresh_from_db()
    assert issued.status == Credential.Status.ISSUED  # nothing happens before confirming

    with django_capture_on_commit_callbacks(execute=True):
        done = revoke_post(as_admin, issued, confirm="1", **data)
    assert done.status_code == 302 and done["Location"] == url(issued)
    issued.refresh_from_db()
    assert issued.status == Credential.Status.REVOKED
    assert issued.revocation_reason == "misconduct"
    assert issued.revocation_note == "Copied the final project."
    assert issued.revoked_at is not None
    assert status_bit(as_admin, issued)
    entry = ModelLogEntry.objects.get(action="lineage_credentials.revoke")
    assert entry.data["reason"] == "misconduct"
    detail = as_admin.get(url(issued)).content.decode()
    assert "Revoked on" in detail and "academic misconduct" in detail
    assert "Revoked: Academic misconduct" in detail  # the history, from the audit log


def test_a_get_never_revokes(as_admin, issued):
    as_admin.get(url(issued, "revoke"), {"reason": "misconduct", "confirm": "1"})
    issued.refresh_from_db()
    assert issued.status == Credential.Status.ISSUED


@pytest.mark.parametrize(
    "data, message",
    [
        ({"confirm": "1"}, "Choose why this credential is being revoked."),
        ({"reason": "made_up", "confirm": "1"}, "Select a valid choice."),
        ({"reason": "other", "note": "x" * 2001, "confirm": "1"}, "at most 2000 characters"),
    ],
    ids=["no-reason", "unknown-reason", "note-too-long"],
)
def test_bad_revoke_forms_say_what_to_fix(as_admin, issued, data, message):
    response = revoke_post(as_admin, issued, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The credential was not revoked" in html and message in html
    issued.refresh_from_db()
    assert issued.status == Credential.Status.ISSUED


def test_changing_the_reason_goes_back_to_the_form_with_the_values(as_admin, issued):
    response = revoke_post(as_admin, issued, reason="other", note="Keep me", edit="1")
    html = response.content.decode()
    assert "Revoke this credential?" not in html
    assert "Keep me" in html and 'value="other" selected' in html


def test_a_revoked_credential_cannot_be_revoked_again(
    as_admin, issued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.credential_revoke(
            credential=issued, reason="issued_in_error", note="", actor="test"
        )
    page = as_admin.get(url(issued, "revoke")).content.decode()
    assert "can’t be revoked again" in page and 'name="reason"' not in page
    response = revoke_post(as_admin, issued, reason="misconduct", confirm="1")
    assert "can’t be revoked again" in response.content.decode()
    issued.refresh_from_db()
    assert issued.revocation_reason == "issued_in_error"
    assert not ModelLogEntry.objects.filter(action="lineage_credentials.revoke").exists()
    listing = as_admin.get(INDEX).content.decode()
    assert url(issued, "revoke") not in listing


def test_a_revocation_that_loses_a_race_is_reported(as_admin, issued):
    """Someone else revoked it between the confirmation page and the click."""
    with mock.patch(
        "credentials.admin_views.credential_revoke",
        side_effect=services.CredentialError("This credential is already revoked or withdrawn."),
    ):
        response = revoke_post(as_admin, issued, reason="other", confirm="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The credential was not revoked" in html
    assert "already revoked or withdrawn" in html


# --- Who may do what -----------------------------------------------------------------------


def test_learners_get_no_admin(client, learner, issued):
    client.force_login(learner)
    for path in (INDEX, url(issued), url(issued, "revoke")):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(url(issued, "revoke"), {"reason": "other", "confirm": "1"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Credential.Status.ISSUED


def test_instructors_may_not_revoke_unless_the_setting_allows(client, instructor, issued):
    client.force_login(instructor)
    listing = client.get(INDEX)
    assert listing.status_code == 302 and listing["Location"] == "/admin/"
    assert not shows_credentials_menu(client)
    assert client.get(url(issued)).status_code == 404
    assert client.get(url(issued, "revoke")).status_code == 404
    response = client.post(url(issued, "revoke"), {"reason": "other", "confirm": "1"})
    assert response.status_code == 404
    issued.refresh_from_db()
    assert issued.status == Credential.Status.ISSUED


def test_instructors_revoke_their_own_courses_credentials_when_allowed(
    client, settings, instructor, issued, failed, django_capture_on_commit_callbacks
):
    settings.LINEAGE_INSTRUCTORS_MAY_REVOKE = True
    client.force_login(instructor)
    assert shows_credentials_menu(client)
    listing = client.get(INDEX)
    assert listing.status_code == 200
    assert list(listing.context["object_list"]) == [issued]  # not the other course's
    assert "failed to issue" not in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(issued, "revoke"), {"reason": "other", "confirm": "1"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Credential.Status.REVOKED


def test_instructors_of_another_course_get_404(client, settings, other_instructor, issued, failed):
    settings.LINEAGE_INSTRUCTORS_MAY_REVOKE = True
    client.force_login(other_instructor)
    assert client.get(INDEX).status_code == 302  # teaches nothing: no Credentials area
    for credential in (issued, failed):
        assert client.get(url(credential)).status_code == 404
        assert client.get(url(credential, "revoke")).status_code == 404
        assert client.post(url(credential, "revoke"), {"reason": "other"}).status_code == 404
        assert client.post(url(credential, "retry")).status_code == 404
    issued.refresh_from_db()
    failed.refresh_from_db()
    assert issued.status == Credential.Status.ISSUED
    assert failed.status == Credential.Status.FAILED


def test_instructor_teaching_another_course_sees_only_that_course(
    client, settings, other_instructor, make_course, issued
):
    settings.LINEAGE_INSTRUCTORS_MAY_REVOKE = True
    make_course("Ivans course", lessons=1, instructors=[other_instructor])
    client.force_login(other_instructor)
    listing = client.get(INDEX)
    assert listing.status_code == 200
    assert list(listing.context["object_list"]) == []
    assert client.get(url(issued)).status_code == 404
    # Asking for the other course by id, or searching for its credential, finds nothing.
    filtered = client.get(f"{INDEX}results/", {"course": issued.course_id})
    assert list(filtered.context["object_list"]) == []
    searched = client.get(f"{INDEX}results/", {"q": issued.public_id})
    assert list(searched.context["object_list"]) == []
