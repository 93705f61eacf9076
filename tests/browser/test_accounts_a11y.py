"""Zero axe-core WCAG 2.2 AA violations on the account pages, empty and after errors.

The demo server runs with the demo users (learner / lineage-demo); tests log in through the
form, as a person would. Failed attempts are kept few: the server counts them per address.
"""

import uuid

import pytest

from tests.browser.conftest import axe_violations

DEMO_PASSWORD = "lineage-demo"  # noqa: S105 - published demo credential


def submit(page):
    """Press the form's primary button and wait for the next page."""
    with page.expect_navigation():
        page.click("main form.form .form-actions button[type=submit] >> nth=0")


def assert_accessible(page):
    assert page.locator("main").count() == 1
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def log_in(page, base, login="learner", password=DEMO_PASSWORD):
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    submit(page)


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
)
def test_entrance_pages_have_no_axe_violations(demo_server, page, path):
    response = page.goto(demo_server + path)
    assert response.status == 200
    assert_accessible(page)


def test_login_with_errors_has_no_axe_violations(demo_server, page):
    log_in(page, demo_server, login="nobody-at-all", password="wrong")
    assert page.locator(".error-summary").is_visible()
    assert page.input_value("#id_login") == "nobody-at-all"
    assert_accessible(page)


def test_sign_up_with_errors_then_verification_page(demo_server, page):
    page.goto(demo_server + "/accounts/signup/")
    page.fill("#id_email", "not-an-email")
    page.fill("#id_username", "has space")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "other")
    submit(page)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    # Each message in the summary links to its field.
    summary.locator("a[href='#id_username']").click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert page.input_value("#id_email") == "not-an-email"
    assert_accessible(page)

    name = f"a11y{uuid.uuid4().hex[:8]}"
    page.fill("#id_credential_name", "Ada Eleven")
    page.fill("#id_email", f"{name}@example.org")
    page.fill("#id_username", name)
    page.fill("#id_password1", "a-long-demo-passphrase")
    page.fill("#id_password2", "a-long-demo-passphrase")
    submit(page)
    assert page.url.endswith("/accounts/confirm-email/")
    assert page.locator("h1").inner_text() == "Confirm your email address"
    assert_accessible(page)  # with the one-off "We've sent a link" message
    page.reload()
    assert_accessible(page)


def test_password_reset_with_errors_and_done(demo_server, page):
    page.goto(demo_server + "/accounts/password/reset/")
    page.fill("#id_email", "nope")
    submit(page)
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)
    page.fill("#id_email", "learner@example.org")
    submit(page)
    assert page.url.endswith("/accounts/password/reset/done/")
    assert_accessible(page)


def test_signed_in_account_pages_have_no_axe_violations(demo_server, page):
    log_in(page, demo_server)
    assert page.locator("header").get_by_text("Signed in as").count() == 1

    for path in [
        "/accounts/profile/",
        "/accounts/name/?next=/dashboard/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/delete/",
        "/accounts/logout/",
    ]:
        response = page.goto(demo_server + path)
        assert response.status == 200, path
        assert_accessible(page)


def test_profile_with_errors_has_no_axe_violations(demo_server, page):
    log_in(page, demo_server)
    page.goto(demo_server + "/accounts/profile/")
    # The browser stops at 200 characters; remove the limit to see the server's message.
    page.evaluate("document.getElementById('id_credential_name').removeAttribute('maxlength')")
    page.fill("#id_credential_name", "x" * 201)
    page.check("#id_verification_visibility_2")
    submit(page)
    assert page.locator(".error-summary").is_visible()
    assert page.is_checked("#id_verification_visibility_2")
    assert_accessible(page)


def test_delete_confirmation_with_error_has_no_axe_violations(demo_server, page):
    log_in(page, demo_server)
    page.goto(demo_server + "/accounts/delete/")
    page.fill("#id_password", "not-my-password")
    submit(page)
    assert page.locator(".error-summary").is_visible()
    assert page.url.endswith("/accounts/delete/")
    assert_accessible(page)


def test_pages_showing_a_message_have_no_axe_violations(demo_server, page):
    log_in(page, demo_server)
    page.goto(demo_server + "/accounts/profile/")
    submit(page)
    assert page.locator(".messages").get_by_text("Your profile has been saved.").count() == 1
    assert axe_violations(page) == []


def test_name_confirmation_with_errors_has_no_axe_violations(demo_server, page):
    log_in(page, demo_server)
    page.goto(demo_server + "/accounts/name/")
    page.fill("#id_credential_name", "")
    submit(page)
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)
