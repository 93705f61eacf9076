"""Writes for the courses app. Keyword-only, typed, transactional."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission

INSTRUCTOR_ROLE_GROUP = "Instructors"
# What a course's instructors may do on their course and everything below it.
INSTRUCTOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def course_group_name(course_id: int) -> str:
    return f"Course {course_id} instructors"


@transaction.atomic
def course_instructors_sync(*, course) -> Group:
    """Make Wagtail's page permissions match ``course.instructors``.

    Each course has its own group holding page permissions on that course's subtree, and the
    group's members are exactly the course's instructors. Safe to call repeatedly.
    """
    group, _ = Group.objects.get_or_create(name=course_group_name(course.pk))
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=INSTRUCTOR_PAGE_PERMISSIONS
    )
    GroupPagePermission.objects.filter(group=group).exclude(page_id=course.pk).delete()
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(
            group=group, page_id=course.pk, permission=permission
        )
    group.user_set.set(course.instructors.all())
    return group


@transaction.atomic
def course_instructors_remove(*, course_id: int) -> None:
    """Drop a deleted course's instructor group and its page permissions."""
    Group.objects.filter(name=course_group_name(course_id)).delete()
