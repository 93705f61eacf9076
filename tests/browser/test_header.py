"""The header on a phone and on a desktop: compact, one row, every link reachable by keyboard.

On small screens the links fold into a <details> "Menu" (no JavaScript); on wide screens they
sit in one row and the account's links are a <details> drop-down. These tests run with
JavaScript off, to prove nothing depends on it.
"""

import pytest

DEMO_PASSWORD = "lineage-demo"  # noqa: S105 - published demo credential
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PHONE_HEADER_MAX_PX = 120

# "tag:text" names what has focus; every link, button and field the header holds is read once
# the disclosures are open (a closed one's contents have no rendered text).
_NAME_JS = """(el) => el.tagName.toLowerCase() + ':'
    + (el.innerText || el.value || el.id).replace(/\\s+/g, ' ').trim()"""
_HEADER_CONTROLS_JS = f"""() => [...document.querySelectorAll(
    'header a[href], header button, header input:not([type=hidden])')].map({_NAME_JS})"""
_FOCUSED_JS = f"""() => {{ const el = document.activeElement;
    return el && el.closest('header') ? ({_NAME_JS})(el) : null; }}"""


@pytest.fixture
def tab_factory(browser, demo_server):
    contexts = []

    def open_tab(viewport, login=None):
        context = browser.new_context(viewport=viewport, java_script_enabled=False)
        contexts.append(context)
        tab = context.new_page()
        if login:
            tab.goto(demo_server + "/accounts/login/")
            tab.fill("#id_login", login)
            tab.fill("#id_password", DEMO_PASSWORD)
            with tab.expect_navigation():
                tab.click("main form .form-actions button[type=submit] >> nth=0")
        tab.goto(demo_server + "/courses/")
        return tab

    yield open_tab
    for context in contexts:
        context.close()


def header_height(tab) -> float:
    return tab.locator("header.site-header").bounding_box()["height"]


def tab_through_header(tab, *, open_with_enter=()) -> list[str]:
    """Tab from the top of the page until focus leaves the header; press Enter on the
    disclosures named in ``open_with_enter``. Returns what received focus, in order."""
    reached: list[str] = []
    tab.locator("body").focus()
    for _ in range(40):
        tab.keyboard.press("Tab")
        focused = tab.evaluate(_FOCUSED_JS)
        if focused is None:
            if reached:
                break
            continue  # the skip link comes first
        reached.append(focused)
        if focused in open_with_enter:
            tab.keyboard.press("Enter")
    return reached


@pytest.mark.parametrize("login", [None, "admin"])
def test_phone_header_is_compact_and_its_menu_reaches_every_link(tab_factory, login):
    tab = tab_factory(PHONE, login)
    assert header_height(tab) <= PHONE_HEADER_MAX_PX
    # The links are folded away until "Menu" is opened ...
    assert not tab.locator("header nav").is_visible()
    reached = tab_through_header(tab, open_with_enter=("summary:Menu",))
    assert reached[:2] == ["a:Lineage", "summary:Menu"]
    # ... then every one of them is reachable by keyboard, without JavaScript.
    assert set(tab.evaluate(_HEADER_CONTROLS_JS)) <= set(reached)
    assert tab.locator("header nav").is_visible()
    assert tab.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_desktop_header_is_one_row_when_signed_in(tab_factory):
    tab = tab_factory(DESKTOP, "admin")
    assert not tab.locator("header .site-menu__toggle").is_visible()  # no "Menu" on a desktop
    boxes = [
        tab.locator(selector).bounding_box()
        for selector in (
            "header .brand",
            "header nav >> text=Courses",
            "header nav >> text=Dashboard",
            "header .account-menu__toggle",
            "header #site-search",
            "header .search-form button",
        )
    ]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) <= 4, middles  # one row
    assert header_height(tab) <= 80
    # Every link is reachable: the account drop-down opens with Enter.
    reached = tab_through_header(tab, open_with_enter=("summary:Your account: Ada Admin",))
    assert set(tab.evaluate(_HEADER_CONTROLS_JS)) <= set(reached)
    assert {"a:Admin", "a:Profile", "button:Log out"} <= set(reached)
