"""Enrolment, progress and course completion services (courses.services)."""

import pytest
from django.db import connection

from courses import services
from courses.hooks import course_completed
from courses.models import CourseCompletion, Enrollment, LearningRecord, LessonPage, StepCompletion
from courses.progress import course_progress

pytestmark = pytest.mark.django_db


def lessons(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


def complete_all(user, course):
    for lesson in lessons(course):
        services.step_complete(user=user, step=lesson)


@pytest.fixture
def hook_calls():
    calls = []

    def receiver(sender, completion, **kwargs):
        calls.append(
            {
                "completion": completion,
                "in_transaction": connection.in_atomic_block,
                "row_visible": CourseCompletion.objects.filter(pk=completion.pk).exists(),
            }
        )

    course_completed.connect(receiver, dispatch_uid="test-hook")
    yield calls
    course_completed.disconnect(dispatch_uid="test-hook")


# --- enrolment -------------------------------------------------------------------------------


def test_enrol_is_idempotent(learner, make_course):
    course = make_course(lessons=1)
    first = services.enrollment_create(user=learner, course=course)
    second = services.enrollment_create(user=learner, course=course)
    assert first.pk == second.pk
    assert Enrollment.objects.count() == 1
    assert LearningRecord.objects.filter(verb=LearningRecord.Verb.REGISTERED).count() == 1


def test_double_click_enrol_over_http_makes_one_row(client, learner, make_course):
    course = make_course(lessons=1)
    client.force_login(learner)
    for _ in range(2):
        assert client.post(f"/learn/courses/{course.pk}/enrol/").status_code == 302
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1


def test_enrol_requires_post_and_login(client, learner, make_course):
    course = make_course(lessons=1)
    assert client.post(f"/learn/courses/{course.pk}/enrol/").status_code == 302  # to login
    assert not Enrollment.objects.exists()
    client.force_login(learner)
    assert client.get(f"/learn/courses/{course.pk}/enrol/").status_code == 405


def test_enrol_is_csrf_protected(learner, make_course):
    from django.test import Client

    course = make_course(lessons=1)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post(f"/learn/courses/{course.pk}/enrol/").status_code == 403
    assert not Enrollment.objects.exists()


def test_prerequisites_block_enrolment_with_a_clear_message(client, learner, make_course):
    basics = make_course("Basics", lessons=1)
    advanced = make_course("Advanced", lessons=1)
    advanced.prerequisites.add(basics)
    advanced.save_revision().publish()
    with pytest.raises(services.EnrollmentError, match="Complete “Basics” before enrolling"):
        services.enrollment_create(user=learner, course=advanced)
    client.force_login(learner)
    response = client.post(f"/learn/courses/{advanced.pk}/enrol/", follow=True)
    assert "Complete “Basics” before enrolling in “Advanced”" in response.content.decode()
    assert not Enrollment.objects.filter(course=advanced).exists()
    services.enrollment_create(user=learner, course=basics)
    complete_all(learner, basics)
    assert services.enrollment_create(user=learner, course=advanced).is_active


def test_withdraw_keeps_progress_and_reenrol_resumes(learner, make_course):
    course = make_course(lessons=3)
    enrollment = services.enrollment_create(user=learner, course=course)
    services.step_complete(user=learner, step=lessons(course)[0])
    services.enrollment_withdraw(enrollment=enrollment)
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.WITHDRAWN
    with pytest.raises(services.StepError):
        services.step_complete(user=learner, step=lessons(course)[1])
    again = services.enrollment_create(user=learner, course=course)
    assert again.pk == enrollment.pk and again.is_active
    assert course_progress(course, again).required_done == 1


def test_withdraw_asks_for_confirmation(client, learner, make_course):
    course = make_course(lessons=1)
    services.enrollment_create(user=learner, course=course)
    client.force_login(learner)
    response = client.get(f"/learn/courses/{course.pk}/withdraw/")
    assert response.status_code == 200 and "Yes, leave this course" in response.content.decode()
    assert Enrollment.objects.get().is_active
    client.post(f"/learn/courses/{course.pk}/withdraw/")
    assert not Enrollment.objects.get().is_active


def test_another_learner_cannot_withdraw_or_complete_for_me(
    client, learner, other_learner, make_course
):
    course = make_course(lessons=2)
    services.enrollment_create(user=learner, course=course)
    client.force_login(other_learner)
    assert client.get(f"/learn/courses/{course.pk}/withdraw/").status_code == 404
    assert client.post(f"/learn/courses/{course.pk}/withdraw/").status_code == 404
    client.post(f"/learn/steps/{lessons(course)[0].pk}/complete/")
    assert not StepCompletion.objects.exists()
    assert Enrollment.objects.get(user=learner).is_active


def test_unknown_and_unpublished_ids_are_404(client, learner, make_course):
    course = make_course(lessons=1)
    client.force_login(learner)
    assert client.post("/learn/courses/999999/enrol/").status_code == 404
    assert client.post("/learn/steps/999999/complete/").status_code == 404
    course.unpublish()
    assert client.post(f"/learn/courses/{course.pk}/enrol/").status_code == 404
    # A course page is not a step that can be marked done by hand.
    other = make_course("Other", lessons=0)
    assert client.post(f"/learn/steps/{other.pk}/complete/").status_code == 404


# --- progress --------------------------------------------------------------------------------


def test_step_complete_is_idempotent(learner, make_course):
    course = make_course(lessons=2)
    services.enrollment_create(user=learner, course=course)
    step = lessons(course)[0]
    services.step_complete(user=learner, step=step)
    services.step_complete(user=learner, step=step)
    assert StepCompletion.objects.count() == 1
    completed = LearningRecord.objects.filter(verb=LearningRecord.Verb.COMPLETED)
    assert completed.count() == 1


def test_progress_follows_current_published_required_steps(learner, make_course):
    course = make_course(lessons=4)
    enrollment = services.enrollment_create(user=learner, course=course)
    first, second, third, fourth = lessons(course)
    services.step_complete(user=learner, step=first)
    services.step_complete(user=learner, step=second)
    progress = course_progress(course, enrollment)
    assert (progress.required_done, progress.required_total, progress.percent) == (2, 4, 50)
    assert progress.next_step.pk == third.pk
    # Unpublishing a done lesson removes it from the count; a new lesson adds to it.
    second.unpublish()
    fourth.required = False
    fourth.save_revision().publish()
    new = LessonPage(title="New lesson", slug="new-lesson")
    course.add_child(instance=new)
    new.save_revision().publish()
    progress = course_progress(course, enrollment)
    assert (progress.required_done, progress.required_total) == (1, 3)
    assert [s.status for s in progress.steps] == ["done", "next", "todo", "todo"]
    # Reordering: move the done lesson last; "next" is still the first unfinished one.
    LessonPage.objects.get(pk=first.pk).move(course, pos="last-child")
    progress = course_progress(course, enrollment)
    assert progress.steps[-1].page.pk == first.pk and progress.steps[-1].done
    assert progress.next_step.pk == third.pk


def test_optional_steps_do_not_block_completion(learner, make_course):
    course = make_course(lessons=2)
    services.enrollment_create(user=learner, course=course)
    first, optional = lessons(course)
    optional.required = False
    optional.save_revision().publish()
    services.step_complete(user=learner, step=first)
    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1


# --- completion ------------------------------------------------------------------------------


def test_completion_recorded_once_and_hook_fires_inside_transaction(
    learner, make_course, hook_calls
):
    course = make_course(lessons=2)
    services.enrollment_create(user=learner, course=course)
    complete_all(learner, course)
    complete_all(learner, course)  # again: no second completion
    completion = CourseCompletion.objects.get()
    assert completion.user == learner and completion.cycle == 1
    assert [c["completion"].pk for c in hook_calls] == [completion.pk]
    assert hook_calls[0]["in_transaction"] and hook_calls[0]["row_visible"]
    assert completion.edition["course"]["revision_id"] == course.live_revision_id
    assert [s["id"] for s in completion.edition["steps"]] == [p.pk for p in lessons(course)]
    assert all(s["revision_id"] for s in completion.edition["steps"])


def test_failing_hook_rolls_back_the_completion(learner, make_course):
    course = make_course(lessons=1)
    services.enrollment_create(user=learner, course=course)

    def broken(sender, completion, **kwargs):
        raise RuntimeError("subscriber failed")

    course_completed.connect(broken, dispatch_uid="broken")
    try:
        with pytest.raises(RuntimeError):
            services.step_complete(user=learner, step=lessons(course)[0])
    finally:
        course_completed.disconnect(dispatch_uid="broken")
    assert not CourseCompletion.objects.exists()
    assert not StepCompletion.objects.exists()


def test_new_required_step_shows_as_todo_but_completion_stands(learner, make_course):
    course = make_course(lessons=1)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_all(learner, course)
    new = LessonPage(title="Added later", slug="added-later")
    course.add_child(instance=new)
    new.save_revision().publish()
    progress = course_progress(course, enrollment)
    assert not progress.complete and progress.next_step.pk == new.pk
    assert CourseCompletion.objects.filter(enrollment=enrollment).count() == 1
    services.step_complete(user=learner, step=new)  # same cycle: no second completion
    assert CourseCompletion.objects.filter(enrollment=enrollment).count() == 1


def test_renewal_cycle_records_a_new_completion(learner, make_course, hook_calls):
    course = make_course(lessons=2)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_all(learner, course)
    enrollment = services.enrollment_restart(enrollment=enrollment)
    assert course_progress(course, enrollment).required_done == 0
    complete_all(learner, course)
    assert list(CourseCompletion.objects.order_by("cycle").values_list("cycle", flat=True)) == [
        1,
        2,
    ]
    assert len(hook_calls) == 2


def test_completion_rows_are_append_only(learner, make_course):
    course = make_course(lessons=1)
    services.enrollment_create(user=learner, course=course)
    complete_all(learner, course)
    completion = CourseCompletion.objects.get()
    completion.course_title = "edited"
    with pytest.raises(ValueError, match="append-only"):
        completion.save()


def test_completing_over_http_redirects_to_next_then_course(client, learner, make_course):
    course = make_course("Web", lessons=2)
    first, second = lessons(course)
    services.enrollment_create(user=learner, course=course)
    client.force_login(learner)
    response = client.post(f"/learn/steps/{first.pk}/complete/")
    assert response["Location"] == second.url
    response = client.post(f"/learn/steps/{second.pk}/complete/", follow=True)
    assert "You have completed “Web”" in response.content.decode()


# --- learning record -------------------------------------------------------------------------


def test_viewing_a_lesson_is_recorded_once_a_day(
    client, learner, make_course, django_assert_num_queries
):
    course = make_course(lessons=1)
    lesson = lessons(course)[0]
    client.force_login(learner)
    client.get(lesson.url)
    client.get(lesson.url)
    views = LearningRecord.objects.filter(verb=LearningRecord.Verb.EXPERIENCED)
    assert views.count() == 1 and views.get().day is not None
    # Once recorded today, a view costs no query for the record at all.
    with django_assert_num_queries(0):
        services.lesson_view_record(user=learner, lesson=lesson)


def test_view_record_survives_a_cold_cache(learner, make_course):
    from django.core.cache import cache

    course = make_course(lessons=1)
    lesson = lessons(course)[0]
    services.lesson_view_record(user=learner, lesson=lesson)
    cache.clear()
    services.lesson_view_record(user=learner, lesson=lesson)  # the constraint absorbs it
    assert LearningRecord.objects.filter(verb=LearningRecord.Verb.EXPERIENCED).count() == 1


def test_xapi_export_shape(client, learner, other_learner, make_course):
    course = make_course("Export", lessons=1)
    services.enrollment_create(user=learner, course=course)
    services.enrollment_create(user=other_learner, course=course)
    complete_all(learner, course)
    client.force_login(learner)
    response = client.get("/dashboard/learning-record.json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    statements = response.json()
    verbs = [s["verb"]["display"]["en"] for s in statements]
    assert verbs == ["enrolled", "completed", "completed"]
    for s in statements:
        assert s["actor"]["account"]["name"] == str(learner.pk)
        assert s["version"] == "1.0.3"
        assert s["object"]["objectType"] == "Activity" and s["object"]["id"].startswith("http")
        assert s["timestamp"].endswith("Z")
        assert s["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
    assert statements[-1]["object"]["definition"]["name"]["en"] == "Export"
    assert {s["id"] for s in statements}.isdisjoint(
        {str(r.statement_id) for r in LearningRecord.objects.filter(user=other_learner)}
    )


def test_anonymous_dashboard_redirects_to_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/dashboard/learning-record.json").status_code == 302
