"""The header's Admin link and Wagtail's user bar: shown to exactly the people the admin lets
in, without a permission query on every page a learner opens."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.admin_access import may_access_admin
from courses.models import LessonPage
from courses.services import INSTRUCTOR_ROLE_GROUP
from tests.conftest import queries_on

pytestmark = pytest.mark.django_db


def test_a_learner_sees_no_admin_link_and_pays_no_permission_query(client, learner, make_course):
    lesson = LessonPage.objects.child_of(make_course("Links", lessons=1)).get()
    client.force_login(learner)
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(lesson.url).content.decode()
    assert 'href="/admin/"' not in body and "wagtail-userbar" not in body
    assert queries_on(ctx, "auth_permission") == 0


def test_instructors_and_admins_see_the_link_and_the_user_bar(
    client, instructor, admin_user, make_course
):
    lesson = LessonPage.objects.child_of(make_course("Editors", lessons=1)).get()
    for person in (instructor, admin_user):
        client.force_login(person)
        body = client.get(lesson.url).content.decode()
        assert 'href="/admin/"' in body and "wagtail-userbar" in body, person


def test_a_change_of_group_shows_at_once(learner):
    assert may_access_admin(learner) is False
    Group.objects.get(name=INSTRUCTOR_ROLE_GROUP).user_set.add(learner)
    learner = type(learner).objects.get(pk=learner.pk)  # a new request's user
    assert may_access_admin(learner) is True
    learner.groups.clear()
    learner = type(learner).objects.get(pk=learner.pk)
    assert may_access_admin(learner) is False


def test_a_change_of_a_groups_permissions_shows_at_once(instructor):
    assert may_access_admin(instructor) is True
    group = Group.objects.get(name=INSTRUCTOR_ROLE_GROUP)
    group.permissions.remove(Permission.objects.get(codename="access_admin"))
    instructor = type(instructor).objects.get(pk=instructor.pk)
    assert may_access_admin(instructor) is False


def test_staff_and_inactive_people(learner):
    learner.is_staff = True
    assert may_access_admin(learner) is True
    learner.is_active = False
    assert may_access_admin(learner) is False
