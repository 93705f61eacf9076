"""The holder's credential page: status in words, downloads, sharing, visibility, access."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from django.test import Client
from django.utils import timezone

from courses import services as course_services
from courses.models import LessonPage
from credentials import services
from credentials.linkedin import linkedin_add_to_profile_url
from credentials.models import Credential
from credentials.storage import private_storage

pytestmark = pytest.mark.django_db

COURSE = "Credentialed course"


@pytest.fixture
def complete_course(learner, make_course, django_capture_on_commit_callbacks):
    """Complete a course as ``learner``, running on-commit callbacks (the Celery enqueue)."""

    def run(course=None, user=learner):
        course = course or make_course(COURSE, lessons=2, skills=("bias", "qa"), code="CRED-1")
        course_services.enrollment_create(user=user, course=course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in LessonPage.objects.child_of(course).order_by("path"):
                course_services.step_complete(user=user, step=lesson)
        return course

    return run


@pytest.fixture
def credential(complete_course):
    complete_course()
    credential = Credential.objects.get()
    assert credential.status == Credential.Status.ISSUED
    return credential


@pytest.fixture
def holder(client, learner):
    client.force_login(learner)
    return client


def page_url(credential, suffix=""):
    return f"/credentials/{credential.public_id}/{suffix}"


def heading(body: str) -> str:
    """The h1's text, tags stripped and whitespace collapsed."""
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", h1).split())


def test_issued_credential_page(holder, credential):
    response = holder.get(page_url(credential))
    assert response.status_code == 200
    body = response.content.decode()
    assert heading(body) == f"Issued : {COURSE}"
    assert "verdict--valid" in body
    for text in ("Lena Müller", "CRED-1", ">bias<", ">qa<", credential.public_id):
        assert text in body
    issued_on = timezone.localdate(credential.issued_at)
    assert f"<dd>{issued_on:%-d %B %Y}</dd>" in body
    assert "Does not expire" in body
    assert credential.snapshot["edition"] in body
    for step in credential.snapshot["steps"]:
        assert f'<li>{step["title"]} <span class="muted">· Lesson</span></li>' in body
    assert f'href="{page_url(credential, "certificate.pdf")}"' in body
    assert f'href="{page_url(credential, "open-badge.json")}"' in body
    assert body.count('class="button"') == 1  # one primary action: Download PDF
    assert re.search(
        rf'<input type="text" id="share-link" value="{re.escape(credential.verify_url)}" readonly',
        body,
    )
    assert '<label for="share-link">Verification link</label>' in body
    assert "Add to LinkedIn profile" in body
    assert "<script>" not in body  # the copy button is a static file, not inline script
    assert "js/copy-link.js" in body


def test_quiz_scores_from_the_snapshot_are_shown(holder, credential):
    snapshot = credential.snapshot
    snapshot["steps"].append(
        {
            "title": "Spot the bias",
            "type": "quizpage",
            "revision_id": 9,
            "pass_mark": 70,
            "score": 85.0,
        }
    )
    Credential.objects.filter(pk=credential.pk).update(snapshot=snapshot)
    body = holder.get(page_url(credential)).content.decode()
    assert 'Spot the bias <span class="muted">· Quiz · Pass mark 70 %, scored 85 %</span>' in body


@pytest.mark.parametrize(
    "status, verdict, explained",
    [
        (Credential.Status.PENDING, "Being issued", "refresh this page"),
        (Credential.Status.FAILED, "Issuing failed", "we'll retry"),
        (Credential.Status.WITHDRAWN, "Withdrawn", "no longer verifies"),
    ],
)
def test_states_without_downloads(holder, credential, status, verdict, explained):
    Credential.objects.filter(pk=credential.pk).update(status=status)
    body = holder.get(page_url(credential)).content.decode()
    assert heading(body) == f"{verdict} : {COURSE}"
    assert explained in body.replace("&#x27;", "'")
    assert "certificate.pdf" not in body and "open-badge.json" not in body
    assert 'id="share-link"' not in body
    for suffix in ("certificate.pdf", "open-badge.json"):
        assert holder.get(page_url(credential, suffix)).status_code == 404


def test_failed_credential_says_contact_support(holder, credential, settings):
    settings.LINEAGE_ISSUER_EMAIL = "help@lineage.example"
    Credential.objects.filter(pk=credential.pk).update(status=Credential.Status.FAILED)
    body = holder.get(page_url(credential)).content.decode()
    assert "verdict--revoked" in body
    assert 'contact support at <a href="mailto:help@lineage.example">' in body


def test_withdrawn_credential_cannot_change_visibility(holder, credential):
    Credential.objects.filter(pk=credential.pk).update(status=Credential.Status.WITHDRAWN)
    body = holder.get(page_url(credential)).content.decode()
    assert 'name="visibility"' not in body
    response = holder.post(page_url(credential, "visibility/"), {"visibility": "full"})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.visibility == Credential.Visibility.ACHIEVEMENT


def test_revoked_credential_shows_date_and_reason(holder, credential):
    revoked = services.credential_revoke(
        credential=credential, reason="issued_in_error", note="internal note", actor="test"
    )
    body = holder.get(page_url(credential)).content.decode()
    revoked_on = timezone.localdate(revoked.revoked_at)
    assert heading(body) == f"Revoked on {revoked_on:%-d %B %Y}: issued in error : {COURSE}"
    assert "verdict--revoked" in body
    assert "internal note" not in body
    assert "certificate.pdf" not in body
    assert holder.get(page_url(credential, "certificate.pdf")).status_code == 404


def test_superseded_credential_links_to_the_current_one(holder, credential, complete_course):
    enrollment = credential.course.enrollments.get(user=credential.user)
    course_services.enrollment_restart(enrollment=enrollment)
    complete_course(credential.course)
    current = Credential.objects.exclude(pk=credential.pk).get()
    body = holder.get(page_url(credential)).content.decode()
    assert heading(body) == f"Superseded : {COURSE}"
    assert f'<a href="{page_url(current)}">See your current credential</a>' in body
    assert "certificate.pdf" not in body
    assert heading(holder.get(page_url(current)).content.decode()) == f"Issued : {COURSE}"


def test_expiry_is_derived_on_the_page(holder, credential):
    expired_on = timezone.localdate() - timedelta(days=1)
    Credential.objects.filter(pk=credential.pk).update(expires_on=expired_on)
    body = holder.get(page_url(credential)).content.decode()
    assert heading(body) == f"Expired on {expired_on:%-d %B %Y} : {COURSE}"
    assert "verdict--expired" in body
    assert "Take the course again" in body
    # Still the holder's record: the files download, and verification will say "expired".
    assert holder.get(page_url(credential, "certificate.pdf")).status_code == 200
    credential.refresh_from_db()
    assert credential.status == Credential.Status.ISSUED


def test_expiring_credential_shows_its_expiry(holder, credential):
    expires_on = timezone.localdate() + timedelta(days=30)
    Credential.objects.filter(pk=credential.pk).update(expires_on=expires_on)
    body = holder.get(page_url(credential)).content.decode()
    assert heading(body) == f"Issued : {COURSE}"
    assert f"valid until {expires_on:%-d %B %Y}" in body


def test_pdf_download_is_the_stored_signed_file(holder, credential):
    response = holder.get(page_url(credential, "certificate.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="lineage-certificate-cred-1-' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body == private_storage().open(credential.pdf.name).read()
    assert "no-store" in response["Cache-Control"]


def test_open_badge_download_is_the_signed_json(holder, credential):
    response = holder.get(page_url(credential, "open-badge.json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content) == credential.badge


def test_missing_pdf_file_is_not_found(holder, credential):
    private_storage().delete(credential.pdf.name)
    assert holder.get(page_url(credential, "certificate.pdf")).status_code == 404


SUFFIXES = ["", "certificate.pdf", "open-badge.json"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_anonymous_visitors_are_sent_to_log_in(client, credential, suffix):
    url = page_url(credential, suffix)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_visibility_post_is_sent_to_log_in(client, credential):
    response = client.post(page_url(credential, "visibility/"), {"visibility": "off"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    credential.refresh_from_db()
    assert credential.visibility == Credential.Visibility.ACHIEVEMENT


@pytest.mark.parametrize("who", ["other_learner", "admin_user"])
def test_nobody_but_the_holder_sees_it(client, credential, who, request):
    client.force_login(request.getfixturevalue(who))
    for suffix in SUFFIXES:
        response = client.get(page_url(credential, suffix))
        assert response.status_code == 404
        assert credential.printed_name.encode() not in response.content
    response = client.post(page_url(credential, "visibility/"), {"visibility": "full"})
    assert response.status_code == 404
    credential.refresh_from_db()
    assert credential.visibility == Credential.Visibility.ACHIEVEMENT


@pytest.mark.parametrize("suffix", [*SUFFIXES, "visibility/"])
def test_unknown_ids_are_not_found(holder, credential, suffix):
    unknown = "x" * 27
    response = (
        holder.post(f"/credentials/{unknown}/{suffix}", {"visibility": "full"})
        if (suffix == "visibility/")
        else holder.get(f"/credentials/{unknown}/{suffix}")
    )
    assert response.status_code == 404


def test_visibility_form_shows_each_choice_explained(holder, credential):
    body = holder.get(page_url(credential)).content.decode()
    assert "Who can see this" in body
    assert 'value="achievement" checked' in body
    assert "Name and achievement" in body and "Achievement without my name" in body
    assert "must already know who you are" in body
    assert "answers “not found”" in body and "A PDF you hand over still verifies" in body


def test_visibility_changes_by_post_only(holder, credential):
    url = page_url(credential, "visibility/")
    assert holder.get(url).status_code == 405
    before = credential.updated_at
    response = holder.post(url, {"visibility": "off"})
    assert response.status_code == 302
    assert response["Location"] == page_url(credential) + "#visibility"
    credential.refresh_from_db()
    assert credential.visibility == Credential.Visibility.OFF
    assert credential.updated_at > before
    body = holder.get(page_url(credential)).content.decode()
    assert "The verification link now shows: Hidden." in body  # the confirmation message
    assert 'value="off" checked' in body


def test_visibility_post_needs_the_csrf_token(learner, credential):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    url = page_url(credential, "visibility/")
    assert client.post(url, {"visibility": "full"}).status_code == 403
    credential.refresh_from_db()
    assert credential.visibility == Credential.Visibility.ACHIEVEMENT
    client.get(page_url(credential))  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"visibility": "full", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.visibility == Credential.Visibility.FULL


def test_an_unknown_visibility_is_an_error_beside_the_field(holder, credential):
    response = holder.post(page_url(credential, "visibility/"), {"visibility": "everyone"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and 'class="field-error"' in body
    credential.refresh_from_db()
    assert credential.visibility == Credential.Visibility.ACHIEVEMENT


def test_visibility_service(credential):
    before = credential.updated_at
    updated = services.credential_visibility_set(credential=credential, visibility="full")
    assert updated.visibility == "full" and updated.updated_at > before
    with pytest.raises(services.CredentialError):
        services.credential_visibility_set(credential=credential, visibility="public")
    Credential.objects.filter(pk=credential.pk).update(status=Credential.Status.WITHDRAWN)
    with pytest.raises(services.CredentialError):
        services.credential_visibility_set(credential=credential, visibility="full")


def test_linkedin_add_to_profile_url(credential, settings):
    settings.LINEAGE_ISSUER_NAME = "Lineage & Partners"
    expires_on = credential.issued_at.date() + timedelta(days=400)
    credential.expires_on = expires_on
    url = linkedin_add_to_profile_url(credential)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert " " not in url and "&Partners" not in url  # everything encoded
    params = parse_qs(parts.query, strict_parsing=True)
    issued_on = timezone.localdate(credential.issued_at)
    assert params == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": [COURSE],
        "organizationName": ["Lineage & Partners"],
        "issueYear": [str(issued_on.year)],
        "issueMonth": [str(issued_on.month)],
        "expirationYear": [str(expires_on.year)],
        "expirationMonth": [str(expires_on.month)],
        "certUrl": [credential.verify_url],
        "certId": [credential.public_id],
    }


def test_linkedin_url_without_expiry_leaves_expiry_out(holder, credential):
    url = linkedin_add_to_profile_url(credential)
    params = parse_qs(urlsplit(url).query)
    assert "expirationYear" not in params and "expirationMonth" not in params
    body = holder.get(page_url(credential)).content.decode()
    assert f'href="{url.replace("&", "&amp;")}"' in body


def test_qr_code_encodes_the_verification_url(holder, credential):
    body = holder.get(page_url(credential)).content.decode()
    svg = re.search(r"<svg [^>]*class=\"qr__code\".*?</svg>", body, re.S).group(0)
    assert 'role="img"' in svg
    assert f'aria-label="QR code for the verification link {credential.verify_url}"' in svg
    # The modules drawn are exactly segno's for the verification URL (and not another URL's).
    expected = segno.make(credential.verify_url, error="m", micro=False).svg_inline(scale=1)
    modules = re.search(r'<path[^>]*stroke="[^"]+"[^>]*d="([^"]+)"', expected).group(1)
    assert f'd="{modules}"' in svg
    other = segno.make(credential.verify_url + "x", error="m", micro=False).svg_inline(scale=1)
    assert re.search(r'<path[^>]*stroke="[^"]+"[^>]*d="([^"]+)"', other).group(1) != modules
    # The text alternative: the URL printed beside it.
    assert f'<span class="qr__url">{credential.verify_url}</span>' in body
