"""An instructor's learner-progress report in the Wagtail admin, in a real browser.

axe scans the whole page, Wagtail's admin chrome included, with nothing excluded.
"""

from tests.browser.conftest import axe_violations

FLAGSHIP = "Detecting Bias and Inaccuracy in AI-Generated Media"
PASSWORD = "lineage-demo"  # noqa: S105 - the published demo credential


def log_in_to_admin(page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert page.url.rstrip("/").endswith("/admin")


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
    page.set_input_files("#id_file", str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Check and enrol").click()
    assert page.get_by_role("heading", name="Nobody was enrolled").is_visible()
    errors = page.get_by_role("table", name="Rows of the uploaded file that can't be enrolled")
    assert errors.locator("tbody tr").count() == 2
    assert axe_violations(page) == []

    # The demo learner is enrolled already, so this changes nothing other tests rely on.
    good = tmp_path / "good.csv"
    good.write_text("email\nLEARNER@example.org\n", encoding="utf-8")
    page.set_input_files("#id_file", str(good))
    with page.expect_navigation():
        page.get_by_role("button", name="Check and enrol").click()
    assert page.get_by_role("heading", name="Enrolment complete").is_visible()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name="Back to the learner progress report").click()
    learners = page.get_by_role("table", name="Active learners and their progress")
    assert learners.get_by_text("learner@example.org").is_visible()
    assert axe_violations(page) == []
