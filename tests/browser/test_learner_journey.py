"""A new learner signs up from a course, confirms their email and lands back on the course
logged in, enrols, completes two lessons, logs out, logs in again, and "Continue" takes them
to lesson three. Every page on the way is axe-clean.
"""

import uuid

from tests.browser.conftest import axe_violations

# A course of lessons only (the flagship interleaves quizzes: see test_quiz_journey.py).
COURSE = "/courses/consent-likeness-and-compensation-in-ai-assisted-production/"
PASSWORD = "a-long-journey-passphrase"  # noqa: S105 - test credential


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def assert_clean(page):
    assert page.locator("main").count() == 1
    assert axe_violations(page) == []


def test_new_learner_journey(demo_server, page):
    name = f"journey{uuid.uuid4().hex[:8]}"
    email = f"{name}@example.org"

    # Sign up from the course ("or create an account"), giving the name for certificates.
    page.goto(demo_server + COURSE)
    click_and_wait(page, "main a:has-text('or create an account')")
    assert "/accounts/signup/" in page.url
    assert_clean(page)
    page.fill("#id_credential_name", "Jo Journey-Ørsted")
    page.fill("#id_email", email)
    page.fill("#id_username", name)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    click_and_wait(page, "main form button[type=submit]")
    assert "confirm" in page.url

    # The link in the email logs the learner in and brings them back to the course.
    page.goto(demo_server.confirmation_link(email))
    assert_clean(page)
    click_and_wait(page, "main form button[type=submit]")
    assert page.url == demo_server + COURSE
    # Signed in: the header's account menu (Log out sits inside it, folded) names the learner.
    assert page.locator("header details.account-menu").count() == 1

    # Enrol.
    click_and_wait(page, "text=Enrol in this course")
    assert "You are enrolled" in page.content()

    # Complete lessons one and two.
    click_and_wait(page, "a.button:has-text('Continue')")
    assert_clean(page)  # a lesson page with progress
    assert "0 of" in page.locator(".progress__label").first.inner_text()
    click_and_wait(page, "text=Mark as done and continue")
    click_and_wait(page, "text=Mark as done and continue")
    assert "2 of" in page.locator(".progress__label").first.inner_text()

    # The dashboard shows the course in progress.
    page.goto(demo_server + "/dashboard/")
    assert_clean(page)
    assert "Consent, likeness and compensation" in page.content()

    # Log out, log in again.
    page.goto(demo_server + "/accounts/logout/")
    click_and_wait(page, "main form button[type=submit]")
    page.goto(demo_server + "/accounts/login/")
    page.fill("#id_login", name)
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "main form button[type=submit]")

    # "Continue" lands on lesson three.
    page.goto(demo_server + "/dashboard/")
    click_and_wait(page, "main a.button:has-text('Continue')")
    assert page.url.endswith(COURSE + "running-a-consent-process/")
    step = page.locator("aside.outline, .outline").first.inner_text()
    assert "Done" in step and "Next" in step
    assert_clean(page)
