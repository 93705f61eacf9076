"""Quizzes: a reusable question bank, quiz pages, and learners' attempts.

A ``Question`` is edited freely; each change to what it asks or how it is graded is frozen as a
new ``QuestionVersion`` (append-only). An ``Attempt`` points at the versions it started with, so
editing a question never changes how an existing attempt is graded. Writes live in
``quizzes/services.py``; the type-specific rules in ``quizzes/question_types``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import RICH_TEXT_FEATURES
from courses.models.learning import AppendOnlyModel
from lms.page_cache import ViewRestrictionsShortcut

from .question_types import get_type, stream_block_types


class QuestionTag(TaggedItemBase):
    content_object = models.ForeignKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(index.Indexed, models.Model):
    """A question in the bank, reusable across quizzes. Its one block says which type it is."""

    title = models.CharField(max_length=255, help_text="A short name to find it in the bank.")
    idnumber = models.CharField("ID number", max_length=100, blank=True, db_index=True)
    category = models.CharField(max_length=255, blank=True)
    definition = StreamField(stream_block_types(), min_num=1, max_num=1, verbose_name="question")
    general_feedback = RichTextField(
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="Shown to every learner after they submit, whatever they answered.",
    )
    skills = TaggableManager(through=QuestionTag, blank=True, verbose_name="skills")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        MultiFieldPanel(
            [FieldPanel("category"), FieldPanel("idnumber"), FieldPanel("skills")],
            heading="Bank details",
        ),
        FieldPanel("definition"),
        FieldPanel("general_feedback"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("idnumber"),
        index.SearchField("category"),
        index.FilterField("category"),
        index.RelatedFields("skills", [index.SearchField("name")]),
    ]

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def type_name(self) -> str:
        return self.definition[0].block_type if len(self.definition) else ""

    def type_label(self) -> str:
        return get_type(self.type_name).label if self.type_name else "Not set"

    type_label.short_description = "Type"

    def current_definition(self) -> tuple[str, dict]:
        """The type name and plain JSON definition as it stands now (not yet versioned)."""
        block = self.definition[0]
        return block.block_type, get_type(block.block_type).definition_from_value(block.value)


class QuestionVersion(AppendOnlyModel):
    """What a question asked and how it was graded at one point in time (never changed).

    Outlives its question (``question`` becomes null) so past attempts can still be shown.
    """

    question = models.ForeignKey(
        Question, null=True, on_delete=models.SET_NULL, related_name="versions"
    )
    number = models.PositiveIntegerField()
    type_name = models.CharField(max_length=50)
    definition = models.JSONField()
    general_feedback = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="one_question_version_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="question_version_positive"),
        ]

    def __str__(self) -> str:
        return f"question {self.question_id} v{self.number}"

    @property
    def question_type(self):
        return get_type(self.type_name)


class QuizPage(ViewRestrictionsShortcut, Page):
    """A quiz step of a course: questions drawn from the bank, rules, and a pass mark."""

    intro = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    pass_mark = models.PositiveSmallIntegerField(
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Percent needed to pass.",
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Empty: unlimited."
    )
    cooldown_minutes = models.PositiveIntegerField(
        default=0, help_text="Minutes a learner waits between attempts."
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Empty: no limit."
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_options = models.BooleanField(default=True)
    draw_count = models.PositiveSmallIntegerField(
        "questions per attempt",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Draw this many questions at random from the list. Empty: all of them.",
    )
    allow_review = models.BooleanField(
        default=True, help_text="Show the right answers after the learner submits."
    )
    required = models.BooleanField(
        default=True, help_text="Required steps count towards course completion."
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=15)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("quiz_questions", heading="Questions", label="Question", min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("attempts_allowed"),
                FieldPanel("cooldown_minutes"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("draw_count"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("allow_review"),
            ],
            heading="Rules",
        ),
        FieldPanel("estimated_minutes"),
        FieldPanel("required"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    # A quiz is done by passing it, never by the learner ticking it off.
    learner_can_mark_complete = False

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="quiz_pass_mark_1_to_100"
            ),
            models.CheckConstraint(
                condition=Q(attempts_allowed__isnull=True) | Q(attempts_allowed__gte=1),
                name="quiz_attempts_allowed_positive",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__isnull=True) | Q(time_limit_minutes__gte=1),
                name="quiz_time_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(draw_count__isnull=True) | Q(draw_count__gte=1),
                name="quiz_draw_count_positive",
            ),
        ]

    def get_context(self, request, *args, **kwargs):
        from .selectors import quiz_overview

        context = super().get_context(request, *args, **kwargs)
        context.update(quiz_overview(self, request.user, request))
        return context


class QuizQuestion(Orderable):
    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="quiz_uses")
    points = models.DecimalField(
        max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0.01)]
    )

    panels = [FieldPanel("question"), FieldPanel("points")]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="quiz_question_points_positive")
        ]

    def __str__(self) -> str:
        return f"{self.question} in quiz {self.quiz_id}"


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
