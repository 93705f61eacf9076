"""Page view restrictions: skipped while no page has one, enforced the moment one exists."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import Enrollment, LearningRecord, LessonPage, StepCompletion
from quizzes import services
from quizzes.models import Attempt
from tests.conftest import queries_on
from tests.quizzes.quiz_factories import answers_for, enrol, make_question, make_quiz

pytestmark = pytest.mark.django_db


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


def test_no_restriction_query_while_no_page_is_restricted(client, make_course):
    lesson = LessonPage.objects.child_of(make_course("Open", lessons=1)).get()
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(lesson.url).status_code == 200
    assert queries_on(ctx, "wagtailcore_pageviewrestriction") == 0


def test_a_new_restriction_applies_at_once_and_its_removal_too(client, make_course):
    course = make_course("Members only", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    assert client.get(lesson.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(lesson.url)  # restricted through its course, an ancestor
    assert response.status_code == 302 and "login" in response["Location"]
    restriction.delete()
    assert client.get(lesson.url).status_code == 200


def test_a_password_restriction_shows_the_password_form(client, make_course):
    course = make_course("Screening room", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.PASSWORD, password="premiere"
    )
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert "Lesson text number 1." not in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_without_a_cache_restrictions_are_checked_every_time(client, make_course, settings):
    """Redis down: no content version to key the memo by, so nothing may be assumed."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    course = make_course("Outage", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    assert client.get(lesson.url).status_code == 200
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(lesson.url).status_code == 302


# --- Views that act on a restricted page answer as the page does (issue 12, finding 4) --------


@pytest.fixture
def crew(db):
    return Group.objects.create(name="Crew")


def restrict(page, kind: str, *, groups=(), password="premiere") -> PageViewRestriction:
    restriction = PageViewRestriction.objects.create(
        page=page,
        restriction_type=kind,
        password=password if kind == PageViewRestriction.PASSWORD else "",
    )
    restriction.groups.set(groups)
    return restriction


def is_password_form(response) -> bool:
    return response.status_code == 200 and any(
        t.name == "wagtailcore/password_required.html" for t in response.templates
    )


def test_a_learner_outside_the_group_can_neither_start_nor_answer_the_quiz(
    client, learner, make_course, crew
):
    course = make_course("Crew only", lessons=0)
    quiz = make_quiz(course, [make_question("single_choice"), make_question("true_false")])
    enrol(learner, course)
    client.force_login(learner)
    open_attempt = Attempt.objects.get(pk=services.attempt_start(user=learner, quiz=quiz).pk)
    restrict(quiz, PageViewRestriction.GROUPS, groups=[crew])

    assert is_login_redirect(client.get(quiz.url))  # the page itself, as Wagtail serves it
    assert is_login_redirect(client.post(reverse("quizzes:start", args=[quiz.pk])))
    assert Attempt.objects.filter(quiz=quiz).count() == 1  # no new attempt
    page = client.get(reverse("quizzes:attempt", args=[open_attempt.pk]))
    assert is_login_redirect(page)
    assert "provenance" not in page.content.decode()  # no question text
    answers, submit = answers_for(open_attempt), reverse("quizzes:submit", args=[open_attempt.pk])
    assert is_login_redirect(client.post(submit, answers))
    open_attempt.refresh_from_db()
    assert open_attempt.is_open and open_attempt.score is None
    assert is_login_redirect(client.get(reverse("quizzes:result", args=[open_attempt.pk])))

    crew.user_set.add(learner)  # in the group: everything works as before
    assert client.get(reverse("quizzes:attempt", args=[open_attempt.pk])).status_code == 200
    response = client.post(submit, answers)
    assert response.url == reverse("quizzes:result", args=[open_attempt.pk])
    assert client.get(response.url).status_code == 200


def test_a_password_protected_lesson_is_not_marked_done_without_the_password(
    client, learner, make_course
):
    course = make_course("Screening", lessons=2)
    lesson = LessonPage.objects.child_of(course).first()
    enrol(learner, course)
    client.force_login(learner)
    restriction = restrict(lesson, PageViewRestriction.PASSWORD)
    url = reverse("courses:complete_step", args=[lesson.pk])

    response = client.post(url)
    assert is_password_form(response)
    assert response["Cache-Control"].startswith("max-age=0")
    assert "Lesson text number 1." not in response.content.decode()
    assert not StepCompletion.objects.filter(step=lesson).exists()

    # The password, entered on the page's own form, opens the lesson and its action.
    form = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, lesson.pk])
    assert client.post(form, {"password": "premiere", "return_url": lesson.url}).url == lesson.url
    assert client.post(url).status_code == 302
    assert StepCompletion.objects.filter(step=lesson).exists()


def test_enrolling_or_leaving_a_restricted_course_is_refused_as_the_page_refuses(
    client, learner, other_learner, make_course, crew
):
    course = make_course("Members", lessons=1)
    enrol(learner, course)
    restrict(course, PageViewRestriction.GROUPS, groups=[crew])
    client.force_login(other_learner)
    assert is_login_redirect(client.post(reverse("courses:enrol", args=[course.pk])))
    assert not Enrollment.objects.filter(user=other_learner).exists()
    client.force_login(learner)
    assert is_login_redirect(client.get(reverse("courses:withdraw", args=[course.pk])))
    assert is_login_redirect(client.post(reverse("courses:withdraw", args=[course.pk])))
    assert Enrollment.objects.active().filter(user=learner, course=course).exists()


def test_a_turned_away_visit_is_not_recorded_as_viewed(client, learner, make_course, crew):
    course = make_course("Private screening", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    enrol(learner, course)
    restrict(lesson, PageViewRestriction.GROUPS, groups=[crew])
    client.force_login(learner)
    assert is_login_redirect(client.get(lesson.url))
    viewed = LearningRecord.objects.filter(user=learner, verb=LearningRecord.Verb.EXPERIENCED)
    assert not viewed.exists()
    crew.user_set.add(learner)
    assert client.get(lesson.url).status_code == 200
    assert viewed.count() == 1
