"""The hot reads use indexes, not sequential scans of the big tables (PostgreSQL only).

Seeds tens of thousands of enrolments, step completions, learning records and credentials in
bulk, runs ``ANALYZE`` so the planner sees realistic sizes, then captures every query the
learner dashboard, a lesson page (progress) and verification by id (page and API) run, and
asserts from ``EXPLAIN (FORMAT JSON)`` that none of them scans a big table sequentially.
Timings belong in bench/; this checks only the plans.
"""

import json
import random
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from courses.models import (
    CourseCompletion,
    Enrollment,
    LearningRecord,
    LessonPage,
    StepCompletion,
)
from credentials.models import Credential, StatusListCounter
from tests.conftest import course_builder, require_service

pytestmark = [pytest.mark.services, pytest.mark.django_db]

BIG_TABLES = {
    "courses_enrollment",
    "courses_stepcompletion",
    "courses_learningrecord",
    "courses_coursecompletion",
    "credentials_credential",
}
LEARNERS = 2_000
COURSES = 8
LESSONS = 8
ENROLMENTS_EACH = 4
LEARNING_RECORDS = 40_000


@pytest.fixture(autouse=True)
def postgres_only():
    require_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def explain(sql: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        document = cursor.fetchone()[0]
    document = json.loads(document) if isinstance(document, str) else document
    return list(plan_nodes(document[0]["Plan"]))


def big_table_scans(captured: list[dict]) -> tuple[set[str], list[str]]:
    """(big tables the SELECTs read, sequential scans of big tables with their query)."""
    touched, scans = set(), []
    for query in captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        for node in explain(sql):
            table = node.get("Relation Name")
            if table in BIG_TABLES:
                touched.add(table)
                if node["Node Type"] == "Seq Scan":
                    scans.append(f"Seq Scan on {table}: {sql[:400]}")
    return touched, scans


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end (each test runs
    in a savepoint of its own within it): seeding takes ~10 s."""
    if connection.vendor != "postgresql":
        yield None
        return
    with django_db_blocker.unblock(), transaction.atomic():
        yield _dataset()
        transaction.set_rollback(True)


def _dataset() -> dict:
    """Courses through Wagtail; learners and their history in bulk; then ANALYZE."""
    from courses.models import CourseIndexPage

    home = Site.objects.get(is_default_site=True).root_page.specific
    index = CourseIndexPage(title="Plan courses", slug="plan-courses")
    home.add_child(instance=index)
    index.save_revision().publish()
    make_course = course_builder(index)
    rng = random.Random(7)
    courses = [make_course(f"Plan course {n}", lessons=LESSONS) for n in range(COURSES)]
    steps = {
        c.pk: list(LessonPage.objects.child_of(c).values_list("pk", flat=True)) for c in courses
    }
    User = get_user_model()
    User.objects.bulk_create(
        User(
            username=f"plan{n:05d}",
            email=f"plan{n:05d}@example.org",
            password="!",
            credential_name_confirmed_at=timezone.now(),  # or their credentials wait for it
        )
        for n in range(LEARNERS)
    )
    learners = list(User.objects.filter(username__startswith="plan").order_by("pk"))
    now = timezone.now()
    Enrollment.objects.bulk_create(
        Enrollment(user=u, course=c, cycle_started_at=now)
        for u in learners
        for c in rng.sample(courses, ENROLMENTS_EACH)
    )
    enrolments = list(Enrollment.objects.filter(user__in=learners))
    StepCompletion.objects.bulk_create(
        (
            StepCompletion(enrollment=e, step_id=step, cycle=1)
            for e in enrolments
            for step in steps[e.course_id][: rng.randrange(LESSONS + 1)]
        ),
        batch_size=5_000,
    )
    LearningRecord.objects.bulk_create(
        (
            LearningRecord(
                user=learners[rng.randrange(LEARNERS)],
                verb=LearningRecord.Verb.COMPLETED,
                object_id=f"https://example.org/xapi/activities/lessonpage/{n}",
                object_name=f"Lesson {n}",
                object_type="lessonpage",
            )
            for n in range(LEARNING_RECORDS)
        ),
        batch_size=5_000,
    )
    first_per_learner = {}
    for e in enrolments:
        first_per_learner.setdefault(e.user_id, e)
    CourseCompletion.objects.bulk_create(
        CourseCompletion(
            enrollment=e,
            user_id=e.user_id,
            course_id=e.course_id,
            course_title="Plan course",
            cycle=1,
            edition={"course": {"id": e.course_id}, "steps": []},
        )
        for e in first_per_learner.values()
    )
    completions = list(CourseCompletion.objects.filter(user__in=learners).order_by("pk"))
    Credential.objects.bulk_create(
        (
            Credential(
                completion=c,
                user_id=c.user_id,
                course_id=c.course_id,
                status=Credential.Status.ISSUED,
                printed_name="Plan Learner",
                snapshot={"course": {"id": c.course_id, "title": "Plan course"}, "steps": []},
                status_list_index=n,
                issued_at=now - timedelta(days=1),
                valid_from=now - timedelta(days=1),
            )
            for n, c in enumerate(completions)
        ),
        batch_size=5_000,
    )
    StatusListCounter.objects.update_or_create(pk=1, defaults={"next_index": len(completions)})
    with connection.cursor() as cursor:
        for table in sorted(BIG_TABLES):
            cursor.execute(f"ANALYZE {table}")
    assert StepCompletion.objects.count() > 10_000
    return {"courses": courses, "learners": learners}


def issued_credential(learner, course):
    """One credential issued for real (signed badge), so verification runs every check."""
    from credentials.services import credential_issue
    from credentials.snapshot import completion_snapshot

    enrollment = Enrollment.objects.get(user=learner, course=course)
    completion = CourseCompletion.objects.create(
        enrollment=enrollment,
        user=learner,
        course=course,
        course_title=course.title,
        cycle=2,
        edition={
            "course": {"id": course.pk, "title": course.title, "revision_id": None},
            "steps": [],
        },
    )
    Credential.objects.filter(user=learner, course=course).update(
        status=Credential.Status.SUPERSEDED
    )
    counter = StatusListCounter.objects.get(pk=1)
    credential = Credential.objects.create(
        completion=completion,
        user=learner,
        course=course,
        printed_name="Plan Learner",
        snapshot=completion_snapshot(completion),
        status_list_index=counter.next_index,
        valid_from=timezone.now(),
    )
    return credential_issue(credential_id=credential.pk)


def capture(client, url: str) -> list[dict]:
    client.get(url)  # warm per-process caches, as a running server has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return queries.captured_queries


def test_the_check_sees_a_sequential_scan(dataset):
    """Guard for the guard: an unindexed filter on a big table is reported."""
    sql = str(Enrollment.objects.filter(learner_key="nobody").query)
    sql = sql.replace("= nobody", "= 'nobody'")
    assert any(
        node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "courses_enrollment"
        for node in explain(sql)
    )


def test_dashboard_uses_indexes(client, dataset):
    learner = dataset["learners"][0]
    client.force_login(learner)
    touched, scans = big_table_scans(capture(client, "/dashboard/"))
    assert {"courses_enrollment", "courses_stepcompletion"} <= touched
    assert scans == []


def test_lesson_progress_uses_indexes(client, dataset):
    learner = dataset["learners"][1]
    enrollment = Enrollment.objects.filter(user=learner).select_related("course").first()
    lesson = LessonPage.objects.child_of(enrollment.course).live().order_by("path")[3]
    client.force_login(learner)
    touched, scans = big_table_scans(capture(client, lesson.url))
    assert {"courses_enrollment", "courses_stepcompletion"} <= touched
    assert scans == []


@pytest.mark.parametrize("kind", ["page", "api"])
def test_verification_by_id_uses_indexes(client, dataset, kind):
    learner = dataset["learners"][2]
    course = Enrollment.objects.filter(user=learner).first().course
    credential = issued_credential(learner, course)
    assert credential.status == Credential.Status.ISSUED
    url = (
        f"/verify/{credential.public_id}/"
        if kind == "page"
        else f"/api/v1/credentials/{credential.public_id}/verification"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE credentials_credential")
    touched, scans = big_table_scans(capture(client, url))
    assert "credentials_credential" in touched
    assert scans == []
