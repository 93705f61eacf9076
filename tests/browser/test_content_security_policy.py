"""Chromium enforces the Content-Security-Policy and reports nothing blocked on our pages.

A listener installed before any page script records every `securitypolicyviolation` event;
the console is watched too. The copy-link button (revealed by a static script) and the admin
(Wagtail's own scripts) show the pages still work under the policy.
"""

import pytest

from tests.browser.conftest import axe_violations

PASSWORD = "lineage-demo"  # noqa: S105 - the published demo credential
FLAGSHIP = "/courses/detecting-bias-and-inaccuracy-in-ai-generated-media/"
PUBLIC_PAGES = [
    "/",
    "/courses/",
    FLAGSHIP,
    FLAGSHIP + "where-bias-in-generated-media-comes-from/",
    "/verify/",
    "/accounts/login/",
    "/accounts/signup/",
    "/no-such-page/",
]
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with CSP violations (events and console messages) collected."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_console = console
    return page


def directives(header: str) -> dict[str, list[str]]:
    """A policy header as {directive: sources} (django-csp doesn't keep the directives' order)."""
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations") + page.csp_console


def test_public_pages_load_without_a_violation(demo_server, watched):
    for path in PUBLIC_PAGES:
        response = watched.goto(demo_server + path)
        if path == "/no-such-page/":
            # Under DEBUG (the demo server) django-csp leaves Django's debug 404 page alone.
            assert response.status == 404
        else:
            assert response.status == 200, path
            policy = directives(response.headers["content-security-policy"])
            assert policy["script-src"] == ["'self'"]
        assert violations(watched) == [], path


def test_the_policy_really_blocks_inline_script(demo_server, watched):
    """The guard above can fail: an inline script added to a public page is refused."""
    watched.goto(demo_server + "/")
    watched.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.__ran = true"; document.body.append(s); }"""
    )
    assert watched.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in violations(watched))


def test_scripted_learner_pages_work_under_the_policy(demo_server, watched):
    watched.goto(demo_server + "/accounts/login/")
    watched.fill("#id_login", "learner")
    watched.fill("#id_password", PASSWORD)
    with watched.expect_navigation():
        watched.click("main form.form .form-actions button[type=submit] >> nth=0")
    watched.goto(demo_server + "/dashboard/")
    card = watched.locator(".credential-card").first
    with watched.expect_navigation():
        card.get_by_role("link").first.click()
    # copy-link.js, a static script, ran: it reveals the button.
    assert watched.get_by_role("button", name="Copy link").is_visible()
    assert violations(watched) == []
    assert axe_violations(watched) == []
    assert violations(watched) == []


def test_admin_login_and_dashboard_work_under_the_admin_policy(demo_server, watched):
    response = watched.goto(demo_server + "/admin/login/")
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    watched.fill("#id_username", "admin")
    watched.fill("#id_password", PASSWORD)
    with watched.expect_navigation():
        watched.locator("form button[type=submit]").click()
    assert watched.url.rstrip("/").endswith("/admin")
    # Wagtail's scripts ran: the sidebar is built by JavaScript.
    watched.get_by_role("navigation", name="Main").wait_for()
    watched.goto(demo_server + "/admin/pages/")
    watched.goto(demo_server + "/admin/documents/")
    assert violations(watched) == []
    # An editor on the public site: Wagtail's user bar loads under the strict policy.
    response = watched.goto(demo_server + FLAGSHIP)
    assert directives(response.headers["content-security-policy"])["script-src"] == ["'self'"]
    watched.locator("wagtail-userbar").wait_for(state="attached")
    assert watched.evaluate("!!customElements.get('wagtail-userbar')")
    assert violations(watched) == []
