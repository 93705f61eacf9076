"""Course content as Wagtail pages: the catalogue, courses and their lessons.

Page models stay declarative; reads live in QuerySet methods (``courses/queries.py``) and
writes in ``courses/services.py``.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.search import index

from lms.page_cache import ViewRestrictionsShortcut

from .. import blocks
from ..queries import CoursePageQuerySet, catalogue_filters

CATALOGUE_PAGE_SIZE = 12


class Level(models.TextChoices):
    INTRODUCTORY = "introductory", "Introductory"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class CourseIndexPage(ViewRestrictionsShortcut, Page):
    """The catalogue at /courses/: live courses, filterable by skill and level."""

    intro = RichTextField(blank=True, features=blocks.RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters = catalogue_filters(request.GET)
        courses = CoursePage.objects.child_of(self).for_catalogue(**filters)
        page = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
        active = {key: value for key, value in filters.items() if value}
        context.update(
            filters=filters,
            filters_querystring=f"{urlencode(active)}&" if active else "",
            courses=page,
            levels=Level.choices,
        )
        context["skills"] = CourseTag.skills_in_use(CoursePage.objects.child_of(self).live())
        return context


class CourseTag(TaggedItemBase):
    content_object = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items"
    )

    @staticmethod
    def skills_in_use(courses):
        from taggit.models import Tag

        return (
            Tag.objects.filter(courses_coursetag_items__content_object_id__in=courses.values("pk"))
            .distinct()
            .order_by("name")
        )


class CoursePage(ViewRestrictionsShortcut, Page):
    """A course: its promise (summary, outcomes, skills) and its ordered lessons (children)."""

    code = models.CharField(max_length=20, blank=True, help_text="e.g. AIBM-101")
    summary = models.TextField(max_length=300, help_text="One or two sentences for the catalogue.")
    description = RichTextField(blank=True, features=blocks.RICH_TEXT_FEATURES)
    audience = models.TextField(blank=True)
    outcomes = StreamField(
        [("outcome", blocks.blocks.CharBlock(max_length=300, label="Learning outcome"))],
        blank=True,
        help_text="What learners can do after this course.",
    )
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.INTRODUCTORY)
    estimated_hours = models.DecimalField(max_digits=5, decimal_places=1, default=1)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cover_image_alt = models.CharField(
        "cover image alt text",
        max_length=300,
        blank=True,
        help_text="Required with a cover image: describe it for people who can't see it.",
    )
    cover_image_ai_involvement = models.CharField(
        "AI involvement in the cover image",
        max_length=20,
        choices=blocks.AIInvolvement.CHOICES,
        blank=True,
        help_text="Required with a cover image: learners see it beside the image.",
    )
    cover_image_credit = models.CharField(
        "who made the cover image, and how",
        max_length=200,
        blank=True,
        help_text='Shown beside the image, e.g. "Photo: Ana Ruiz" or "Made by Lineage with a '
        'script". Name the tool when AI was involved.',
    )
    instructors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="taught_courses",
        limit_choices_to={"groups__name": "Instructors"},
        help_text="The single source of truth for who teaches (and may edit) this course.",
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage", blank=True, symmetrical=False, related_name="required_for"
    )
    skills = ClusterTaggableManager(through=CourseTag, blank=True)
    credential_valid_for_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How long a credential for this course stays valid. Empty: it never expires.",
    )
    references = StreamField([("reference", blocks.ReferenceBlock())], blank=True)

    objects = PageManager.from_queryset(CoursePageQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("audience"),
        FieldPanel("outcomes"),
        MultiFieldPanel(
            [FieldPanel("level"), FieldPanel("estimated_hours"), FieldPanel("skills")],
            heading="Catalogue details",
        ),
        MultiFieldPanel(
            [
                FieldPanel("cover_image"),
                FieldPanel("cover_image_alt"),
                FieldPanel("cover_image_ai_involvement"),
                FieldPanel("cover_image_credit"),
            ],
            heading="Cover image",
        ),
        FieldPanel("instructors", permission="courses.change_course_instructors"),
        FieldPanel("prerequisites"),
        FieldPanel("credential_valid_for_days"),
        FieldPanel("references"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("outcomes"),
        index.RelatedFields("skills", [index.SearchField("name")]),
        index.FilterField("level"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "quizzes.QuizPage"]
    # The admin lists a course's steps in course order (tree order), as learners meet them.
    admin_default_ordering = "ord"

    class Meta:
        permissions = [("change_course_instructors", "Can choose a course's instructors")]

    def clean(self):
        super().clean()
        if not self.cover_image_id:
            return
        errors = {}
        if not self.cover_image_alt.strip():
            errors["cover_image_alt"] = "Describe the cover image (alt text)."
        involvement = self.cover_image_ai_involvement
        if not involvement:
            errors["cover_image_ai_involvement"] = (
                "Say whether AI was involved in making the cover image."
            )
        elif involvement != blocks.AIInvolvement.NONE and not self.cover_image_credit.strip():
            errors["cover_image_credit"] = "Name the tool when AI was involved."
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from ..progress import course_progress, enrollment_for

        context = super().get_context(request, *args, **kwargs)
        enrollment = enrollment_for(request.user, self)
        context["progress"] = course_progress(self, enrollment, request=request)
        context["enrollment"] = enrollment
        context["outline"] = [step.page for step in context["progress"].steps]
        return context


class LessonPage(ViewRestrictionsShortcut, Page):
    """One step of a course: an article-like lesson built from StreamField blocks."""

    summary = models.TextField(max_length=300, blank=True)
    outcomes = StreamField(
        [("outcome", blocks.blocks.CharBlock(max_length=300, label="Learning outcome"))],
        blank=True,
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=30)
    required = models.BooleanField(
        default=True, help_text="Required steps count towards course completion."
    )
    body = StreamField(blocks.LessonBodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("outcomes"),
        FieldPanel("estimated_minutes"),
        FieldPanel("required"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    # Learners mark lessons done themselves; other step types (quizzes) complete by passing.
    learner_can_mark_complete = True

    def get_context(self, request, *args, **kwargs):
        from ..progress import course_progress, enrollment_for

        context = super().get_context(request, *args, **kwargs)
        course = CoursePage.objects.course_of(self)
        enrollment = enrollment_for(request.user, course)
        progress = course_progress(course, enrollment, request=request)
        outline = [step.page for step in progress.steps]
        position = next((i for i, step in enumerate(outline) if step.pk == self.pk), None)
        context.update(
            course=course,
            enrollment=enrollment,
            progress=progress,
            step_progress=progress.for_page(self.pk),
            outline=outline,
            previous_step=outline[position - 1] if position else None,
            next_step=(
                outline[position + 1]
                if position is not None and position + 1 < len(outline)
                else None
            ),
        )
        return context
