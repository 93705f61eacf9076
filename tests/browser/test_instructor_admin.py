"""An instructor in the Wagtail admin, in a real browser: the learner-progress report, the
preview panel and the GIFT import.

axe scans the whole page, Wagtail's admin chrome included, with nothing excluded.
"""

from tests.browser.conftest import axe_violations

FLAGSHIP = "Detecting Bias and Inaccuracy in AI-Generated Media"
FLAGSHIP_PATH = "/courses/detecting-bias-and-inaccuracy-in-ai-generated-media/"
LESSON = "Where bias in generated media comes from"
QUIZ = "Quiz: " + LESSON
PASSWORD = "lineage-demo"  # noqa: S105 - the published demo credential


def log_in_to_admin(page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert page.url.rstrip("/").endswith("/admin")


def upload(page, path, button: str) -> None:
    """Choose a file for the form's file field and send it with the named button."""
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def open_flagship_report(page, base: str) -> None:
    log_in_to_admin(page, base, "instructor")
    with page.expect_navigation():
        page.get_by_role("link", name="Learner progress").click()
    assert page.url.endswith("/admin/learner-progress/")
    assert page.get_by_role("heading", name="Your courses").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=FLAGSHIP).click()


def test_instructor_opens_the_flagship_report(demo_server, page):
    open_flagship_report(page, demo_server)
    assert page.get_by_role("heading", name=FLAGSHIP, level=2).is_visible()
    assert page.get_by_role("heading", name="Completion by step").is_visible()
    funnel = page.get_by_role("table", name="Active learners who have completed each step")
    first_step = funnel.locator("tbody tr").first.locator("th")
    assert first_step.inner_text() == "1. Where bias in generated media comes from"
    assert axe_violations(page) == []


def test_instructor_enrols_from_a_csv_and_sees_the_learner(demo_server, page, tmp_path):
    open_flagship_report(page, demo_server)
    bad = tmp_path / "bad.csv"
    bad.write_text("email\nnot-an-email\nnobody@example.org\n", encoding="utf-8")
    upload(page, bad, "Check and enrol")
    assert page.get_by_role("heading", name="Nobody was enrolled").is_visible()
    errors = page.get_by_role("table", name="Rows of the uploaded file that can't be enrolled")
    assert errors.locator("tbody tr").count() == 2
    assert axe_violations(page) == []

    # The demo learner is enrolled already, so this changes nothing other tests rely on.
    good = tmp_path / "good.csv"
    good.write_text("email\nLEARNER@example.org\n", encoding="utf-8")
    upload(page, good, "Check and enrol")
    assert page.get_by_role("heading", name="Enrolment complete").is_visible()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name="Back to the learner progress report").click()
    learners = page.get_by_role("table", name="Active learners and their progress")
    assert learners.get_by_text("learner@example.org").is_visible()
    assert axe_violations(page) == []


def watch_csp_console(page) -> list[str]:
    """Console messages about the Content-Security-Policy (a refused frame is reported there)."""
    messages = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def test_the_preview_panel_and_the_new_tab_show_the_lesson(demo_server, page):
    csp_messages = watch_csp_console(page)
    log_in_to_admin(page, demo_server, "instructor")
    page.goto(demo_server + FLAGSHIP_PATH + "where-bias-in-generated-media-comes-from/")
    # The user bar's "Edit this page", as an instructor reading the lesson would go.
    edit_link = page.locator("wagtail-userbar a[href$='/edit/']").first
    page.goto(edit_link.evaluate("link => link.href"))
    page.get_by_role("button", name="Toggle preview").click()
    # Wagtail loads the preview in a hidden proxy frame, then swaps it in: wait for the swap.
    frame = page.frame_locator("iframe[title='Preview'][src*='/preview/']:not(.w-preview__proxy)")
    frame.get_by_role("heading", name=LESSON, level=1).wait_for()
    assert frame.get_by_text("About 35 minutes").is_visible()
    assert csp_messages == []

    with page.expect_popup() as popup_info:
        page.get_by_role("link", name="Preview in new tab").click()
    tab = popup_info.value
    tab_messages = watch_csp_console(tab)
    tab.get_by_role("heading", name=LESSON, level=1).wait_for()
    assert tab.url.endswith("/edit/preview/")
    assert csp_messages == [] and tab_messages == []


def test_the_live_lesson_still_refuses_to_be_framed(demo_server, page):
    response = page.goto(demo_server + FLAGSHIP_PATH)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"


LABEL_AND_ICON = """(button) => {
  const box = button.getBoundingClientRect();
  const icon = button.querySelector("svg").getBoundingClientRect();
  const words = [...button.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim());
  const range = document.createRange();
  range.setStartBefore(words[0]);
  range.setEndAfter(words[words.length - 1]);
  const text = range.getBoundingClientRect();
  const hit = document.elementFromPoint(text.left + text.width / 2, text.top + text.height / 2);
  return {
    box: [box.left, box.top, box.right, box.bottom, box.height],
    icon: [icon.width, icon.height, icon.right],
    text: [text.left, text.top, text.right, text.bottom, text.width],
    textOnTop: hit === button,
  };
}"""


def assert_labelled_button(button) -> None:
    """The label sits inside the button, uncovered; the icon is icon-sized and beside it."""
    shape = button.evaluate(LABEL_AND_ICON)
    left, top, right, bottom, height = shape["box"]
    text_left, text_top, text_right, text_bottom, text_width = shape["text"]
    icon_width, icon_height, icon_right = shape["icon"]
    assert height < 80, shape
    assert text_width > 0 and shape["textOnTop"], shape
    assert left <= text_left and text_right <= right and top <= text_top <= text_bottom <= bottom
    assert icon_width <= 24 and icon_height <= 24, shape
    assert icon_right <= text_left, shape


def test_gift_import_buttons_have_readable_labels(demo_server, page, tmp_path):
    log_in_to_admin(page, demo_server, "instructor")
    page.goto(demo_server + "/admin/quizzes/")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Import questions into {QUIZ}").click()
    assert_labelled_button(page.get_by_role("button", name="Check the file"))

    gift = tmp_path / "questions.gift"
    gift.write_text("::Sky:: The sky is blue. {TRUE}\n", encoding="utf-8")
    upload(page, gift, "Check the file")
    assert page.get_by_role("heading", name="Check before importing").is_visible()
    # Checked only: nothing is imported into the demo quiz other tests use.
    assert_labelled_button(page.get_by_role("button", name="Import 1 question"))
    assert_labelled_button(page.get_by_role("button", name="Check the file"))
    assert axe_violations(page) == []
