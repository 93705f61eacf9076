"""Zero axe-core WCAG 2.2 AA violations on the public pages, with nothing excluded, and no
sideways scrolling at 320 CSS px (WCAG 2.2 SC 1.4.10, Reflow)."""

import pytest

from tests.browser.conftest import REFLOW_WIDTH, axe_violations, horizontal_overflow

FLAGSHIP = "/courses/detecting-bias-and-inaccuracy-in-ai-generated-media/"
PAGES = {
    "home": "/",
    "catalogue": "/courses/",
    "catalogue filtered": "/courses/?skill=content-provenance&level=intermediate",
    "course": FLAGSHIP,
    "lesson": FLAGSHIP + "where-bias-in-generated-media-comes-from/",
    "lesson with examples": FLAGSHIP
    + "hallucination-and-inaccuracy-in-generated-copy-and-visuals/",
    "search results": "/search/?query=bias",
    "search empty": "/search/?query=zzzqqq",
    "login": "/accounts/login/",
    "employers": "/employers/",
    "api reference": "/api/docs/",
    "not found": "/no-such-page/",
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_axe_violations(demo_server, page, name):
    response = page.goto(demo_server + PAGES[name])
    assert response.status == (404 if name == "not found" else 200)
    assert page.locator("main").count() == 1
    assert axe_violations(page) == []


# The demo server runs with DEBUG, so its 404 is Django's technical page, not Lineage's.
@pytest.mark.parametrize("name", [name for name in PAGES if name != "not found"])
def test_page_reflows_at_320_css_px(demo_server, browser, name):
    # Loaded at 320 px from the start (as a phone or 400 % zoom would), not narrowed after.
    context = browser.new_context(viewport={"width": REFLOW_WIDTH, "height": 640})
    try:
        tab = context.new_page()
        tab.goto(demo_server + PAGES[name])
        assert horizontal_overflow(tab) is None
    finally:
        context.close()


def test_skip_link_is_first_and_moves_focus_to_main(demo_server, page):
    page.goto(demo_server + "/courses/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
