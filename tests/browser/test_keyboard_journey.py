"""A keyboard-only walk from the home page to a lesson."""

from tests.browser.conftest import axe_violations

MAX_TABS = 60


def tab_to(page, text: str, *, prefix: bool = False) -> None:
    """Press Tab until the focused element's text is ``text`` (bounded), then press Enter."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.innerText")
        focused = (focused or "").strip()
        if focused == text or (prefix and focused.startswith(text)):
            # The focus indicator must be visible (DESIGN.md: 3px focus outline).
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
            assert outline != "none" or background == "rgb(255, 191, 71)"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError(f"could not reach {text!r} with the keyboard")


def test_keyboard_walk_from_home_to_a_lesson(demo_server, page):
    page.goto(demo_server + "/")
    tab_to(page, "Browse courses")
    assert page.url.endswith("/courses/")
    tab_to(page, "Detecting Bias and Inaccuracy in AI-Generated Media")
    assert "detecting-bias" in page.url
    tab_to(page, "start with “", prefix=True)  # every lesson is open to read
    assert page.url.endswith("/where-bias-in-generated-media-comes-from/")
    assert page.locator("h1").inner_text() == "Where bias in generated media comes from"
    first_lesson = page.url
    tab_to(page, "Next:", prefix=True)  # the next step: lesson 1's quiz
    assert page.url != first_lesson and "/courses/detecting-bias" in page.url
    assert axe_violations(page) == []
