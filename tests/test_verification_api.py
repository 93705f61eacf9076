"""The verification API: shapes validated against its own OpenAPI document, limits, sessions."""

import json
import sys
import types
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from courses import services as course_services
from credentials.models import Credential, VerificationEvent
from tests.verification_support import (
    HOLDER_NAME,
    badge_bytes,
    flip_signed_byte,
    pdf_of,
)

pytest_plugins = ["tests.verification_support"]  # fixtures: issue, revoke, fresh_cache
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

VERDICT_KEYS = {
    "id",
    "status",
    "valid",
    "checks",
    "issued_on",
    "expires_on",
    "achievement",
    "holder",
}


@pytest.fixture
def openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def validate(openapi: dict, schema_name: str, body: dict) -> None:
    """Validate ``body`` against ``#/components/schemas/<schema_name>`` of the served document."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": openapi["components"]}
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(body)


def response_schema(openapi: dict, path: str, method: str, status: int) -> str:
    content = openapi["paths"][path][method]["responses"][str(status)]["content"]
    return content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def get_verdict(client, public_id, **extra):
    return client.get(f"/api/v1/credentials/{public_id}/verification", **extra)


def post_file(client, data: bytes, name="file.bin", content_type="application/octet-stream"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post("/api/v1/verifications", {"file": upload})


GET_PATH = "/api/v1/credentials/{id}/verification"
POST_PATH = "/api/v1/verifications"


# --- the document ------------------------------------------------------------------------------


def test_openapi_document_describes_the_endpoints(openapi):
    assert openapi["openapi"].startswith("3.1")
    assert {GET_PATH, POST_PATH, "/api/v1/openapi.json"} <= set(openapi["paths"])
    assert {"Verdict", "Check", "NotFound", "RateLimited"} <= set(openapi["components"]["schemas"])
    verdict = openapi["components"]["schemas"]["Verdict"]
    assert set(verdict["required"]) == VERDICT_KEYS
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # every schema is valid JSON Schema 2020-12


# --- GET by id: every verdict ------------------------------------------------------------------


def test_valid(client, issue, openapi):
    credential = issue(visibility="full")
    response = get_verdict(client, credential.public_id)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    validate(openapi, response_schema(openapi, GET_PATH, "get", 200), body)
    assert set(body) == VERDICT_KEYS
    assert body["id"] == credential.public_id and body["status"] == "valid" and body["valid"]
    assert body["holder"] == {"name": HOLDER_NAME}
    assert body["achievement"]["name"] == credential.snapshot["course"]["title"]
    assert body["issued_on"] == timezone.localdate(credential.issued_at).isoformat()
    assert body["expires_on"] is None
    assert [c["name"] for c in body["checks"]] == [
        "Issued by this issuer",
        "Signature valid",
        "Not revoked",
        "Not superseded",
        "Not expired",
    ]


def test_achievement_only_hides_the_name(client, issue, openapi):
    credential = issue(visibility="achievement")
    response = get_verdict(client, credential.public_id)
    validate(openapi, "Verdict", response.json())
    assert response.json()["holder"] == {}
    assert HOLDER_NAME not in response.content.decode() and "Lena" not in response.content.decode()


def test_revoked(client, issue, revoke, openapi):
    body = get_verdict(client, revoke(issue()).public_id).json()
    validate(openapi, "Verdict", body)
    assert body["status"] == "revoked" and body["valid"] is False
    detail = next(c["detail"] for c in body["checks"] if c["name"] == "Not revoked")
    assert detail.startswith("Revoked on 3 March 2027: issued in error.")


def test_expired(client, issue, openapi):
    credential = issue(valid_for_days=10)
    expired_on = timezone.localdate() - timedelta(days=1)
    Credential.objects.filter(pk=credential.pk).update(expires_on=expired_on)
    body = get_verdict(client, credential.public_id).json()
    validate(openapi, "Verdict", body)
    assert body["status"] == "expired" and body["expires_on"] == expired_on.isoformat()


def test_superseded(client, issue, learner, openapi):
    first = issue()
    course_services.enrollment_restart(enrollment=first.course.enrollments.get(user=learner))
    second = issue(course=first.course)
    body = get_verdict(client, first.public_id).json()
    validate(openapi, "Verdict", body)
    assert body["status"] == "superseded"
    detail = next(c["detail"] for c in body["checks"] if c["name"] == "Not superseded")
    assert second.verify_url in detail


def test_withdrawn(client, issue, openapi):
    credential = issue()
    Credential.objects.filter(pk=credential.pk).update(status=Credential.Status.WITHDRAWN)
    body = get_verdict(client, credential.public_id).json()
    validate(openapi, "Verdict", body)
    assert body["status"] == "withdrawn" and not body["valid"]


def test_pending(client, issue, make_course, openapi):
    with mock.patch("credentials.tasks.issue_credential.delay_on_commit"):
        credential = issue(course=make_course("Pending API course", lessons=1))
    body = get_verdict(client, credential.public_id).json()
    validate(openapi, "Verdict", body)
    assert body["status"] == "pending" and body["issued_on"] is None


def test_not_found_exactly_when_the_page_is(client, issue, openapi):
    hidden = issue(visibility="off")
    for public_id in ("Q" * 27, hidden.public_id, "not an id!"):
        api = get_verdict(client, public_id)
        page = client.get(f"/verify/{public_id}/")
        assert api.status_code == page.status_code == 404
        assert api.content == b'{"status": "not_found"}'
        validate(openapi, response_schema(openapi, GET_PATH, "get", 404), api.json())


# --- POST a file -------------------------------------------------------------------------------


def test_post_a_genuine_pdf(client, issue, openapi, django_capture_on_commit_callbacks):
    credential = issue()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, pdf_of(credential), "c.pdf", "application/pdf")
    assert response.status_code == 200
    body = response.json()
    validate(openapi, response_schema(openapi, POST_PATH, "post", 200), body)
    assert body["status"] == "valid" and body["id"] == credential.public_id
    assert VerificationEvent.objects.get().channel == "api"


def test_post_a_tampered_pdf(client, issue, openapi):
    response = post_file(client, flip_signed_byte(pdf_of(issue())))
    assert response.status_code == 200
    validate(openapi, "Verdict", response.json())
    assert response.json()["status"] == "failed" and response.json()["holder"] == {}


def test_post_genuine_and_tampered_json(client, issue, openapi):
    credential = issue()
    genuine = post_file(client, badge_bytes(credential), "b.json", "application/json")
    tampered = post_file(client, badge_bytes(credential, validFrom="2020-01-01T00:00:00Z"))
    for response in (genuine, tampered):
        assert response.status_code == 200
        validate(openapi, "Verdict", response.json())
    assert genuine.json()["status"] == "valid" and tampered.json()["status"] == "failed"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"GIF89a", "neither a PDF certificate nor an Open Badges credential"),
        (b"%PDF-1.4 junk", "This is not a readable PDF."),
        (b"{not json", "This is not JSON"),
        (b'{"type": "Nope"}', "not a valid Open Badges 3.0 credential"),
    ],
    ids=["gif", "broken-pdf", "broken-json", "schema"],
)
def test_post_junk_is_a_clear_400(client, openapi, data, problem):
    response = post_file(client, data)
    assert response.status_code == 400
    body = response.json()
    validate(openapi, response_schema(openapi, POST_PATH, "post", 400), body)
    assert body["status"] == "invalid" and body["valid"] is False
    assert problem in body["checks"][0]["detail"]


def test_post_without_a_file(client, openapi):
    response = client.post("/api/v1/verifications", {})
    assert response.status_code == 400
    assert "multipart form field 'file'" in response.json()["checks"][0]["detail"]


def test_post_an_oversized_file(client, openapi, settings):
    settings.LINEAGE_VERIFY_MAX_UPLOAD_BYTES = 100
    response = post_file(client, b"%PDF-" + b"0" * 1000)
    assert response.status_code == 413
    validate(openapi, response_schema(openapi, POST_PATH, "post", 413), response.json())
    assert "larger than" in response.json()["checks"][0]["detail"]


def test_post_a_hidden_credentials_file_verifies(client, issue):
    credential = issue(visibility="full")
    Credential.objects.filter(pk=credential.pk).update(visibility="off")
    body = post_file(client, pdf_of(credential)).json()
    assert body["status"] == "valid" and body["holder"] == {}


# --- no session, no CSRF -----------------------------------------------------------------------


def test_api_needs_no_csrf_and_sets_no_cookies(issue, learner):
    credential = issue()
    machine = Client(enforce_csrf_checks=True)
    machine.force_login(learner)  # even with a session cookie, the API ignores the session
    posted = machine.post(
        "/api/v1/verifications",
        {"file": SimpleUploadedFile("b.json", badge_bytes(credential), "application/json")},
    )
    got = get_verdict(machine, credential.public_id)
    for response in (posted, got):
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.get("Vary", "")


def test_api_queries_are_bounded(client, issue, learner, django_assert_max_num_queries):
    credential = issue()
    get_verdict(client, credential.public_id)  # warm
    with django_assert_max_num_queries(1):
        assert get_verdict(client, credential.public_id).status_code == 200
    client.force_login(learner)
    with django_assert_max_num_queries(1):  # no session or user lookup
        assert get_verdict(client, credential.public_id).status_code == 200
    with django_assert_max_num_queries(4):  # the lookup plus Wagtail's redirect check on 404s
        assert get_verdict(client, "P" * 27).status_code == 404


# --- rate limits -------------------------------------------------------------------------------


def test_api_is_rate_limited_per_ip(client, issue, settings, openapi):
    # A fresh local cache: counting is the limiter's own logic (fixed windows with atomic
    # add/incr); sharing through Redis is what Django's RedisCache provides.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"rate-{uuid.uuid4().hex}",
        }
    }
    settings.LINEAGE_VERIFY_RATE_LIMITS = {"ip": "2/m", "token": "10/m"}
    credential = issue()
    assert get_verdict(client, credential.public_id).status_code == 200
    assert post_file(client, badge_bytes(credential)).status_code == 200
    limited = get_verdict(client, credential.public_id)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    validate(openapi, response_schema(openapi, GET_PATH, "get", 429), limited.json())
    assert limited.json()["retry_after"] == int(limited["Retry-After"])
    assert post_file(client, badge_bytes(credential)).status_code == 429


@pytest.fixture
def employer_tokens(monkeypatch):
    """Stand in for ``employers.tokens.token_owner``: one valid token, owned by Studio Nine."""
    organisation = types.SimpleNamespace(pk=9, name="Studio Nine")
    module = types.ModuleType("employers.tokens")
    module.token_owner = lambda raw: organisation if raw == "lin_good" else None
    monkeypatch.setitem(sys.modules, "employers.tokens", module)
    return organisation


def test_a_token_gets_its_own_higher_limit(client, issue, settings, employer_tokens):
    # A fresh local cache: counting is the limiter's own logic (fixed windows with atomic
    # add/incr); sharing through Redis is what Django's RedisCache provides.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"rate-{uuid.uuid4().hex}",
        }
    }
    settings.LINEAGE_VERIFY_RATE_LIMITS = {"ip": "1/m", "token": "3/m"}
    credential = issue()
    token = {"HTTP_AUTHORIZATION": "Bearer lin_good"}
    assert [get_verdict(client, credential.public_id, **token).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    # The anonymous count from the same address is separate ...
    assert get_verdict(client, credential.public_id).status_code == 200
    assert get_verdict(client, credential.public_id).status_code == 429
    # ... and a token nobody owns counts as anonymous.
    bad = {"HTTP_AUTHORIZATION": "Bearer lin_bad"}
    assert get_verdict(client, credential.public_id, **bad).status_code == 429


def test_a_token_attributes_the_check_to_its_organisation(
    client, issue, employer_tokens, django_capture_on_commit_callbacks
):
    credential = issue()
    with django_capture_on_commit_callbacks(execute=True):
        get_verdict(client, credential.public_id, HTTP_AUTHORIZATION="Bearer lin_good")
    event = VerificationEvent.objects.get()
    assert (event.channel, event.organisation_name) == ("api", "Studio Nine")


def test_without_the_employers_app_tokens_are_ignored(client, issue, settings, monkeypatch):
    settings.LINEAGE_VERIFY_RATE_LIMITS = {"ip": "1/m", "token": "100/m"}
    monkeypatch.setitem(sys.modules, "employers.tokens", None)  # import fails
    credential = issue()
    token = {"HTTP_AUTHORIZATION": "Bearer lin_anything"}
    assert get_verdict(client, credential.public_id, **token).status_code == 200
    assert get_verdict(client, credential.public_id, **token).status_code == 429


def test_rate_parsing():
    from credentials.ratelimit import Rate, parse_rate

    assert parse_rate("60/m") == Rate(60, 60)
    assert parse_rate("100/5m") == Rate(100, 300)
    assert parse_rate("1000/d") == Rate(1000, 86400)
    with pytest.raises(ValueError):
        parse_rate("lots")


def test_the_public_badge_is_described_and_matches(client, issue, openapi):
    credential = issue()
    assert "/verify/{id}/credential.json" in openapi["paths"]
    response = client.get(f"/verify/{credential.public_id}/credential.json")
    assert json.loads(response.content) == credential.badge


def test_a_cache_outage_does_not_block_verification(client, issue, caplog):
    credential = issue()
    with mock.patch("credentials.ratelimit._count", side_effect=ConnectionError("down")):
        assert get_verdict(client, credential.public_id).status_code == 200
    assert "rate limit unavailable" in caplog.text
