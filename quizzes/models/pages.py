"""Quiz pages: a course step asking questions of its course's bank, with its rules."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import RICH_TEXT_FEATURES
from lms.page_cache import ViewRestrictionsShortcut

from ..admin_forms import QuizPageForm, UsableQuestionChooser
from .bank import Question


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
    base_form_class = QuizPageForm
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
        from ..selectors import quiz_overview

        context = super().get_context(request, *args, **kwargs)
        context.update(quiz_overview(self, request.user, request))
        return context


class QuizQuestion(Orderable):
    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="quiz_uses")
    points = models.DecimalField(
        max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0.01)]
    )

    panels = [
        FieldPanel("question", widget=UsableQuestionChooser(model=Question)),
        FieldPanel("points"),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="quiz_question_points_positive")
        ]

    def __str__(self) -> str:
        return f"{self.question} in quiz {self.quiz_id}"
