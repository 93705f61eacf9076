"""Instructor reports in the Wagtail admin: numbers, funnel, CSV export, access, query bounds."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import reports
from courses.models import CourseCompletion, Enrollment, LessonPage, StepCompletion
from courses.services import (
    enrollment_create,
    enrollment_restart,
    enrollment_withdraw,
    step_complete,
)
from courses.wagtail_hooks import LearnerProgressMenuItem
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

INDEX = "/admin/learner-progress/"


def report_url(course) -> str:
    return f"{INDEX}{course.pk}/"


def csv_url(course) -> str:
    return f"{INDEX}{course.pk}/learners.csv"


def lessons_of(course) -> list:
    return list(LessonPage.objects.child_of(course).order_by("path"))


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


@pytest.fixture
def course(make_course, instructor):
    """Five lessons: four required and the fifth optional."""
    course = make_course("Reading generated frames", lessons=5, instructors=[instructor])
    optional = lessons_of(course)[4]
    optional.required = False
    optional.save_revision().publish()
    return course


@pytest.fixture
def other_course(make_course, other_instructor, other_learner):
    course = make_course(
        "Someone else's course",
        slug="someone-elses-course",
        lessons=2,
        instructors=[other_instructor],
    )
    enrollment_create(user=other_learner, course=course)
    return course


@pytest.fixture
def cohort(course, learner, other_learner):
    """Finished (4/4 required), halfway (2/4 plus the optional), not started, and withdrawn."""
    lessons = lessons_of(course)
    finished, halfway = learner, other_learner
    not_started = make_user("nadia", display_name="Nadia")
    withdrawn = make_user("wes", display_name="Wes")
    for user in (finished, halfway, not_started, withdrawn):
        enrollment_create(user=user, course=course)
    for lesson in lessons[:4]:
        step_complete(user=finished, step=lesson)
    for lesson in (lessons[0], lessons[1], lessons[4]):
        step_complete(user=halfway, step=lesson)
    step_complete(user=withdrawn, step=lessons[0])
    enrollment_withdraw(enrollment=Enrollment.objects.get(user=withdrawn, course=course))
    return {
        "finished": finished,
        "halfway": halfway,
        "not_started": not_started,
        "withdrawn": withdrawn,
    }


def rows_by_email(course) -> dict:
    steps = list(LessonPage.objects.child_of(course).live().order_by("path"))
    total = reports.required_total(steps)
    return {
        r.email: r
        for r in map(lambda e: reports.learner_row(e, total), reports.learner_rows(course, steps))
    }


# --- Numbers ------------------------------------------------------------------------------


def test_index_numbers_count_active_learners_and_current_completions(course, cohort):
    [summary] = reports.course_summaries([course])
    assert (summary.active, summary.completed) == (3, 1)


def test_learner_rows_show_progress_of_required_steps_only(course, cohort):
    rows = rows_by_email(course)
    assert set(rows) == {"lena@example.org", "omar@example.org", "nadia@example.org"}
    assert (rows["lena@example.org"].required_done, rows["lena@example.org"].percent) == (4, 100)
    assert (rows["omar@example.org"].required_done, rows["omar@example.org"].percent) == (2, 50)
    assert rows["nadia@example.org"].percent == 0
    assert rows["lena@example.org"].completed_at is not None
    assert rows["omar@example.org"].completed_at is None
    assert rows["lena@example.org"].name == "Lena"


def test_funnel_counts_active_learners_per_live_step_in_order(course, cohort):
    steps = list(LessonPage.objects.child_of(course).live().order_by("path"))
    funnel = reports.step_funnel(course, steps, active=3)
    assert [s.page.pk for s in funnel] == [s.pk for s in steps]
    assert [s.completed for s in funnel] == [2, 2, 1, 1, 1]
    assert [s.share for s in funnel] == [67, 67, 33, 33, 33]
    assert [s.required for s in funnel] == [True, True, True, True, False]


def test_a_new_cycle_starts_from_zero_in_the_report(course, cohort):
    enrollment_restart(enrollment=Enrollment.objects.get(user=cohort["finished"], course=course))
    row = rows_by_email(course)["lena@example.org"]
    assert (row.required_done, row.completed_at) == (0, None)
    [summary] = reports.course_summaries([course])
    assert (summary.active, summary.completed) == (3, 0)
    assert CourseCompletion.objects.filter(course=course).count() == 1  # history stays


def test_an_unpublished_step_leaves_the_funnel_and_the_percentages(course, cohort):
    lessons_of(course)[3].unpublish()
    row = rows_by_email(course)["lena@example.org"]
    assert (row.required_done, row.required_total, row.percent) == (3, 3, 100)


def test_a_deleted_account_still_counts_but_shows_no_personal_data(course, cohort):
    cohort["not_started"].delete()
    rows = rows_by_email(course)
    assert rows[""].name == reports.DELETED_ACCOUNT
    assert reports.course_summaries([course])[0].active == 3


def test_report_page_shows_numbers_funnel_and_learners(client, instructor, course, cohort):
    client.force_login(instructor)
    response = client.get(report_url(course))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Reading generated frames" in body
    assert "4 of 4 (100%)" in body and "2 of 4 (50%)" in body and "0 of 4 (0%)" in body
    assert "67%" in body
    assert "wes@example.org" not in body  # withdrawn
    assert [f.completed for f in response.context["funnel"]] == [2, 2, 1, 1, 1]
    assert response.context["summary"].active == 3


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("progress", ["nadia@example.org", "omar@example.org", "lena@example.org"]),
        ("-progress", ["lena@example.org", "omar@example.org", "nadia@example.org"]),
        ("name", ["lena@example.org", "nadia@example.org", "omar@example.org"]),
        ("-email", ["omar@example.org", "nadia@example.org", "lena@example.org"]),
        ("nonsense", ["lena@example.org", "nadia@example.org", "omar@example.org"]),
    ],
)
def test_report_sorts_learners(client, instructor, course, cohort, ordering, expected):
    client.force_login(instructor)
    response = client.get(report_url(course), {"ordering": ordering})
    assert [row.email for row in response.context["learners"]] == expected


def test_sort_links_toggle_and_announce_the_order(client, instructor, course, cohort):
    client.force_login(instructor)
    body = client.get(report_url(course), {"ordering": "progress", "p": "1"}).content.decode()
    assert '<th scope="col" aria-sort="ascending">' in body
    assert 'href="?ordering=-progress"' in body  # the page number is dropped when re-sorting
    assert 'href="?ordering=email"' in body
    assert body.count("aria-sort=") == 1


def test_report_paginates_learners(client, instructor, course, cohort, monkeypatch):
    monkeypatch.setattr(reports, "LEARNERS_PER_PAGE", 2)
    client.force_login(instructor)
    first = client.get(report_url(course), {"ordering": "-progress"})
    second = client.get(report_url(course), {"ordering": "-progress", "p": 2})
    assert [r.email for r in first.context["learners"]] == ["lena@example.org", "omar@example.org"]
    assert [r.email for r in second.context["learners"]] == ["nadia@example.org"]
    assert 'aria-label="Pagination"' in first.content.decode()


def test_empty_course_report_says_so(client, instructor, course):
    client.force_login(instructor)
    body = client.get(report_url(course)).content.decode()
    assert "Nobody is enrolled in this course yet." in body


# --- CSV export ---------------------------------------------------------------------------


def test_csv_export_has_headers_and_the_same_rows(client, instructor, course, cohort):
    client.force_login(instructor)
    response = client.get(csv_url(course), {"ordering": "-progress"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="learner-progress-reading-generated-frames-{today}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    assert rows[0] == reports.CSV_HEADER
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        ("Lena", "lena@example.org", "100"),
        ("Omar", "omar@example.org", "50"),
        ("Nadia", "nadia@example.org", "0"),
    ]
    assert rows[1][2] == today and rows[1][4] == today
    assert rows[2][4] == ""


def test_csv_export_escapes_formulas(client, instructor, course):
    sneaky = make_user("mallory", display_name='=HYPERLINK("http://evil.example","x")')
    enrollment_create(user=sneaky, course=course)
    client.force_login(instructor)
    rows = read_csv(client.get(csv_url(course)))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'


def test_csv_filename_is_safe_whatever_the_course_is_called(course):
    course.slug = 'x"; evil=1 \r\nSet-Cookie: a'
    course.title = 'Ünïcödé / ../ "quoted"'
    name = reports.csv_filename(course)
    assert name.startswith("learner-progress-") and name.endswith(".csv")
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")


# --- Access -------------------------------------------------------------------------------


def test_index_lists_only_the_instructors_own_courses(client, instructor, course, other_course):
    client.force_login(instructor)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert [s.course.pk for s in response.context["summaries"]] == [course.pk]
    assert "Someone else" not in response.content.decode()


@pytest.mark.parametrize("url", [report_url, csv_url, lambda c: f"{INDEX}{c.pk}/enrol/"])
def test_instructor_gets_404_for_someone_elses_course(client, instructor, other_course, url):
    client.force_login(instructor)
    response = client.get(url(other_course))
    assert response.status_code == 404
    assert b"omar@example.org" not in response.content


def test_instructor_gets_404_for_a_course_that_does_not_exist(client, instructor, course):
    client.force_login(instructor)
    assert client.get(f"{INDEX}999999/").status_code == 404
    assert client.get(f"{INDEX}999999/learners.csv").status_code == 404


def test_superuser_sees_every_course(client, admin_user, course, other_course, cohort):
    client.force_login(admin_user)
    summaries = client.get(INDEX).context["summaries"]
    assert {s.course.pk for s in summaries} == {course.pk, other_course.pk}
    assert client.get(report_url(other_course)).status_code == 200
    rows = read_csv(client.get(csv_url(other_course)))
    assert [r[1] for r in rows[1:]] == ["omar@example.org"]


@pytest.mark.parametrize("url", [lambda c: INDEX, report_url, csv_url])
def test_a_learner_is_sent_to_the_admin_login(client, learner, course, cohort, url):
    client.force_login(learner)
    response = client.get(url(course))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_visitors_are_sent_to_the_admin_login(client, course, cohort):
    response = client.get(csv_url(course))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_unpublished_instructor_change_grants_nothing(client, course, other_instructor):
    course.instructors.add(other_instructor)
    course.save_revision()  # a draft: the published instructors are unchanged
    client.force_login(other_instructor)
    assert client.get(report_url(course)).status_code == 404


def test_removing_an_instructor_removes_access(client, course, instructor):
    course.instructors.set([])
    course.save_revision().publish()
    client.force_login(instructor)
    assert client.get(report_url(course)).status_code == 404


def test_menu_item_shows_to_people_who_teach_and_to_superusers(
    rf, course, instructor, other_instructor, admin_user, learner
):
    item = LearnerProgressMenuItem("Learner progress", INDEX)
    shown = {}
    for user in (instructor, other_instructor, admin_user, learner):
        request = rf.get("/admin/")
        request.user = user
        shown[user.username] = item.is_shown(request)
    assert shown == {"ines": True, "ivan": False, "root": True, "lena": False}


def test_menu_item_is_in_the_admin_sidebar(client, course, instructor, other_instructor):
    client.force_login(instructor)
    assert "learner-progress" in client.get("/admin/").content.decode()
    client.force_login(other_instructor)  # in the Instructors role, teaching nothing
    assert "learner-progress" not in client.get("/admin/").content.decode()


# --- Query bounds -------------------------------------------------------------------------

# Measured on SQLite: session, user, its permissions (2), Wagtail's user profile, the course,
# its steps (one query plus one per page type), then for the report the learner count, the
# headline numbers (2), the funnel and one page of learners, and Wagtail's sidebar (locales,
# page and collection permissions, our menu item's check, the explorer's start page).
MAX_REPORT_QUERIES = 18
# The same up to the steps, then every learner in one query.
MAX_CSV_QUERIES = 9


def add_learners(course, count: int, start: int = 0) -> None:
    """Enrol ``count`` learners quickly, each having done the course's first step."""
    first_step = lessons_of(course)[0]
    for n in range(start, start + count):
        user = make_user(f"bulk{n}", display_name=f"Bulk {n}")
        enrollment = Enrollment.objects.create(
            user=user, course=course, cycle_started_at=timezone.now()
        )
        StepCompletion.objects.create(enrollment=enrollment, step=first_step, cycle=1)


def count_queries(client, url) -> int:
    client.get(url)  # warm Wagtail's per-process caches as a running server has
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [report_url, csv_url])
def test_report_queries_do_not_grow_with_learners(
    client, instructor, course, url, django_assert_max_num_queries
):
    client.force_login(instructor)
    add_learners(course, 5)
    small = count_queries(client, url(course))
    add_learners(course, 45, start=5)
    large = count_queries(client, url(course))
    assert small == large, (small, large)
    limit = MAX_REPORT_QUERIES if url is report_url else MAX_CSV_QUERIES
    with django_assert_max_num_queries(limit):
        response = client.get(url(course))
    if url is csv_url:
        assert len(read_csv(response)) == 51


def test_index_queries_do_not_grow_with_courses(
    client, make_course, instructor, django_assert_max_num_queries
):
    client.force_login(instructor)
    make_course("First", lessons=1, instructors=[instructor])
    small = count_queries(client, INDEX)
    for n in range(5):
        add_learners(make_course(f"More {n}", lessons=1, instructors=[instructor]), 2, start=n * 2)
    assert count_queries(client, INDEX) == small
