"""Outlines read plain page rows (no specific pages), and a lesson's content is rendered once
per published state: what a learner sees is still always the current lesson."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.models import LessonPage
from courses.progress import OutlineStep, course_steps, outline_steps

pytestmark = pytest.mark.django_db


def test_outline_steps_carry_what_the_specific_pages_say(make_course):
    from quizzes.models import QuizPage

    course = make_course("Outlines", lessons=3)
    optional = LessonPage.objects.child_of(course).order_by("path")[1]
    optional.required = False
    optional.estimated_minutes = 7
    optional.save_revision().publish()
    quiz = QuizPage(title="Check", slug="check", required=False, estimated_minutes=12)
    course.add_child(instance=quiz)
    quiz.save_revision().publish()

    course.get_url()  # Wagtail's site root paths, cached as on a running server
    with CaptureQueriesContext(connection) as ctx:
        outline = outline_steps(course)
    assert len(ctx.captured_queries) == 1
    assert all(type(step) is OutlineStep for step in outline)
    specific = course_steps(course)
    assert [step.url for step in outline] == [step.url for step in specific]
    assert [s.pk for s in outline] == [s.pk for s in specific]
    assert [(s.required, s.estimated_minutes) for s in outline] == [
        (s.required, s.estimated_minutes) for s in specific
    ]
    assert [(s.required, s.estimated_minutes) for s in outline] == [
        (True, 30),
        (False, 7),
        (True, 30),
        (False, 12),
    ]


def test_optional_steps_do_not_block_completion(learner, make_course):
    course = make_course("Optional last", lessons=2)
    first, last = LessonPage.objects.child_of(course).order_by("path")
    last.required = False
    last.save_revision().publish()
    services.enrollment_create(user=learner, course=course)
    services.step_complete(user=learner, step=first)
    from courses.models import CourseCompletion

    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1


def rendered_blocks(client, url) -> tuple[str, int]:
    """The page's HTML and how many StreamField blocks were rendered for it."""
    from wagtail import blocks

    calls = []
    original = blocks.StreamValue.StreamChild.render_as_block

    def counting(self, context=None):
        calls.append(self)
        return original(self, context)

    blocks.StreamValue.StreamChild.render_as_block = counting
    try:
        body = client.get(url).content.decode()
    finally:
        blocks.StreamValue.StreamChild.render_as_block = original
    return body, len(calls)


def test_lesson_content_renders_once_and_again_after_publishing(client, learner, make_course):
    course = make_course("Fragments", lessons=2)
    lesson = LessonPage.objects.child_of(course).order_by("path").first()
    services.enrollment_create(user=learner, course=course)
    client.force_login(learner)

    body, rendered = rendered_blocks(client, lesson.url)
    assert rendered == 2 and "Lesson text number 1." in body
    body, rendered = rendered_blocks(client, lesson.url)
    assert rendered == 0 and "Lesson text number 1." in body  # from the fragment cache
    assert "Mark as done" in body  # the learner's own part is never cached

    lesson.body = '[{"type": "paragraph", "value": "<p>Rewritten text.</p>"}]'
    lesson.save_revision()  # a draft: learners still see the live text
    body, _ = rendered_blocks(client, lesson.url)
    assert "Lesson text number 1." in body and "Rewritten text." not in body
    lesson.get_latest_revision().publish()
    body, rendered = rendered_blocks(client, lesson.url)
    assert rendered == 1 and "Rewritten text." in body and "Lesson text number 1." not in body


def test_previews_are_never_served_from_the_fragment_cache(client, learner, make_course):
    course = make_course("Previewed", lessons=1)
    lesson = LessonPage.objects.child_of(course).first()
    client.force_login(learner)
    client.get(lesson.url)  # the live content is now in the fragment cache
    lesson.body = '[{"type": "paragraph", "value": "<p>Unpublished preview text.</p>"}]'
    draft = lesson.save_revision().as_object()
    # What the editor's preview panel serves (Wagtail marks the request as a preview).
    preview = draft.make_preview_request()
    preview.render()
    assert "Unpublished preview text." in preview.content.decode()
    assert "Unpublished preview text." not in client.get(lesson.url).content.decode()
