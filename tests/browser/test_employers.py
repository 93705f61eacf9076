"""An employer registers an organisation and uses the employer area, in a real browser.

On the demo server: a new employer signs up from the landing page and registers in one flow;
the demo learner (one person may be a learner and an employer) logs in through the form,
registers an organisation, sees it waiting for approval, and checks a credential id. Zero
axe-core WCAG 2.2 AA violations on every page on the way, errors included.
"""

import uuid

from tests.browser.conftest import axe_violations

DEMO_PASSWORD = "lineage-demo"  # noqa: S105 - published demo credential


def submit(page, button_text: str):
    with page.expect_navigation():
        page.get_by_role("button", name=button_text, exact=True).click()


def log_in(page, base, next_path: str):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_login", "learner")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form .form-actions button[type=submit] >> nth=0")


def assert_accessible(page):
    assert page.locator("main").count() == 1
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


# The right edge of the widest thing in <main> (the header fitting phones is issue 13, item 4).
MAIN_RIGHT_EDGE = """() => Math.max(0, ...Array.from(document.querySelectorAll('main *'),
    (element) => element.getBoundingClientRect().right))"""


def no_sideways_scroll_at_320(page):
    """WCAG 2.2 SC 1.4.10 (Reflow): the page's content fits a 320 CSS px window."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        right = page.evaluate(MAIN_RIGHT_EDGE)
        assert right <= 320, f"{page.url}: content reaches {right}px at 320px"
    finally:
        page.set_viewport_size(size)


def test_a_new_employer_signs_up_and_registers_in_one_flow(demo_server, page):
    """From the landing page: an account, the email link, then straight to registering."""
    page.goto(demo_server + "/employers/signup/")  # anonymous: to the landing page first
    assert page.url == demo_server + "/employers/"
    assert page.locator("h1").inner_text() == "Check the credentials people show you"
    main = page.locator("main").inner_text()
    for words in ("Verify by id", "QR code", "PDF", "JSON", "API", "Check many at once"):
        assert words in main, words
    assert_accessible(page)
    no_sideways_scroll_at_320(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Create an account and register your organisation").click()
    assert "Step 1 of 2" in page.locator("main").inner_text()
    assert_accessible(page)
    name = f"hr{uuid.uuid4().hex[:8]}"
    email = f"{name}@example.org"
    page.fill("#id_credential_name", "Harper Reyes")
    page.fill("#id_email", email)
    page.fill("#id_username", name)
    page.fill("#id_password1", "a-long-employer-passphrase")
    page.fill("#id_password2", "a-long-employer-passphrase")
    submit(page, "Create account")

    # The emailed link logs them in and goes on to registering the organisation.
    page.goto(demo_server.confirmation_link(email))
    submit(page, "Confirm email address")
    assert page.url == demo_server + "/employers/signup/"
    assert page.locator("h1").inner_text() == "Register your organisation"
    assert_accessible(page)

    organisation = f"Harbour Post {uuid.uuid4().hex[:6]}"
    page.fill("#id_name", organisation)
    page.fill("#id_reason", "We hire compositors and check their training.")
    submit(page, "Register organisation")
    assert page.locator("h1").inner_text() == organisation

    # The header now leads members to the employer area.
    page.goto(demo_server + "/dashboard/")
    with page.expect_navigation():
        page.locator("header").get_by_role("link", name="Employer area").click()
    assert page.locator("h1").inner_text() == organisation
    assert_accessible(page)


def test_the_api_reference_is_readable_and_accessible(demo_server, page):
    page.goto(demo_server + "/api/docs/")
    assert page.get_by_role("link", name="POST /employers/api/bulk-check").count() == 1
    assert_accessible(page)
    no_sideways_scroll_at_320(page)


def test_signing_up_an_organisation_and_checking_a_credential(demo_server, page):
    # Logging in from the landing page comes back to the sign-up page.
    page.goto(demo_server + "/employers/signup/")
    assert page.url == demo_server + "/employers/"
    log_in(page, demo_server, "/employers/signup/")
    assert page.url == demo_server + "/employers/signup/"
    assert page.locator("h1").inner_text() == "Register your organisation"
    assert_accessible(page)

    # Errors: summarised at the top, linked to their fields, typed values kept.
    page.fill("#id_website", "not a website")
    page.fill("#id_reason", "We hire editors and check their training.")
    submit(page, "Register organisation")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    summary.locator("a[href='#id_name']").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    assert page.input_value("#id_website") == "not a website"
    assert page.input_value("#id_reason") == "We hire editors and check their training."
    assert_accessible(page)

    name = f"Northlight Studios {uuid.uuid4().hex[:6]}"
    page.fill("#id_name", name)
    page.fill("#id_website", "https://northlight.example")
    submit(page, "Register organisation")
    assert page.locator("h1").inner_text() == name
    assert "waiting for approval" in page.locator("main").inner_text()
    assert_accessible(page)

    # Checking a credential by hand works while waiting; an unknown id is "not found".
    page.fill("#id_public_id", "q2X9fKc8mR4tYw1LpZ7aBvN3sHdZZ")
    submit(page, "Check credential")
    assert page.locator("h1").inner_text() == "Credential not found"
    assert_accessible(page)
    submit(page, "Save to checked list")
    assert "Checked list" in page.locator("h1").inner_text()
    assert "q2X9fKc8mR4tYw1LpZ7aBvN3sHdZZ" in page.locator("main table").inner_text()
    assert_accessible(page)

    # API tokens wait for approval, and the page says so.
    page.get_by_role("link", name="API tokens").click()
    assert "waiting for approval" in page.locator("main").inner_text()
    assert_accessible(page)


def register(page, base) -> str:
    name = f"Approved Pictures {uuid.uuid4().hex[:6]}"
    page.goto(base + "/employers/signup/")
    page.fill("#id_name", name)
    page.fill("#id_reason", "We check editors' training.")
    submit(page, "Register organisation")
    return name


def test_an_approved_organisation_creates_a_token_and_runs_a_bulk_check(demo_server, page, browser):
    log_in(page, demo_server, "/employers/signup/")
    name = register(page, demo_server)
    organisation_url = page.url

    # An administrator approves it in the Wagtail admin.
    admin = browser.new_context().new_page()
    admin.goto(f"{demo_server}/accounts/login/?next=/admin/employer-organisations/")
    admin.fill("#id_login", "admin")
    admin.fill("#id_password", DEMO_PASSWORD)
    with admin.expect_navigation():
        admin.click("main form .form-actions button[type=submit] >> nth=0")
    admin.get_by_role("link", name=f"Approve {name}").click()
    with admin.expect_navigation():
        admin.get_by_role("button", name="Yes, approve").click()
    assert f"{name} is approved." in admin.locator("body").inner_text()
    admin.context.close()

    page.goto(organisation_url)
    assert "waiting for approval" not in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="API tokens").click()
    assert_accessible(page)
    page.fill("#id_name", "Applicant tracking")
    submit(page, "Create token")
    token = page.input_value("#new-token")
    assert token.startswith("lin_")
    assert_accessible(page)
    page.reload()  # a new GET: the token is never shown again
    assert token not in page.content()
    assert token[:12] in page.locator("main table").inner_text()

    page.get_by_role("link", name="Bulk check").click()
    assert_accessible(page)
    page.set_input_files(
        "#id_file",
        files=[{"name": "ids.txt.xlsx", "mimeType": "text/plain", "buffer": b"id\nabc\n"}],
    )
    submit(page, "Check and download results")
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)
    page.set_input_files(
        "#id_file",
        files=[{"name": "ids.csv", "mimeType": "text/csv", "buffer": b"id\nabc\n=1+1\n"}],
    )
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Check and download results", exact=True).click()
    path = download_info.value.path()
    text = open(path, encoding="utf-8-sig").read()
    assert text.splitlines()[0] == (
        "id,status,valid,headline,issued_on,expires_on,holder_name,achievement"
    )
    assert "'=1+1,not_found,false" in text
