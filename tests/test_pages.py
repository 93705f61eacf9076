"""Page rules, rendering, editing, previews, revisions and scheduled publishing."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import CourseIndexPage, CoursePage, LessonPage
from home.models import HomePage
from quizzes.models import QuizPage


class PageRulesTests(WagtailPageTestCase):
    def test_parent_and_subpage_types(self):
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage, QuizPage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)


class AuthoringTests(WagtailPageTestCase):
    """An admin creates, previews, drafts, revises and schedules pages through the editor."""

    @classmethod
    def setUpTestData(cls):
        from wagtail.models import Site

        cls.home = Site.objects.get(is_default_site=True).root_page.specific
        cls.index = CourseIndexPage(title="Courses", slug="courses")
        cls.home.add_child(instance=cls.index)
        cls.index.save_revision().publish()

    def setUp(self):
        self.user = self.login()

    def course_form(self, **overrides):
        data = {
            "title": "Colour and skin tone",
            "slug": "colour-and-skin-tone",
            "code": "AIC-1",
            "summary": "Grading generated faces fairly.",
            "description": rich_text("<p>Why it matters.</p>"),
            "audience": "Colourists",
            "outcomes": streamfield([("outcome", "Spot a skin-tone shift")]),
            "level": "introductory",
            "estimated_hours": "2.5",
            "skills": "colour, bias",
            "cover_image_alt": "",
            "references": streamfield([]),
        }
        data.update(overrides)
        return nested_form_data(data)

    def test_create_course_and_lesson_through_the_editor(self):
        self.assertCanCreate(self.index, CoursePage, self.course_form())
        course = CoursePage.objects.get(slug="colour-and-skin-tone")
        assert sorted(t.name for t in course.skills.all()) == ["bias", "colour"]
        lesson_data = nested_form_data(
            {
                "title": "Monk scale",
                "slug": "monk-scale",
                "summary": "Ten tones",
                "outcomes": streamfield([]),
                "estimated_minutes": "20",
                "required": "on",
                "body": streamfield(
                    [
                        ("heading", {"text": "Why ten", "level": "h2"}),
                        ("paragraph", rich_text("<p>Because six hid differences.</p>")),
                        ("callout", {"kind": "note", "title": "", "body": rich_text("<p>x</p>")}),
                    ]
                ),
            }
        )
        self.assertCanCreate(course, LessonPage, lesson_data)
        lesson = LessonPage.objects.get(slug="monk-scale")
        self.assertPageIsRenderable(lesson)
        self.assertPageIsEditable(lesson, post_data=lesson_data)
        self.assertPageIsPreviewable(lesson, post_data=lesson_data)
        self.assertPageIsPreviewable(
            course, post_data=self.course_form(title="Colour and skin tone")
        )
        self.assertPageIsRenderable(course)

    def test_cover_image_requires_alt_text(self):
        from wagtail.images import get_image_model
        from wagtail.images.tests.utils import get_test_image_file

        image = get_image_model().objects.create(title="cover", file=get_test_image_file())
        url = f"/admin/pages/add/courses/coursepage/{self.index.pk}/"
        response = self.client.post(url, self.course_form(cover_image=image.pk))
        assert response.status_code == 200
        assert "Describe the cover image (alt text)." in response.content.decode()
        assert not CoursePage.objects.filter(slug="colour-and-skin-tone").exists()
        # What was typed is kept.
        assert "Grading generated faces fairly." in response.content.decode()

    def test_cover_image_requires_its_ai_involvement(self):
        from wagtail.images import get_image_model
        from wagtail.images.tests.utils import get_test_image_file

        image = get_image_model().objects.create(title="cover", file=get_test_image_file())
        url = f"/admin/pages/add/courses/coursepage/{self.index.pk}/"
        with_cover = {"cover_image": image.pk, "cover_image_alt": "Teal circles on paper"}
        response = self.client.post(url, self.course_form(**with_cover))
        assert "Say whether AI was involved in making the cover image." in response.content.decode()
        generated = {**with_cover, "cover_image_ai_involvement": "ai_generated"}
        response = self.client.post(url, self.course_form(**generated))
        assert "Name the tool when AI was involved." in response.content.decode()
        assert not CoursePage.objects.filter(slug="colour-and-skin-tone").exists()
        credit = "Generated with an image model, reviewed by Ana Ruiz"
        response = self.client.post(url, self.course_form(**generated, cover_image_credit=credit))
        assert response.status_code == 302
        course = CoursePage.objects.get(slug="colour-and-skin-tone")
        assert course.cover_image_ai_involvement == "ai_generated"
        assert course.cover_image_credit == credit

    def test_draft_revisions_and_publish(self):
        course = CoursePage(title="Draft course", slug="draft-course", summary="First")
        self.index.add_child(instance=course)
        course.save_revision().publish()
        course.summary = "Second (draft)"
        course.save_revision()
        # The live page still shows the published revision.
        response = self.client.get(course.url)
        assert "First" in response.content.decode()
        assert "Second (draft)" not in response.content.decode()
        assert course.revisions.count() == 2
        course.refresh_from_db()
        assert course.has_unpublished_changes
        course.get_latest_revision().publish()
        assert "Second (draft)" in self.client.get(course.url).content.decode()

    def test_scheduled_publishing(self):
        course = CoursePage(title="Later", slug="later", summary="Soon", live=False)
        self.index.add_child(instance=course)
        go_live = timezone.now() + timedelta(hours=1)
        course.go_live_at = go_live
        revision = course.save_revision(approved_go_live_at=go_live)
        revision.publish()
        course.refresh_from_db()
        assert not course.live
        assert self.client.get("/courses/later/").status_code == 404
        # An hour later, the scheduler (beat runs this every minute) publishes it.
        with mock.patch("django.utils.timezone.now", return_value=go_live + timedelta(seconds=1)):
            call_command("publish_scheduled")
        course.refresh_from_db()
        assert course.live
        assert self.client.get("/courses/later/").status_code == 200


@pytest.mark.django_db
def test_publish_scheduled_task_publishes_due_pages(course_index):
    from courses.tasks import publish_scheduled_pages

    course = CoursePage(title="Due", slug="due", summary="Due", live=False)
    course_index.add_child(instance=course)
    course.go_live_at = timezone.now() + timedelta(minutes=5)
    course.save_revision().publish()
    assert not CoursePage.objects.get(pk=course.pk).live
    later = course.go_live_at + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        publish_scheduled_pages.delay()
    assert CoursePage.objects.get(pk=course.pk).live


@pytest.mark.django_db
def test_catalogue_filters_by_skill_and_level_and_paginates(client, make_course):
    make_course("Alpha", skills=("bias",), level="introductory")
    make_course("Beta", skills=("consent",), level="advanced")
    for n in range(12):
        make_course(f"Gamma {n}", lessons=0, skills=("previs",), level="intermediate")

    body = client.get("/courses/?skill=bias").content.decode()
    assert "Alpha" in body and "Beta" not in body
    body = client.get("/courses/?level=advanced").content.decode()
    assert "Beta" in body and "Alpha" not in body
    body = client.get("/courses/?level=nonsense").content.decode()
    assert "14 courses" in body  # an unknown level is ignored, not an error
    first = client.get("/courses/").content.decode()
    second = client.get("/courses/?page=2").content.decode()
    assert "Gamma 11" not in first and "Gamma 11" in second
    assert 'aria-current="page"' in second
    assert "No courses match" in client.get("/courses/?skill=unknown").content.decode()


@pytest.mark.django_db
def test_course_page_shows_outline_in_tree_order_and_hides_unpublished(client, make_course):
    course = make_course("Order", lessons=3)
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    lessons[0].move(course, pos="last-child")  # lesson 1 is now last
    lessons[1].unpublish()
    body = client.get(course.url).content.decode()
    assert body.index("Order: lesson 3") < body.index("Order: lesson 1")
    assert "Order: lesson 2" not in body


@pytest.mark.django_db
def test_lesson_page_links_previous_and_next(client, make_course):
    course = make_course("Nav", lessons=3)
    second = LessonPage.objects.child_of(course).get(slug="lesson-2")
    body = client.get(second.url).content.decode()
    assert "Previous: Nav: lesson 1" in body
    assert "Next: Nav: lesson 3" in body


@pytest.mark.django_db
def test_unpublished_lesson_is_not_served(client, make_course):
    course = make_course("Hidden", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    lesson.unpublish()
    assert client.get(f"{course.url}lesson-1/").status_code == 404


def course_details(body: str) -> list[str]:
    from bs4 import BeautifulSoup

    details = BeautifulSoup(body, "html.parser").find("ul", attrs={"aria-label": "Course details"})
    return [" ".join(li.get_text().split()) for li in details.find_all("li")]


@pytest.mark.django_db
def test_the_course_header_and_the_progress_bar_count_the_same_steps(client, learner, make_course):
    from courses import services

    course = make_course("Counted", lessons=3)
    optional = LessonPage.objects.child_of(course).order_by("path").last()
    optional.required = False
    optional.save_revision().publish()
    assert "3 steps: 2 required, 1 optional" in course_details(
        client.get(course.url).content.decode()
    )
    services.enrollment_create(user=learner, course=course)
    client.force_login(learner)
    body = client.get(course.url).content.decode()
    assert "3 steps: 2 required, 1 optional" in course_details(body)
    assert "0 of 2 required steps complete" in body


@pytest.mark.django_db
def test_a_course_of_required_steps_just_counts_them(client, make_course):
    course = make_course("All required", lessons=2)
    assert "2 steps" in course_details(client.get(course.url).content.decode())


@pytest.mark.django_db
def test_the_course_page_says_every_lesson_is_open_to_read(client, learner, make_course):
    # It once offered to "preview the first lesson", as if the others were locked.
    course = make_course("Open", lessons=3)
    body = client.get(course.url).content.decode()
    assert "Preview the first lesson" not in body
    assert "Every lesson is open to read, with or without an account" in body
    assert "Create an account and enrol to record your progress" in body
    for lesson in LessonPage.objects.child_of(course):  # and it is so
        assert client.get(lesson.url).status_code == 200
    client.force_login(learner)
    assert "Enrol to record your progress" in client.get(course.url).content.decode()


def test_home_page_says_why_to_sign_up_and_who_backs_lineage(client, home_page, learner):
    from bs4 import BeautifulSoup

    main = BeautifulSoup(client.get("/").content, "html.parser").find("main")
    headings = [h.get_text(strip=True) for h in main.find_all("h2")]
    assert "Why create an account" in headings and "Who backs Lineage" in headings
    text = " ".join(main.get_text().split())
    assert "alliance of creators, unions and employers" in text
    assert [dt.get_text() for dt in main.select(".values dt")] == [
        "Consent",
        "Transparency",
        "Fair pay",
        "Access",
    ]
    # One primary action: sign up; once signed in, browsing courses.
    assert [a["href"] for a in main.select("a.button:not(.button--secondary)")] == [
        "/accounts/signup/"
    ]
    client.force_login(learner)
    main = BeautifulSoup(client.get("/").content, "html.parser").find("main")
    assert [a["href"] for a in main.select("a.button:not(.button--secondary)")] == ["/courses/"]
