"""The admin as an instructor meets it: Lineage's name, lessons in course order, disclosures
an author must choose before publishing, and media blocks left empty in a draft.

Edits go through Wagtail's own edit view, as the editor posts them.
"""

import re

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import LessonPage

pytestmark = pytest.mark.django_db
NOT_CHOSEN = {"involvement": "", "tool": "", "reviewer": ""}
CHOOSE = "Choose whether AI was involved in making this: learners see the answer."


@pytest.fixture
def lesson(make_course, instructor, client):
    """A published lesson of the instructor's course, with the instructor logged in."""
    course = make_course("Colour work", lessons=1, instructors=[instructor])
    client.force_login(instructor)
    return LessonPage.objects.child_of(course).get()


@pytest.fixture
def image():
    return get_image_model().objects.create(title="Frame", file=get_test_image_file())


def lesson_form(lesson, body: list, **fields) -> dict:
    """A lesson's edit form as the editor posts it."""
    data = {
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": "",
        "outcomes": streamfield([]),
        "estimated_minutes": "25",
        "required": "on",
        "body": streamfield(body),
        **fields,
    }
    return nested_form_data(data)


def edit(client, lesson, body: list, *, publish: bool):
    action = {"action-publish" if publish else "action-save": "1"}
    return client.post(f"/admin/pages/{lesson.pk}/edit/", lesson_form(lesson, body, **action))


def latest_body(lesson) -> list:
    lesson.refresh_from_db()
    return lesson.get_latest_revision().as_object().body.raw_data


def paragraph(text: str):
    return ("paragraph", rich_text(f"<p>{text}</p>"))


def image_block(image_pk="", alt_text="", disclosure=NOT_CHOSEN):
    return (
        "image",
        {"image": image_pk, "alt_text": alt_text, "caption": "", "disclosure": disclosure},
    )


def test_a_draft_saves_without_a_disclosure_and_publishing_asks_for_one(client, lesson, image):
    body = [paragraph("Look closely."), image_block(image.pk, "A frame")]
    assert edit(client, lesson, body, publish=False).status_code == 302
    assert latest_body(lesson)[1]["value"]["disclosure"]["involvement"] == ""

    response = edit(client, lesson, body, publish=True)
    assert response.status_code == 200
    # Beside the block: the error belongs to block 1's disclosure, not to the page.
    errors = response.context["form"].errors.as_data()["body"][0]
    involvement = errors.block_errors[1].block_errors["disclosure"].block_errors["involvement"]
    assert involvement.messages == [CHOOSE]
    assert CHOOSE in response.content.decode()
    lesson.refresh_from_db()
    assert "Look closely." not in str(lesson.body)  # the live lesson is unchanged

    chosen = {"involvement": "ai_generated", "tool": "FrameGen 3", "reviewer": "Ruth"}
    body[1] = image_block(image.pk, "A frame", chosen)
    assert edit(client, lesson, body, publish=True).status_code == 302
    lesson.refresh_from_db()
    assert "AI-generated" in client.get(lesson.url).content.decode()


def test_an_abandoned_image_block_is_dropped_and_does_not_block_publishing(client, lesson):
    body = [image_block(), paragraph("The real content.")]
    assert edit(client, lesson, body, publish=False).status_code == 302
    assert [block["type"] for block in latest_body(lesson)] == ["paragraph"]
    assert edit(client, lesson, body, publish=True).status_code == 302
    lesson.refresh_from_db()
    assert lesson.live and [block.block_type for block in lesson.body] == ["paragraph"]


def test_a_half_filled_image_block_gets_its_error_where_it_is(client, lesson):
    body = [image_block(), paragraph("Text."), image_block(alt_text="A frame")]
    response = edit(client, lesson, body, publish=True)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["body"][0]
    assert list(errors.block_errors) == [2]
    assert "image" in errors.block_errors[2].block_errors


def test_preview_of_a_draft_with_an_empty_image_block_shows_no_stray_disclosure(client, lesson):
    body = [image_block(alt_text="Half done"), paragraph("Previewed text.")]
    url = f"/admin/pages/{lesson.pk}/edit/preview/"
    assert client.post(url, lesson_form(lesson, body)).json()["is_valid"]
    html = client.get(url).content.decode()
    assert "Previewed text." in html
    assert 'class="disclosure"' not in html


def test_a_courses_lessons_are_listed_in_course_order(make_course, instructor, client):
    course = make_course("Ordered", lessons=3, instructors=[instructor])
    first = LessonPage.objects.child_of(course).get(slug="lesson-1")
    first.summary = "Updated last"
    first.save_revision().publish()
    client.force_login(instructor)
    html = client.get(f"/admin/pages/{course.pk}/").content.decode()
    listed = re.findall(r"Ordered: lesson (\d)", html)
    assert listed and list(dict.fromkeys(listed)) == ["1", "2", "3"]


def test_the_admin_login_names_lineage(client):
    html = client.get("/admin/login/").content.decode()
    assert "<h1>Sign in to Lineage</h1>" in html
    assert "<title>Sign in - Lineage</title>" in html
    assert "Sign in to Wagtail" not in html and "- Wagtail</title>" not in html
