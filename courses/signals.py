"""Keep instructor permissions in step with published courses.

Only published data counts: a draft that adds an instructor grants nothing until published.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published

from .models import CoursePage
from .services import course_instructors_remove, course_instructors_sync


@receiver(page_published, sender=CoursePage)
def sync_instructors_on_publish(sender, instance, **kwargs):
    course_instructors_sync(course=instance)


@receiver(post_delete, sender=CoursePage)
def remove_instructors_on_delete(sender, instance, **kwargs):
    course_instructors_remove(course_id=instance.pk)
