"""The employer area's pages, the bulk-check API, approval in the Wagtail admin, and who can
reach what (the access matrix at the end)."""

import csv
import io
from uuid import uuid4

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from employers import bulk, forms, services, tokens
from employers.models import ApiToken, CheckedCredential, Organisation
from lms.spreadsheets import csv_safe
from tests.conftest import make_user
from tests.test_employers import (
    VALID_ID,
    install_fake_verification,
    make_organisation,
    make_verdict,
)

pytestmark = pytest.mark.django_db

API_URL = "/employers/api/bulk-check"


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Rate-limit counts start at zero, in a cache no other test shares."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"employers-{uuid4().hex}",
        }
    }


@pytest.fixture
def verifications(monkeypatch):
    return install_fake_verification(monkeypatch)


@pytest.fixture
def hr(db):
    return make_user("hana", display_name="Hana")


@pytest.fixture
def approved(hr):
    return make_organisation("Northlight Studios", status="approved", members=[hr])


@pytest.fixture
def pending(db):
    return make_organisation("Pending Pictures", members=[make_user("pat")])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def upload(content: bytes, name="ids.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


# --- Sign-up ----------------------------------------------------------------------------------


def test_signup_sends_anonymous_people_to_the_landing_page(client):
    response = client.get("/employers/signup/")
    assert response.status_code == 302
    assert response.url == "/employers/"
    assert client.post("/employers/signup/", {"name": "x", "reason": "y"}).url == "/employers/"
    assert not Organisation.objects.exists()


def test_the_landing_page_says_what_employers_can_do_and_how_to_start(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):  # anonymous: no session, no user, no organisation
        response = client.get("/employers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Check the credentials people show you</h1>" in html
    for feature in ("Verify by id", "Scan the QR code", "Upload the PDF", "Upload the JSON"):
        assert f"<h3>{feature}</h3>" in html
    assert "<h3>Use the API</h3>" in html and 'href="/api/docs/"' in html
    assert f"up to {bulk.MAX_ROWS:,} credential ids" in html
    # One flow: sign up, confirm the email, and land on the registration form.
    assert 'href="/accounts/signup/?next=/employers/signup/"' in html
    assert 'href="/accounts/login/?next=/employers/"' in html
    signup = client.get("/accounts/signup/?next=/employers/signup/").content.decode()
    assert "Step 1 of 2: your account." in signup
    assert "Step 1 of 2" not in client.get("/accounts/signup/").content.decode()


def test_people_without_an_organisation_are_offered_to_register_one(learner):
    html = signed_in(learner).get("/employers/").content.decode()
    assert '<a class="button" href="/employers/signup/">Register your organisation</a>' in html
    assert "/accounts/signup/" not in html.split("<main")[1]


def test_the_header_links_members_to_the_employer_area(learner, hr, approved):
    link = 'href="/employers/">Employer area</a>'
    assert link not in signed_in(learner).get("/dashboard/").content.decode()
    assert link in signed_in(hr).get("/dashboard/").content.decode()
    # Registering an organisation shows the link at once (the cached answer is replaced).
    client = signed_in(learner)
    client.get("/dashboard/")
    client.post("/employers/signup/", {"name": "Lena Films", "reason": "We hire."})
    assert link in client.get("/dashboard/").content.decode()


def test_the_header_link_costs_no_query_once_known(learner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import queries_on

    client = signed_in(learner)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/dashboard/")
    assert queries_on(ctx, "employers_organisationmember") == 0


def test_signup_registers_a_pending_organisation_and_shows_it_waiting(learner):
    client = signed_in(learner)
    page = client.get("/employers/signup/")
    assert page.status_code == 200
    assert b"Register your organisation" in page.content

    response = client.post(
        "/employers/signup/",
        {"name": "Northlight Studios", "website": "northlight.example", "reason": "We hire."},
    )
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response.url == f"/employers/{organisation.pk}/"
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.website == "https://northlight.example"
    assert organisation.members.get().user == learner

    home = client.get(response.url)
    assert "waiting for approval" in home.content.decode()


def test_signup_errors_are_summarised_and_typed_values_kept(learner):
    response = signed_in(learner).post(
        "/employers/signup/", {"name": " ", "website": "not a url", "reason": "We hire editors."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert '<a href="#id_name">Enter your organisation’s name</a>' in html
    assert "Enter a website address in the correct format" in html
    assert (
        'id="id_name_error"' in html and 'aria-describedby="id_name_helptext id_name_error"' in html
    )
    assert 'value="not a url"' in html
    assert "We hire editors.</textarea>" in html
    assert html.index("There is a problem") < html.index("<h1>")
    assert not Organisation.objects.exists()


def test_signup_with_a_taken_name_says_so_beside_the_name(learner, approved):
    response = signed_in(learner).post(
        "/employers/signup/", {"name": "NORTHLIGHT STUDIOS", "reason": "Hiring."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "already registered on Lineage" in html
    assert 'value="NORTHLIGHT STUDIOS"' in html
    assert Organisation.objects.count() == 1


def test_the_employer_area_sends_people_where_they_belong(learner, hr, approved):
    assert signed_in(learner).get("/employers/").status_code == 200  # the landing page
    assert signed_in(hr).get("/employers/").url == f"/employers/{approved.pk}/"
    second = make_organisation("Second Co", members=[hr])
    page = signed_in(hr).get("/employers/")
    assert page.status_code == 200
    assert f'href="/employers/{second.pk}/"' in page.content.decode()


# --- Checking by hand and the checked list ---------------------------------------------------


def check(client, organisation, public_id):
    return client.post(f"/employers/{organisation.pk}/check/", {"public_id": public_id})


def test_checking_shows_the_verdict_first_and_offers_to_keep_it(verifications, hr, approved):
    verifications.verdicts[VALID_ID] = make_verdict(VALID_ID, holder={"name": "Lena Müller"})
    response = check(signed_in(hr), approved, f"https://lineage.example/verify/{VALID_ID}/")
    html = response.content.decode()
    assert response.status_code == 200
    main = html[html.index("<main") :]
    assert main.index("Valid credential") < main.index('class="employers-nav"')
    assert "Lena Müller" in html and "Reading generated frames" in html
    assert "Save to checked list" in html
    assert verifications.calls == [
        {"public_id": VALID_ID, "channel": "page", "verifier": hr, "organisation": approved}
    ]


def test_a_pending_organisation_can_check_by_hand(verifications, pending):
    member = pending.members.get().user
    response = check(signed_in(member), pending, VALID_ID)
    assert response.status_code == 200
    assert "Valid credential" in response.content.decode()


def test_a_suspended_organisation_is_told_to_use_the_public_page(verifications, hr):
    organisation = make_organisation("Gone Ltd", status="suspended", members=[hr])
    response = check(signed_in(hr), organisation, VALID_ID)
    assert response.status_code == 403
    assert "suspended" in response.content.decode()
    assert verifications.calls == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [("   ", "Enter the credential id or verification link"), ("x" * 65, "too long")],
)
def test_a_missing_or_overlong_id_is_an_error_not_a_check(
    typed, message, verifications, hr, approved
):
    response = check(signed_in(hr), approved, typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert verifications.calls == []


def save_token_from(response) -> str:
    return response.context["save_form"].initial["verdict"]


def test_saving_a_shown_verdict_puts_it_on_the_list_without_checking_again(
    verifications, hr, approved
):
    client = signed_in(hr)
    token = save_token_from(check(client, approved, VALID_ID))
    response = client.post(
        f"/employers/{approved.pk}/checked/save/", {"verdict": token, "note": "Applicant 42"}
    )
    assert response.status_code == 302
    assert response.url == f"/employers/{approved.pk}/checked/"
    checked = CheckedCredential.objects.get()
    assert (checked.organisation, checked.public_id, checked.status) == (
        approved,
        VALID_ID,
        "valid",
    )
    assert (checked.headline, checked.note, checked.checked_by) == (
        "Valid credential",
        "Applicant 42",
        hr,
    )
    assert len(verifications.calls) == 1


def test_a_not_found_verdict_can_be_kept_too(verifications, hr, approved):
    verifications.verdicts["gone123"] = make_verdict("gone123", "not_found")
    client = signed_in(hr)
    token = save_token_from(check(client, approved, "gone123"))
    client.post(f"/employers/{approved.pk}/checked/save/", {"verdict": token})
    assert CheckedCredential.objects.get().status == "not_found"


@pytest.mark.parametrize("problem", ["tampered", "other organisation", "too old"])
def test_a_verdict_that_was_not_shown_to_this_organisation_cannot_be_saved(
    problem, verifications, hr, approved, monkeypatch
):
    client = signed_in(hr)
    token = save_token_from(check(client, approved, VALID_ID))
    target = approved
    if problem == "tampered":
        token = token.replace(token[5], "A" if token[5] != "A" else "B", 1)
    elif problem == "other organisation":
        target = make_organisation("Other Co", status="approved", members=[hr])
    else:
        monkeypatch.setattr(forms, "VERDICT_SAVE_MAX_AGE", -1)
    response = client.post(f"/employers/{target.pk}/checked/save/", {"verdict": token})
    assert response.status_code == 200
    assert "Check the credential again" in response.content.decode()
    assert not CheckedCredential.objects.exists()


def test_the_checked_list_shows_only_the_verdict_and_paginates(verifications, hr, approved):
    other = make_organisation("Other Co", status="approved", members=[make_user("olga")])
    for n in range(26):
        services.checked_credential_save(
            organisation=approved,
            public_id=f"id{n:02d}",
            status="valid",
            headline="Valid credential",
            checked_at=f"2026-05-{n + 1:02d}T10:00:00Z",
            checked_by=hr,
        )
    services.checked_credential_save(
        organisation=other,
        public_id="secret-of-other",
        status="valid",
        headline="Valid credential",
        checked_at="2026-05-01T10:00:00Z",
        checked_by=None,
    )
    client = signed_in(hr)
    first = client.get(f"/employers/{approved.pk}/checked/").content.decode()
    assert "id25" in first and "id01" in first and "id00" not in first  # newest first
    assert "secret-of-other" not in first
    assert 'href="?page=2"' in first
    second = client.get(f"/employers/{approved.pk}/checked/?page=2").content.decode()
    assert "id00" in second


def test_an_empty_checked_list_says_what_to_do(hr, approved):
    html = signed_in(hr).get(f"/employers/{approved.pk}/checked/").content.decode()
    assert "You haven’t kept any checks yet" in html


def keep(organisation, public_id=VALID_ID, **extra):
    values = {
        "status": "valid",
        "headline": "Valid credential",
        "checked_at": "2026-05-01T10:00:00Z",
        "checked_by": None,
    }
    values.update(extra)
    return services.checked_credential_save(
        organisation=organisation, public_id=public_id, **values
    )


def test_checking_again_updates_the_list(verifications, hr, approved):
    checked = keep(approved)
    verifications.verdicts[VALID_ID] = make_verdict(VALID_ID, "revoked")
    client = signed_in(hr)
    url = f"/employers/{approved.pk}/checked/{checked.pk}/recheck/"
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    checked.refresh_from_db()
    assert checked.status == "revoked" and checked.checked_by == hr
    assert "Revoked on 3 March 2027" in response.content.decode()


def test_removing_asks_first(hr, approved):
    checked = keep(approved)
    client = signed_in(hr)
    url = f"/employers/{approved.pk}/checked/{checked.pk}/remove/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove this credential from your checked list?" in confirm.content.decode()
    assert CheckedCredential.objects.exists()
    assert client.post(url).status_code == 302
    assert not CheckedCredential.objects.exists()


def test_another_organisations_entries_are_not_found(verifications, hr, approved):
    other = make_organisation("Other Co", status="approved", members=[make_user("olga")])
    theirs = keep(other)
    client = signed_in(hr)
    for action in ("recheck", "remove"):
        url = f"/employers/{approved.pk}/checked/{theirs.pk}/{action}/"
        assert client.post(url).status_code == 404
    assert CheckedCredential.objects.filter(pk=theirs.pk).exists()
    assert verifications.calls == []


# --- API tokens -----------------------------------------------------------------------------


def test_a_new_token_is_shown_once_then_only_its_prefix(hr, approved):
    client = signed_in(hr)
    response = client.post(f"/employers/{approved.pk}/tokens/", {"name": "HR system"})
    assert response.status_code == 200
    raw = response.context["raw_token"]
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert tokens.token_owner(raw) == approved

    later = client.get(f"/employers/{approved.pk}/tokens/").content.decode()
    assert raw not in later
    assert f"{raw[:12]}…" in later
    assert "HR system" in later


def test_a_token_needs_a_name(hr, approved):
    response = signed_in(hr).post(f"/employers/{approved.pk}/tokens/", {"name": "  "})
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_asks_first_then_stops_it(hr, approved):
    token, raw = services.api_token_create(organisation=approved, name="HR", created_by=hr)
    client = signed_in(hr)
    url = f"/employers/{approved.pk}/tokens/{token.pk}/revoke/"
    assert "Revoke the token “HR”?" in client.get(url).content.decode()
    assert tokens.token_owner(raw) == approved
    assert client.post(url).status_code == 302
    assert tokens.token_owner(raw) is None
    assert client.get(url).status_code == 404  # revoked tokens can't be revoked again


@pytest.mark.parametrize("path", ["tokens/", "bulk-check/"])
def test_pending_organisations_are_told_why_they_cannot_use_tokens_or_bulk_checks(path, pending):
    client = signed_in(pending.members.get().user)
    page = client.get(f"/employers/{pending.pk}/{path}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "waiting for approval" in html
    assert "<form" not in html[html.index("<h1") :]
    refused = client.post(
        f"/employers/{pending.pk}/{path}", {"name": "x", "file": upload(b"id\nabc\n")}
    )
    assert refused.status_code == 403
    assert not ApiToken.objects.exists()


# --- Bulk checks on the page ------------------------------------------------------------------


def test_a_bulk_check_downloads_results_for_excel(verifications, hr, approved):
    verifications.verdicts["gone"] = make_verdict("gone", "not_found")
    response = signed_in(hr).post(
        f"/employers/{approved.pk}/bulk-check/",
        {"file": upload(f"id\n{VALID_ID}\ngone\n=1+1\n".encode())},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lineage-bulk-check-')
    assert response.content.startswith("\ufeff".encode())
    rows = csv_rows(response)
    assert rows[0] == bulk.RESULT_HEADER
    assert [row[:3] for row in rows[1:]] == [
        [VALID_ID, "valid", "true"],
        ["gone", "not_found", "false"],
        ["'=1+1", "valid", "true"],
    ]
    assert {call["channel"] for call in verifications.calls} == {"bulk"}
    assert {call["verifier"] for call in verifications.calls} == {hr}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("id\ncafé\n".encode("latin-1"), "ids.csv", "isn’t UTF-8 text"),
        (b"id\n" + b"abc\n" * (bulk.MAX_ROWS + 1), "ids.csv", "more than 1,000 credential ids"),
        (b"a" * (bulk.MAX_UPLOAD_BYTES + 1), "ids.csv", "larger than the 128 KB limit"),
        (b"id\nabc\n", "ids.xlsx", "must be a CSV file"),
        (b"id\n\n", "ids.csv", "no credential ids"),
    ],
)
def test_bulk_check_file_problems_are_explained(
    content, name, message, verifications, hr, approved
):
    response = signed_in(hr).post(
        f"/employers/{approved.pk}/bulk-check/", {"file": upload(content, name)}
    )
    html = response.content.decode().replace("&#x27;", "’").replace("'", "’")
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert verifications.calls == []


def test_a_request_far_over_the_size_limit_is_refused_before_reading_it(hr, approved):
    response = signed_in(hr).post(
        f"/employers/{approved.pk}/bulk-check/",
        {"file": upload(b"a" * (bulk.MAX_UPLOAD_BYTES * 2))},
    )
    assert response.status_code == 413
    assert "larger than the 128 KB limit" in response.content.decode()


# --- The bulk-check API -----------------------------------------------------------------------


@pytest.fixture
def api_token(hr, approved):
    _, raw = services.api_token_create(organisation=approved, name="HR", created_by=hr)
    return raw


ONE_ID = f"{VALID_ID}\n".encode()


def api_post(raw_token=None, content=ONE_ID, client=None, **headers):
    client = client or Client(enforce_csrf_checks=True)
    if raw_token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw_token}"
    data = {"file": upload(content)} if content is not None else {}
    return client.post(API_URL, data, **headers)


def test_the_api_returns_results_as_csv_for_a_token(verifications, api_token, approved):
    response = api_post(api_token, content=f"{VALID_ID}\nother\n".encode())
    assert response.status_code == 200
    assert not response.content.startswith("\ufeff".encode())  # programs, not Excel
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response)
    assert [row[0] for row in rows] == ["id", VALID_ID, "other"]
    assert verifications.calls[0] == {
        "public_id": VALID_ID,
        "channel": "bulk",
        "verifier": None,
        "organisation": approved,
    }
    token = ApiToken.objects.get()
    assert token.last_used_at is not None


@pytest.mark.parametrize("problem", ["missing", "unknown", "revoked", "suspended", "pending"])
def test_the_api_refuses_requests_without_a_live_token(problem, verifications, hr, approved):
    raw = None
    if problem == "unknown":
        raw = "lin_" + "x" * 43
    elif problem == "revoked":
        token, raw = services.api_token_create(organisation=approved, name="x", created_by=hr)
        services.api_token_revoke(token=token)
    elif problem == "suspended":
        _, raw = services.api_token_create(organisation=approved, name="x", created_by=hr)
        services.organisation_suspend(organisation=approved, suspended_by=None)
    elif problem == "pending":
        # A token row for a pending organisation (made directly: the service refuses).
        organisation = make_organisation("Pending Co")
        raw = tokens.token_generate()
        ApiToken.objects.create(
            organisation=organisation, name="x", prefix=raw[:12], token_hash=tokens.token_hash(raw)
        )
    response = api_post(raw)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="lineage"')
    assert ("invalid_token" in response["WWW-Authenticate"]) == (problem != "missing")
    assert "Authorization: Bearer" in response.json()["error"]
    assert verifications.calls == []


def test_a_signed_in_session_is_not_a_token(verifications, hr, approved):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr)
    response = api_post(client=client)
    assert response.status_code == 401
    assert verifications.calls == []


def test_the_api_explains_a_bad_file(verifications, api_token):
    assert api_post(api_token, content=None).status_code == 400
    bad = api_post(api_token, content="café\n".encode("latin-1"))
    assert bad.status_code == 400
    assert "UTF-8" in bad.json()["error"]
    big = api_post(api_token, content=b"a" * (bulk.MAX_UPLOAD_BYTES * 2))
    assert big.status_code == 413
    assert Client().get(API_URL, HTTP_AUTHORIZATION=f"Bearer {api_token}").status_code == 405
    assert verifications.calls == []


def test_bulk_checks_are_limited_per_organisation(verifications, api_token, settings):
    settings.LINEAGE_EMPLOYER_BULK_RATE = "2/h"
    assert api_post(api_token).status_code == 200
    assert api_post(api_token).status_code == 200
    refused = api_post(api_token)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert len(verifications.calls) == 2


def test_the_api_with_real_verification_answers_not_found_for_unknown_ids(api_token):
    response = api_post(api_token, content=b"id\nq2X9fKc8mR4tYw1LpZ7aBvN3sHdZZ\nnot-an-id!\n")
    rows = csv_rows(response)
    assert [row[:3] for row in rows[1:]] == [
        ["q2X9fKc8mR4tYw1LpZ7aBvN3sHdZZ", "not_found", "false"],
        ["not-an-id!", "not_found", "false"],
    ]


# --- Approval in the Wagtail admin ------------------------------------------------------------


def test_a_superuser_approves_an_organisation_in_the_admin(admin_user, pending):
    member = pending.members.get().user
    client = signed_in(admin_user)
    listing = client.get("/admin/employer-organisations/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Pending Pictures" in html
    assert f"/admin/employer-organisations/approve/{pending.pk}/" in html

    url = f"/admin/employer-organisations/approve/{pending.pk}/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Approve Pending Pictures?" in confirm.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"

    assert client.post(url).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "approved" and pending.approved_by == admin_user
    assert member in Group.objects.get(name="Employers").user_set.all()


def test_a_superuser_suspends_an_organisation_in_the_admin(admin_user, approved, api_token):
    client = signed_in(admin_user)
    response = client.post(f"/admin/employer-organisations/suspend/{approved.pk}/")
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == "suspended"
    assert tokens.token_owner(api_token) is None


def test_the_admin_edit_form_cannot_change_the_status(admin_user, pending):
    client = signed_in(admin_user)
    url = f"/admin/employer-organisations/edit/{pending.pk}/"
    assert client.get(url).status_code == 200
    client.post(
        url, {"name": "Pending Pictures Ltd", "website": "", "reason": "x", "status": "approved"}
    )
    pending.refresh_from_db()
    assert pending.name == "Pending Pictures Ltd"
    assert pending.status == "pending"


def test_instructors_with_admin_access_cannot_approve(instructor, pending):
    client = signed_in(instructor)
    assert client.get("/admin/").status_code == 200  # they do reach the admin
    for url in (
        "/admin/employer-organisations/",
        f"/admin/employer-organisations/approve/{pending.pk}/",
        f"/admin/employer-organisations/edit/{pending.pk}/",
    ):
        assert client.get(url).status_code in {302, 403}, url
    assert client.post(f"/admin/employer-organisations/approve/{pending.pk}/").status_code in {
        302,
        403,
    }
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_nobody_adds_or_deletes_organisations_in_the_admin(admin_user, pending):
    client = signed_in(admin_user)
    assert client.get("/admin/employer-organisations/new/").status_code in {302, 403}
    assert client.post(f"/admin/employer-organisations/delete/{pending.pk}/").status_code in {
        302,
        403,
    }
    assert Organisation.objects.filter(pk=pending.pk).exists()


# --- Who can reach what -----------------------------------------------------------------------

LOGIN = "login"  # a redirect to the login page with ?next=
ROLES = ("anonymous", "learner", "pending_member", "approved_member", "other_member", "admin")


@pytest.fixture
def world(db, learner, admin_user):
    members = {
        "pending_member": make_user("paula"),
        "approved_member": make_user("anna"),
        "other_member": make_user("otto"),
    }
    organisation = make_organisation(
        "Org A", status="approved", members=[members["approved_member"]]
    )
    make_organisation("Org P", members=[members["pending_member"]])
    make_organisation("Org B", status="approved", members=[members["other_member"]])
    checked = keep(organisation)
    token, _ = services.api_token_create(
        organisation=organisation, name="A token", created_by=members["approved_member"]
    )
    users = {"anonymous": None, "learner": learner, "admin": admin_user, **members}
    return {"users": users, "a": organisation.pk, "c": checked.pk, "t": token.pk}


def only_members_of_a(ok: int) -> dict:
    """Org A's pages: its members get ``ok``; everyone else signed in a 404; anonymous, login."""
    return {
        "anonymous": LOGIN,
        "learner": 404,
        "pending_member": 404,
        "approved_member": ok,
        "other_member": 404,
        "admin": 404,
    }


ACCESS = [
    # (method, path, expected status for each role)
    (
        "get",
        "/employers/",
        {
            "anonymous": 200,  # the landing page
            "learner": 200,
            "pending_member": 302,
            "approved_member": 302,
            "other_member": 302,
            "admin": 200,
        },
    ),
    ("get", "/employers/signup/", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)}),
    ("get", "/employers/{a}/", only_members_of_a(200)),
    ("get", "/employers/{a}/check/", only_members_of_a(200)),
    ("post", "/employers/{a}/check/", only_members_of_a(200)),
    ("get", "/employers/{a}/checked/", only_members_of_a(200)),
    ("post", "/employers/{a}/checked/save/", only_members_of_a(200)),  # error: no verdict
    ("post", "/employers/{a}/checked/{c}/recheck/", only_members_of_a(302)),
    ("get", "/employers/{a}/checked/{c}/remove/", only_members_of_a(200)),
    ("post", "/employers/{a}/checked/{c}/remove/", only_members_of_a(302)),
    ("get", "/employers/{a}/tokens/", only_members_of_a(200)),
    ("post", "/employers/{a}/tokens/", only_members_of_a(200)),
    ("get", "/employers/{a}/tokens/{t}/revoke/", only_members_of_a(200)),
    ("post", "/employers/{a}/tokens/{t}/revoke/", only_members_of_a(302)),
    ("get", "/employers/{a}/bulk-check/", only_members_of_a(200)),
    ("post", "/employers/{a}/bulk-check/", only_members_of_a(200)),  # error: no file
    ("post", API_URL, dict.fromkeys(ROLES, 401)),  # sessions are never tokens
    (
        "get",
        "/admin/employer-organisations/",
        {**dict.fromkeys(ROLES, LOGIN), "admin": 200},
    ),
    (
        "get",
        "/admin/employer-organisations/approve/{a}/",
        {**dict.fromkeys(ROLES, LOGIN), "admin": 200},
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "expected"), ACCESS, ids=[f"{m} {p}" for m, p, _ in ACCESS]
)
def test_access_matrix(method, path, expected, world, verifications):
    url = path.format(a=world["a"], c=world["c"], t=world["t"])
    wrong = []
    for role in ROLES:
        client = Client()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        data = {"public_id": VALID_ID, "name": "x"} if method == "post" else None
        response = getattr(client, method)(url, data)
        if expected[role] == LOGIN:
            got_login = response.status_code == 302 and "login" in response.url
            outcome = LOGIN if got_login else response.status_code
        else:
            outcome = response.status_code
        if outcome != expected[role]:
            wrong.append(f"{role}: expected {expected[role]}, got {outcome}")
    assert not wrong, f"{method.upper()} {url}: " + "; ".join(wrong)


def test_employer_membership_grants_no_admin_and_no_learner_data(world):
    member = world["users"]["approved_member"]
    assert member.groups.filter(name="Employers").exists()
    assert not member.get_all_permissions()
    client = signed_in(member)
    admin = client.get("/admin/")
    assert admin.status_code == 302 and "login" in admin.url
    assert client.get("/admin/users/").status_code == 302


# --- With real verification: an issued credential, checked by hand and in bulk -----------------


@pytest.fixture
def issued_credential(learner, make_course, django_capture_on_commit_callbacks):
    from courses import services as course_services
    from courses.models import LessonPage
    from credentials.models import Credential

    course = make_course("Credentialed course", lessons=1)
    course_services.enrollment_create(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in LessonPage.objects.child_of(course):
            course_services.step_complete(user=learner, step=lesson)
    return Credential.objects.get(status=Credential.Status.ISSUED)


def test_a_real_credential_checked_by_an_employer_is_logged_under_its_name(
    issued_credential, hr, approved, api_token, django_capture_on_commit_callbacks
):
    from credentials.models import VerificationEvent

    client = signed_in(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = check(client, approved, issued_credential.verify_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Valid credential" in html and "Credentialed course" in html
    # The learner's default visibility shares the achievement, not their name.
    assert "Lena Müller" not in html and "keeps their name private" in html

    token = save_token_from(response)
    client.post(f"/employers/{approved.pk}/checked/save/", {"verdict": token})
    listed = client.get(f"/employers/{approved.pk}/checked/").content.decode()
    assert issued_credential.public_id in listed and "Lena Müller" not in listed

    with django_capture_on_commit_callbacks(execute=True):
        rows = csv_rows(api_post(api_token, content=f"{issued_credential.public_id}\n".encode()))
    # An id starting with "-" comes back as "'-...", like every formula-like cell.
    assert rows[1][:3] == [csv_safe(issued_credential.public_id), "valid", "true"]
    assert rows[1][6] == ""  # holder_name: not shared
    events = VerificationEvent.objects.filter(credential=issued_credential)
    assert sorted(events.values_list("channel", "organisation_name")) == [
        ("bulk", "Northlight Studios"),
        ("page", "Northlight Studios"),
    ]
