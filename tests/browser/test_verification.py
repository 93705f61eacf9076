"""Verification pages in a real browser: zero axe-core violations, the verdict panel first."""

import re

import pytest

from tests.browser.conftest import axe_violations

DEMO_PASSWORD = "lineage-demo"  # noqa: S105 - the published demo password


def open_all_details(tab) -> None:
    """Scan the "how to check this yourself" disclosures opened, as a curious verifier would."""
    tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def first_in_main(tab) -> str:
    return tab.evaluate("document.querySelector('main .container').firstElementChild.className")


@pytest.fixture(scope="module")
def demo_credential(demo_server, browser):
    """The demo learner's credential id and signed PDF, read through their own pages."""
    context = browser.new_context()
    tab = context.new_page()
    try:
        tab.goto(demo_server + "/accounts/login/")
        tab.fill("#id_login", "learner")
        tab.fill("#id_password", DEMO_PASSWORD)
        with tab.expect_navigation():
            tab.click("main form.form .form-actions button[type=submit] >> nth=0")
        tab.goto(demo_server + "/dashboard/")
        hrefs = tab.eval_on_selector_all(
            "a[href^='/credentials/']", "els => els.map(e => e.getAttribute('href'))"
        )
        ids = [m.group(1) for h in hrefs if (m := re.fullmatch(r"/credentials/([\w-]{20,40})/", h))]
        if not ids:
            return None
        pdf = tab.request.get(f"{demo_server}/credentials/{ids[0]}/certificate.pdf")
        return ids[0], pdf.body() if pdf.ok else None
    finally:
        context.close()


def test_start_page(demo_server, page):
    response = page.goto(demo_server + "/verify/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Verify a credential"
    assert axe_violations(page) == []


def test_start_page_with_an_error(demo_server, page):
    page.goto(demo_server + "/verify/")
    page.fill("#credential-id", "certainly not an id")
    with page.expect_navigation():
        page.get_by_role("button", name="Verify", exact=True).click()
    assert page.locator(".error-summary").is_visible()
    assert page.input_value("#credential-id") == "certainly not an id"
    assert axe_violations(page) == []


def test_not_found_page(demo_server, page):
    response = page.goto(demo_server + "/verify/" + "N" * 27 + "/")
    assert response.status == 404
    assert "verdict" in first_in_main(page)
    assert page.locator("h1").inner_text().strip() == "Credential not found"
    assert axe_violations(page) == []


def test_a_credentials_verification_page(demo_server, page, demo_credential):
    if demo_credential is None:
        pytest.skip("the demo database holds no issued credential")
    public_id, _ = demo_credential
    page.goto(demo_server + "/verify/")
    page.fill("#credential-id", public_id)
    with page.expect_navigation():
        page.get_by_role("button", name="Verify", exact=True).click()
    assert page.url == f"{demo_server}/verify/{public_id}/"
    assert "verdict" in first_in_main(page)
    assert page.locator("h1").inner_text().strip() == "Valid credential"
    assert page.locator(".verify-check").count() == 5
    assert page.locator(".verify-check", has_text="Passed").count() == 5
    open_all_details(page)
    assert axe_violations(page) == []


def test_uploading_the_pdf(demo_server, page, demo_credential):
    if demo_credential is None or demo_credential[1] is None:
        pytest.skip("the demo database holds no issued credential")
    _, pdf = demo_credential
    page.goto(demo_server + "/verify/")
    page.set_input_files(
        "#pdf-file",
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": pdf}],
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Check the PDF").click()
    assert page.locator("h1").inner_text().strip() == "Valid credential: this file is authentic"
    open_all_details(page)
    assert axe_violations(page) == []
