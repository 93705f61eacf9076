"""load_demo: builds the demo site, is idempotent, and refuses to run in production."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from courses.models import CoursePage, LessonPage

pytestmark = pytest.mark.django_db

FLAGSHIP = "Detecting Bias and Inaccuracy in AI-Generated Media"


def snapshot():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        get_user_model().objects.count(),
        sorted(CoursePage.objects.values_list("title", flat=True)),
    )


def test_load_demo_builds_the_catalogue(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    flagship = CoursePage.objects.get(title=FLAGSHIP)
    lessons = LessonPage.objects.child_of(flagship).live()
    assert lessons.count() == 6
    assert CoursePage.objects.live().count() == 3
    body = client.get(flagship.url).content.decode()
    assert "References" in body and "R24" in body
    for lesson in lessons:
        assert client.get(lesson.url).status_code == 200
    User = get_user_model()
    for name in ("admin", "instructor", "learner"):
        user = User.objects.get(username=name)
        assert user.email == f"{name}@example.org"
        assert user.check_password("lineage-demo")
    assert User.objects.get(username="admin").is_superuser
    instructor = User.objects.get(username="instructor")
    assert flagship.permissions_for_user(instructor).can_edit()


def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = snapshot()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == first


def test_load_demo_refuses_production(settings):
    settings.LINEAGE_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="refuses"):
        call_command("load_demo")
    assert not CoursePage.objects.exists()


def test_demo_lessons_contain_no_quiz_answers():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    text = " ".join(str(lesson.body.raw_data) for lesson in LessonPage.objects.all())
    assert "Which list is correct?" not in text
    assert "**Correct:**" not in text


def test_demo_learner_progress():
    from courses.models import CourseCompletion, Enrollment
    from courses.progress import course_progress

    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    learner = get_user_model().objects.get(username="learner")
    flagship = CoursePage.objects.get(title=FLAGSHIP)
    consent = CoursePage.objects.get(code="AIPR-102")
    enrollment = Enrollment.objects.get(user=learner, course=flagship)
    progress = course_progress(flagship, enrollment)
    assert [s.done for s in progress.steps][:3] == [True, True, False]
    assert progress.next_step == LessonPage.objects.child_of(flagship).order_by("path")[2]
    other = course_progress(consent, Enrollment.objects.get(user=learner, course=consent))
    assert other.required_done == 0
    assert not CourseCompletion.objects.filter(user=learner).exists()
