"""Learners' attempts: the questions drawn for each, the answers given and their grades.

An ``Attempt`` points at the question versions it started with, and once submitted its
answers and grades never change (the models refuse it; database triggers too).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..question_types import get_type
from .bank import QuestionVersion
from .pages import QuizPage


class AttemptQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def open(self):
        return self.filter(status=Attempt.Status.OPEN)

    def awaiting_grading(self):
        return self.filter(status=Attempt.Status.SUBMITTED, needs_grading=True)


class ImmutableAttemptError(ValueError):
    """Something tried to change a submitted attempt's answers or grades."""


class Attempt(models.Model):
    """One learner's go at a quiz, with the questions drawn for it fixed at the start."""

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        SUBMITTED = "submitted", "Waiting for grading"
        GRADED = "graded", "Graded"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    # Seeds the draw and the shuffles, so the attempt's order can be explained later.
    seed = models.BigIntegerField()
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    needs_grading = models.BooleanField(default=False)
    # Closed at the deadline without answers (the learner did not submit in time).
    timed_out = models.BooleanField(default=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        permissions = [("grade_essays", "Can grade essay answers in any course")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="one_attempt_number_per_learner_quiz"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="open"),
                name="one_open_attempt_per_learner_quiz",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_positive"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="attempt_score_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(status="open", submitted_at__isnull=True)
                | (~Q(status="open") & Q(submitted_at__isnull=False)),
                name="attempt_submitted_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status="graded") | Q(score__isnull=False, passed__isnull=False),
                name="attempt_graded_has_result",
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "status"]),
            models.Index(fields=["status", "needs_grading"]),
        ]

    # Fields that never change once the attempt is graded (model guard; triggers in the DB).
    FINAL_FIELDS = ("status", "score", "passed", "submitted_at", "needs_grading", "timed_out")

    def __str__(self) -> str:
        learner = self.user_id or "deleted learner"
        return f"attempt {self.number} at quiz {self.quiz_id} by {learner}"

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if loaded and loaded.get("status") == self.Status.GRADED:
            if any(getattr(self, name) != value for name, value in loaded.items()):
                raise ImmutableAttemptError("a graded attempt can't be changed")
        if loaded and loaded.get("status") == self.Status.SUBMITTED:
            if self.status == self.Status.OPEN:
                raise ImmutableAttemptError("a submitted attempt can't be reopened")
        super().save(*args, **kwargs)
        self._loaded = {f: getattr(self, f) for f in self.FINAL_FIELDS}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = {f: getattr(instance, f) for f in cls.FINAL_FIELDS if f in field_names}
        return instance

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def scaled_score(self) -> float | None:
        return None if self.score is None else float(self.score) / 100


class AttemptQuestion(models.Model):
    """One question of an attempt: the version asked, the option order shown, the answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="attempt_questions"
    )
    points = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    option_order = models.JSONField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    score = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, help_text="Fraction 0–1."
    )
    feedback = models.JSONField(default=list, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="one_question_per_position"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                name="attempt_question_score_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(points__gt=0), name="attempt_question_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"question {self.position + 1} of attempt {self.attempt_id}"

    def save(self, *args, **kwargs):
        for name, value in getattr(self, "_loaded", {}).items():
            if value is not None and getattr(self, name) != value:
                raise ImmutableAttemptError(f"a recorded {name} can't be changed")
        super().save(*args, **kwargs)
        self._loaded = {"response": self.response, "score": self.score}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = {
            f: getattr(instance, f) for f in ("response", "score") if f in field_names
        }
        return instance

    @property
    def question_type(self):
        return get_type(self.version.type_name)
