"""The public verification pages: /verify/<id>/, /verify/ and its uploads, rate limits, the log."""

import json
import os
import uuid
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from courses import services as course_services
from credentials import services
from credentials.models import Credential, VerificationEvent
from credentials.verification_log import verification_log_for
from tests.verification_support import (
    HOLDER_NAME,
    append_incremental_update,
    badge_bytes,
    flip_signed_byte,
    pdf_of,
)

pytest_plugins = ["tests.verification_support"]  # fixtures: issue, revoke, fresh_cache
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def panel(response):
    """The verdict panel, asserting it is the first thing in <main>."""
    main = soup(response).find("main")
    first = next(el for el in main.find(class_="container").children if el.name)
    assert first.name == "section" and "verdict" in first["class"], first
    return first


def heading(response) -> str:
    return " ".join(panel(response).find("h1").get_text().split())


def check_results(response) -> dict[str, str]:
    results = {}
    for item in panel(response).select("li.verify-check"):
        result = " ".join(item.find(class_="status").get_text().split())
        results[item.find(class_="verify-check__name").get_text(strip=True)] = result
    return results


def pdf_upload(data: bytes, name="certificate.pdf", content_type="application/pdf"):
    return {"pdf": SimpleUploadedFile(name, data, content_type=content_type)}


def json_upload(data: bytes, name="badge.json", content_type="application/json"):
    return {"json_file": SimpleUploadedFile(name, data, content_type=content_type)}


# --- /verify/<id>/ -----------------------------------------------------------------------------


def test_valid_credential_page(client, issue):
    credential = issue(visibility="full")
    response = client.get(credential.verify_path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert heading(response) == "Valid credential"
    assert check_results(response) == {
        "Issued by this issuer": "Passed",
        "Signature valid": "Passed",
        "Not revoked": "Passed",
        "Not superseded": "Passed",
        "Not expired": "Passed",
    }
    page = soup(response)
    text = page.get_text()
    assert HOLDER_NAME in text
    assert credential.snapshot["course"]["title"] in text
    assert credential.snapshot["edition"] in text
    assert "bias" in text and "qa" in text  # skills
    assert "How its key was checked" in text
    # Each check says how to repeat it, with the public artefacts linked.
    hrefs = {a["href"] for a in page.find_all("a")}
    assert f"/verify/{credential.public_id}/credential.json" in hrefs
    assert "/credentials/status/1" in hrefs
    assert "/credentials/issuer/keys.json" in hrefs
    assert len(page.select("details.verify-check__how")) == 5
    # The hours are the course's estimate, not time the holder spent.
    assert "Study time" not in text
    assert "Estimated course length" in text and "About 1 hour" in text and "1 hours" not in text


def test_achievement_only_page_shows_no_name(client, issue):
    credential = issue(visibility="achievement")
    response = client.get(credential.verify_path)
    assert response.status_code == 200 and heading(response) == "Valid credential"
    body = response.content.decode()
    assert HOLDER_NAME not in body and "Lena" not in body
    assert "the holder chose not to show their name" in body


def test_revoked_page(client, issue, revoke):
    credential = revoke(issue())
    response = client.get(credential.verify_path)
    assert heading(response) == "Revoked on 3 March 2027: issued in error"
    assert check_results(response)["Not revoked"] == "Failed"


def test_expired_page(client, issue):
    credential = issue(valid_for_days=10)
    expired_on = timezone.localdate() - timedelta(days=2)
    Credential.objects.filter(pk=credential.pk).update(expires_on=expired_on)
    response = client.get(credential.verify_path)
    assert heading(response) == f"Expired on {expired_on.day} {expired_on:%B %Y}"
    assert check_results(response)["Not expired"] == "Failed"


def test_superseded_page_links_to_the_newer_one(client, issue, learner):
    first = issue()
    course_services.enrollment_restart(enrollment=first.course.enrollments.get(user=learner))
    second = issue(course=first.course)
    response = client.get(first.verify_path)
    assert heading(response) == "Superseded by a newer credential"
    link = panel(response).find("a", string="Verify the newer credential that replaced it")
    assert link["href"] == second.verify_path


def test_withdrawn_page(client, issue):
    credential = issue()
    Credential.objects.filter(pk=credential.pk).update(status=Credential.Status.WITHDRAWN)
    assert (
        heading(client.get(credential.verify_path)) == "Withdrawn: the holder closed their account"
    )


def test_unknown_and_hidden_ids_answer_the_same_404(client, issue):
    hidden = issue(visibility="off")
    unknown = client.get("/verify/" + "Z" * 27 + "/")
    off = client.get(hidden.verify_path)
    malformed = client.get("/verify/not%20an%20id!/")
    assert unknown.status_code == off.status_code == malformed.status_code == 404
    assert unknown.content == off.content == malformed.content  # byte for byte
    assert heading(unknown) == "Credential not found"
    assert unknown.headers.get("Set-Cookie") == off.headers.get("Set-Cookie")


def test_account_deletion_hides_the_page(client, issue, learner):
    credential = issue(visibility="full")
    services.credentials_withdraw_for_user(user=learner)
    assert client.get(credential.verify_path).status_code == 404


def test_page_queries_are_bounded(client, issue, django_assert_max_num_queries):
    credential = issue()
    client.get(credential.verify_path)  # warm the verdict and status list caches
    with django_assert_max_num_queries(1):
        assert client.get(credential.verify_path).status_code == 200
    # The 404 adds Wagtail's redirect lookup (site and redirect tables), the same for both.
    with django_assert_max_num_queries(4):
        assert client.get("/verify/" + "Y" * 27 + "/").status_code == 404


def test_the_page_logs_a_check(client, issue, learner, django_capture_on_commit_callbacks):
    credential = issue()
    with django_capture_on_commit_callbacks(execute=True):
        client.get(credential.verify_path)
        client.force_login(learner)  # the holder looking at their own page is not counted
        client.get(credential.verify_path)
    assert list(VerificationEvent.objects.values_list("channel", flat=True)) == ["page"]


# --- the signed JSON download ------------------------------------------------------------------


def test_public_json_honours_visibility(client, issue):
    credential = issue(visibility="full")
    url = f"/verify/{credential.public_id}/credential.json"
    response = client.get(url)
    assert response.status_code == 200 and response.json() == credential.badge
    assert response["Access-Control-Allow-Origin"] == "*"
    services.credential_visibility_set(credential=credential, visibility="achievement")
    withheld = client.get(url)  # the signed badge names the holder, who now hides their name
    services.credential_visibility_set(credential=credential, visibility="off")
    hidden = client.get(url)
    unknown = client.get("/verify/" + "X" * 27 + "/credential.json")
    assert withheld.status_code == hidden.status_code == unknown.status_code == 404
    assert withheld.content == hidden.content == unknown.content == b'{"status": "not_found"}'


def test_public_json_of_a_badge_without_the_name(client, issue):
    credential = issue(visibility="achievement")
    response = client.get(f"/verify/{credential.public_id}/credential.json")
    assert response.status_code == 200 and HOLDER_NAME not in response.content.decode()


# --- /verify/ ----------------------------------------------------------------------------------


def test_start_page(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    page = soup(response)
    assert page.find("h1").get_text() == "Verify a credential"
    assert page.find("input", attrs={"name": "id"})
    assert page.find("input", attrs={"type": "file", "name": "pdf"})
    assert page.find("input", attrs={"type": "file", "name": "json_file"})
    assert page.find("textarea", attrs={"name": "json_text"})


@pytest.mark.parametrize(
    "typed",
    ["{id}", "  {id}  ", "https://lineage.example/verify/{id}/", "127.0.0.1:8000/verify/{id}"],
)
def test_entering_an_id_redirects_to_its_page(client, typed):
    public_id = "k_J-Cj4YZQscPC0CQqoSkTWKggo"
    response = client.get("/verify/", {"id": typed.format(id=public_id)})
    assert response.status_code == 302 and response["Location"] == f"/verify/{public_id}/"


def test_entering_nonsense_shows_an_error_summary(client):
    response = client.get("/verify/", {"id": "<script>"})
    assert response.status_code == 400
    page = soup(response)
    summary = page.find(class_="error-summary")
    assert summary.find("a")["href"] == "#credential-id"
    assert page.find(id="credential-id-error")
    assert page.find("title").get_text().startswith("Error:")
    assert page.find(id="credential-id")["value"] == "<script>"


# --- uploads -----------------------------------------------------------------------------------


def test_genuine_pdf_upload(client, issue):
    credential = issue(visibility="full")
    response = client.post("/verify/pdf/", pdf_upload(pdf_of(credential)))
    assert response.status_code == 200
    assert heading(response) == "Valid credential: this file is authentic"
    results = check_results(response)
    assert (
        results["File signed by this issuer"]
        == results["File unchanged since signing"]
        == ("Passed")
    )
    assert HOLDER_NAME in response.content.decode()


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (flip_signed_byte, "Not authentic: the file was changed after it was signed"),
        (append_incremental_update, "Not authentic: the file was changed after it was signed"),
    ],
    ids=["modified-byte", "incremental-update"],
)
def test_tampered_pdf_upload(client, issue, tamper, expected):
    response = client.post("/verify/pdf/", pdf_upload(tamper(pdf_of(issue(visibility="full")))))
    assert response.status_code == 200
    assert heading(response).startswith(expected)
    results = check_results(response)
    assert results["File unchanged since signing"] == "Failed"
    # The red verdict once sat above green "Passed" checks read from the altered file.
    for name in ("Issued by this issuer", "Matches our records"):
        assert results[name] == "Not checked"
    assert "failed, so nothing read from this file can be trusted" in panel(response).get_text()
    assert HOLDER_NAME not in response.content.decode()  # nothing shown for a forgery


@pytest.mark.parametrize(
    ("data", "content_type", "error"),
    [
        (b"just some text", "application/pdf", "The selected file is not a PDF."),
        (b"%PDF-1.7 but an image", "image/png", "The selected file is not a PDF."),
        (b"%PDF-1.7\ngarbage", "application/pdf", "This is not a readable PDF."),
    ],
    ids=["text", "wrong-type", "broken"],
)
def test_not_a_pdf_upload(client, data, content_type, error):
    response = client.post("/verify/pdf/", pdf_upload(data, content_type=content_type))
    assert response.status_code == 400
    page = soup(response)
    assert page.find(class_="error-summary").find("a")["href"] == "#pdf-file"
    assert error in page.find(id="pdf-file-error").get_text()


def test_no_file_selected(client):
    response = client.post("/verify/pdf/", {})
    assert response.status_code == 400 and "Select a PDF certificate" in response.content.decode()


def test_oversized_upload_is_refused(client, settings):
    settings.LINEAGE_VERIFY_MAX_UPLOAD_BYTES = 1000
    small_enough_body = client.post("/verify/pdf/", pdf_upload(b"%PDF-" + b"0" * 5000))
    assert small_enough_body.status_code == 413
    assert "larger than" in soup(small_enough_body).find(id="pdf-file-error").get_text()
    settings.LINEAGE_VERIFY_MAX_UPLOAD_BYTES = 10
    huge_body = client.post("/verify/json/", json_upload(b"{" + b" " * 100_000 + b"}"))
    assert huge_body.status_code == 413  # refused from Content-Length, body never parsed


def test_oversized_pasted_text_is_refused(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/verify/json/", {"json_text": "{" + " " * 5000 + "}"})
    assert response.status_code == 413
    assert "Pasted text is limited" in soup(response).find(id="json-file-error").get_text()


def test_upload_urls_only_take_posts(client):
    response = client.get("/verify/pdf/")
    assert response.status_code == 302 and response["Location"] == "/verify/"


def test_genuine_json_upload_and_paste(client, issue):
    credential = issue()
    uploaded = client.post("/verify/json/", json_upload(badge_bytes(credential)))
    pasted = client.post("/verify/json/", {"json_text": badge_bytes(credential).decode()})
    for response in (uploaded, pasted):
        assert response.status_code == 200
        assert heading(response) == "Valid credential: this file is authentic"


def test_tampered_json_upload(client, issue):
    document = json.loads(badge_bytes(issue()))
    document["validFrom"] = "2020-01-01T00:00:00Z"
    response = client.post("/verify/json/", json_upload(json.dumps(document).encode()))
    assert response.status_code == 200
    assert heading(response).startswith(
        "Not authentic: the Open Badges credential in this file differs from the one we issued"
    )


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({}, "Select an Open Badges file (JSON) or paste its text"),
        ({"json_text": "hello"}, "The pasted text is not JSON."),
        ({"json_text": "{oops"}, "This is not JSON"),
        ({"json_text": '{"type": "x"}'}, "not a valid Open Badges 3.0 credential"),
    ],
    ids=["nothing", "text", "broken", "schema"],
)
def test_not_json_shows_a_clear_error(client, form, error):
    response = client.post("/verify/json/", form)
    assert response.status_code == 400
    assert error in soup(response).find(id="json-file-error").get_text()
    assert soup(response).find(class_="error-summary").find("a")["href"] == "#json-file"


def test_not_json_file_upload(client):
    response = client.post("/verify/json/", json_upload(b"\x89PNG\r\n", content_type="image/png"))
    assert response.status_code == 400 and "The selected file is not JSON." in (
        response.content.decode()
    )


def test_uploads_need_the_csrf_token(issue):
    credential = issue()
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/verify/pdf/", pdf_upload(pdf_of(credential))).status_code == 403
    browser.get("/verify/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/verify/pdf/", {**pdf_upload(pdf_of(credential)), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200


def test_nothing_uploaded_is_stored(client, issue, settings, django_capture_on_commit_callbacks):
    credential = issue()
    pdf, badge = pdf_of(credential), badge_bytes(credential)

    def media_files():
        return {
            os.path.join(root, name)
            for top in (settings.MEDIA_ROOT, settings.LINEAGE_PRIVATE_ROOT)
            for root, _, files in os.walk(top)
            for name in files
        }

    def row_counts():
        return {model._meta.label: model.objects.count() for model in apps.get_models()}

    files_before, rows_before = media_files(), row_counts()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/verify/pdf/", pdf_upload(pdf))
        client.post("/verify/json/", json_upload(badge))
        client.post("/verify/pdf/", pdf_upload(b"not a pdf at all"))
    rows_after = row_counts()
    assert media_files() == files_before
    changed = {label for label in rows_after if rows_after[label] != rows_before[label]}
    assert changed == {"credentials.VerificationEvent"}
    assert rows_after["credentials.VerificationEvent"] == 2


# --- rate limits -------------------------------------------------------------------------------


def test_pages_are_rate_limited_per_ip(client, issue, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"rate-{uuid.uuid4().hex}",
        }
    }
    settings.LINEAGE_VERIFY_RATE_LIMITS = {"ip": "2/m", "token": "100/m"}
    credential = issue()
    assert client.get(credential.verify_path).status_code == 200
    assert client.get("/verify/").status_code == 200
    limited = client.get(credential.verify_path)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "Too many checks" in heading(limited)
    assert client.post("/verify/pdf/", pdf_upload(pdf_of(credential))).status_code == 429
    # Another address has its own count.
    other = client.get(credential.verify_path, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


# --- the holder's verification log ---------------------------------------------------------------


def test_log_include_for_the_holder_page(issue, django_capture_on_commit_callbacks):
    from unittest import mock

    credential = issue()
    empty = render_to_string(
        "credentials/verify/log.html", {"verification_log": verification_log_for(credential)}
    )
    assert "Nobody has checked this credential yet" in empty
    organisation = mock.Mock()
    organisation.name = "Studio Nine"
    from credentials.verification import verify_by_id

    with django_capture_on_commit_callbacks(execute=True):
        verify_by_id(credential.public_id, channel="bulk", organisation=organisation)
        verify_by_id(credential.public_id, channel="page")
    html = render_to_string(
        "credentials/verify/log.html", {"verification_log": verification_log_for(credential)}
    )
    assert "Checked 2 times" in html
    assert "Studio Nine" in html and "Bulk check" in html and "Verification page" in html
