"""The learner's side of a course: enrolment, step completions, course completions and the
xAPI-shaped learning record.

Rows that record what happened (completions, learning-record statements) are append-only.
Deleting an account never deletes these rows: the user link is set to NULL and the row keeps
an opaque ``learner_key`` so aggregate statistics still add up (see ``courses.services``).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_learner_key() -> str:
    """An opaque per-enrolment key that survives anonymisation (no personal data)."""
    return secrets.token_hex(12)


class AppendOnlyModel(models.Model):
    """Rows that record history: inserted once, never updated in place."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)


class EnrollmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def active(self):
        return self.filter(status=Enrollment.Status.ACTIVE)


class Enrollment(models.Model):
    """One learner's enrolment in one course (one row per pair, enforced by the database).

    ``cycle`` counts attempts at the course: a learner who retakes it (for example to renew an
    expired credential) starts a new cycle, and only step completions in the current cycle
    count towards completing it again.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="enrollments",
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="enrollments"
    )
    learner_key = models.CharField(max_length=32, default=new_learner_key, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    cycle = models.PositiveSmallIntegerField(default=1)
    cycle_started_at = models.DateTimeField()
    enrolled_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_learner"),
            models.CheckConstraint(condition=Q(cycle__gte=1), name="enrollment_cycle_positive"),
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id or 'deleted learner'} in course {self.course_id}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class StepCompletion(models.Model):
    """A learner finished one step (a lesson read, a quiz passed) in one enrolment cycle."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="steps_done")
    step = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    cycle = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "step", "cycle"], name="one_completion_per_step_and_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"step {self.step_id} done in enrolment {self.enrollment_id}"


class CourseCompletion(AppendOnlyModel):
    """A learner satisfied a course's completion rule: recorded once per enrolment cycle.

    ``edition`` freezes what "the course" was at that moment: the revision ids of the course
    page and of each required step, so later edits never change what was completed.
    """

    enrollment = models.ForeignKey(
        Enrollment, null=True, on_delete=models.SET_NULL, related_name="completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="course_completions",
    )
    course = models.ForeignKey(
        "courses.CoursePage", null=True, on_delete=models.SET_NULL, related_name="completions"
    )
    course_title = models.CharField(max_length=255)
    cycle = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField(auto_now_add=True)
    edition = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "cycle"], name="one_course_completion_per_cycle"
            )
        ]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        return f"{self.course_title} completed (cycle {self.cycle})"


class LearningRecordQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class LearningRecord(AppendOnlyModel):
    """One learner event, shaped like an xAPI statement (actor, verb, object, result, time)."""

    class Verb(models.TextChoices):
        REGISTERED = "http://adlnet.gov/expapi/verbs/registered", "enrolled"
        EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced", "viewed"
        COMPLETED = "http://adlnet.gov/expapi/verbs/completed", "completed"
        ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted", "attempted"
        PASSED = "http://adlnet.gov/expapi/verbs/passed", "passed"
        FAILED = "http://adlnet.gov/expapi/verbs/failed", "failed"
        WITHDREW = "http://adlnet.gov/expapi/verbs/exited", "withdrew"

    statement_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="learning_records",
    )
    learner_key = models.CharField(max_length=32, blank=True)
    verb = models.CharField(max_length=100, choices=Verb.choices)
    object_id = models.CharField(max_length=300, help_text="The activity's IRI")
    object_name = models.CharField(max_length=255)
    object_type = models.CharField(max_length=100)
    context_id = models.CharField(max_length=300, blank=True, help_text="The course's IRI")
    result = models.JSONField(null=True, blank=True)
    timestamp = models.DateTimeField(auto_now_add=True)
    # Set only for "viewed" rows: one per learner, activity and day.
    day = models.DateField(null=True, blank=True)

    objects = LearningRecordQuerySet.as_manager()

    class Meta:
        ordering = ["timestamp", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "object_id", "day"],
                condition=Q(day__isnull=False),
                name="one_view_per_learner_activity_day",
            )
        ]
        indexes = [models.Index(fields=["user", "timestamp"])]

    def __str__(self) -> str:
        return f"{self.get_verb_display()} {self.object_name}"
