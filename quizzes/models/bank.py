"""The question bank: each course's questions, and the frozen versions attempts ask.

A ``Question`` belongs to one course (``course``; none: the admins' bank), and a quiz asks only
questions of its own course, so nobody teaching one course reads or rewrites another's answer
key (``Question.objects.editable_by``). A question is edited freely; each change to what it
asks or how it is graded is frozen as a new ``QuestionVersion`` (append-only), so editing a
question never changes how an existing attempt is graded.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from courses.blocks import RICH_TEXT_FEATURES
from courses.models.learning import AppendOnlyModel
from courses.reports import courses_taught_by

from ..question_types import get_type, stream_block_types


class QuestionTag(TaggedItemBase):
    content_object = models.ForeignKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class QuestionQuerySet(models.QuerySet):
    def editable_by(self, user):
        """Questions ``user`` may choose, export and change: every one for superusers, else
        those of the courses they teach (the admins' bank, with no course, is not theirs)."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(course__in=courses_taught_by(user).order_by().values("pk"))


class Question(index.Indexed, models.Model):
    """A question in one course's bank, reusable across that course's quizzes. Its one block
    says which type it is."""

    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        help_text=(
            "The course whose quizzes may ask it; its instructors may see and change it. "
            "Empty: the admins' bank, which instructors can't see."
        ),
    )
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

    objects = QuestionQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        MultiFieldPanel(
            [
                FieldPanel("course"),
                FieldPanel("category"),
                FieldPanel("idnumber"),
                FieldPanel("skills"),
            ],
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
        index.FilterField("course"),
        index.RelatedFields("skills", [index.SearchField("name")]),
    ]

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        # A quiz asks only its own course's questions, so a question in use can't move away.
        uses = self.quiz_uses.select_related("quiz")
        if self.course_id is not None:
            uses = uses.exclude(quiz__path__startswith=self.course.path)
        use = uses.first()
        if use is not None:
            raise ValidationError(
                {
                    "course": f"The quiz “{use.quiz.title}” asks this question, so it belongs "
                    "to that quiz's course. Copy the question to use it in another course."
                }
            )

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
