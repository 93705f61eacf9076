"""Course instructors: CoursePage.instructors drives Wagtail's page permissions."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission

from courses.models import CoursePage, LessonPage
from courses.services import course_group_name, course_instructors_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_courses(make_course, instructor, other_instructor):
    mine = make_course("Mine", lessons=2, instructors=[instructor])
    theirs = make_course("Theirs", lessons=2, instructors=[other_instructor])
    return mine, theirs


def lesson_of(course):
    return LessonPage.objects.child_of(course).first()


def test_publishing_a_course_syncs_its_instructor_group(two_courses, instructor):
    mine, _ = two_courses
    group = Group.objects.get(name=course_group_name(mine.pk))
    assert list(group.user_set.all()) == [instructor]
    perms = set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page_id", "permission__codename"
        )
    )
    assert perms == {(mine.pk, "add_page"), (mine.pk, "change_page"), (mine.pk, "publish_page")}


def test_removing_an_instructor_revokes_access(two_courses, instructor, client):
    mine, _ = two_courses
    mine.instructors.set([])
    mine.save_revision().publish()
    assert not Group.objects.get(name=course_group_name(mine.pk)).user_set.exists()
    client.force_login(instructor)
    assert client.get(f"/admin/pages/{lesson_of(mine).pk}/edit/").status_code in (302, 403)


def test_a_draft_grants_nothing_until_published(two_courses, other_instructor):
    mine, _ = two_courses
    mine.instructors.add(other_instructor)
    mine.save_revision()  # draft only
    group = Group.objects.get(name=course_group_name(mine.pk))
    assert other_instructor not in group.user_set.all()


def test_sync_is_idempotent(two_courses):
    mine, _ = two_courses
    course_instructors_sync(course=mine)
    course_instructors_sync(course=mine)
    group = Group.objects.get(name=course_group_name(mine.pk))
    assert GroupPagePermission.objects.filter(group=group).count() == 3


def test_deleting_a_course_removes_its_group(two_courses):
    mine, _ = two_courses
    pk = mine.pk
    mine.delete()
    assert not Group.objects.filter(name=course_group_name(pk)).exists()


def test_instructor_edits_and_adds_lessons_in_own_course(two_courses, instructor, client):
    mine, _ = two_courses
    client.force_login(instructor)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{lesson_of(mine).pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/courses/lessonpage/{mine.pk}/").status_code == 200


def test_instructor_cannot_touch_someone_elses_course(two_courses, instructor, client):
    _, theirs = two_courses
    client.force_login(instructor)
    assert client.get(f"/admin/pages/{theirs.pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/{lesson_of(theirs).pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/add/courses/lessonpage/{theirs.pk}/").status_code in (
        302,
        403,
    )
    perms = theirs.permissions_for_user(instructor)
    assert not perms.can_publish()
    assert not perms.can_edit()


def test_instructor_can_publish_own_course_but_not_theirs(two_courses, instructor):
    mine, theirs = two_courses
    assert mine.permissions_for_user(instructor).can_publish()
    assert lesson_of(mine).permissions_for_user(instructor).can_publish()
    assert not lesson_of(theirs).permissions_for_user(instructor).can_publish()


def test_instructor_publishes_a_lesson_through_the_admin(two_courses, instructor, client):
    mine, _ = two_courses
    client.force_login(instructor)
    lesson = lesson_of(mine)
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    data = nested_form_data(
        {
            "title": "Renamed by instructor",
            "slug": lesson.slug,
            "summary": "",
            "outcomes": streamfield([]),
            "estimated_minutes": "25",
            "required": "on",
            "body": streamfield([]),
            "action-publish": "Publish",
        }
    )
    response = client.post(f"/admin/pages/{lesson.pk}/edit/", data)
    assert response.status_code == 302
    assert LessonPage.objects.get(pk=lesson.pk).title == "Renamed by instructor"


@pytest.mark.parametrize("url", ["/admin/users/", "/admin/groups/", "/admin/sites/"])
def test_instructor_cannot_reach_users_or_settings(two_courses, instructor, client, url):
    client.force_login(instructor)
    response = client.get(url)
    assert response.status_code in (302, 403)


def test_only_admins_see_the_instructors_field(two_courses, instructor, admin_user, client):
    mine, _ = two_courses
    client.force_login(instructor)
    assert 'name="instructors"' not in client.get(f"/admin/pages/{mine.pk}/edit/").content.decode()
    client.force_login(admin_user)
    assert 'name="instructors"' in client.get(f"/admin/pages/{mine.pk}/edit/").content.decode()


def test_instructor_choices_are_limited_to_the_instructor_role(learner, instructor):
    field = CoursePage._meta.get_field("instructors")
    allowed = field.related_model.objects.filter(**field.remote_field.limit_choices_to)
    assert instructor in allowed
    assert learner not in allowed
