"""Reading a learner's progress through a course.

Progress is always computed from the course's *current* live steps, so it survives lessons
being reordered, unpublished or added. A step is "required" unless it says otherwise; steps of
every type (lessons now, quizzes later) take part through the same ``required`` attribute.
"""

import functools
from dataclasses import dataclass, field

from django.db import models
from django.db.models.functions import Coalesce
from wagtail.models import Page

from .models import Enrollment, StepCompletion


@dataclass(frozen=True)
class StepProgress:
    page: Page
    required: bool
    done: bool
    is_next: bool

    @property
    def status(self) -> str:
        if self.done:
            return "done"
        return "next" if self.is_next else "todo"

    @property
    def status_label(self) -> str:
        return {"done": "Done", "next": "Next", "todo": "Not started"}[self.status]


@dataclass(frozen=True)
class CourseProgress:
    enrollment: Enrollment | None
    steps: list[StepProgress] = field(default_factory=list)

    @property
    def required_total(self) -> int:
        return sum(1 for s in self.steps if s.required)

    @property
    def optional_total(self) -> int:
        return len(self.steps) - self.required_total

    @property
    def required_done(self) -> int:
        return sum(1 for s in self.steps if s.required and s.done)

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 0
        return round(100 * self.required_done / self.required_total)

    @property
    def complete(self) -> bool:
        return self.required_total > 0 and self.required_done == self.required_total

    @property
    def next_step(self) -> Page | None:
        return next((s.page for s in self.steps if s.is_next), None)

    def for_page(self, page_id: int) -> StepProgress | None:
        return next((s for s in self.steps if s.page.pk == page_id), None)


def course_steps(course) -> list[Page]:
    """The course's live steps in page-tree order, as specific pages (1 query + 1 per type)."""
    return list(Page.objects.child_of(course).live().specific().order_by("path"))


# What an outline reads from a step's specific page, with its value when the type lacks it.
OUTLINE_FIELDS = {
    "required": (True, models.BooleanField()),
    "estimated_minutes": (None, models.PositiveIntegerField()),
}


@functools.cache
def outline_annotations() -> dict | None:
    """Annotations that give a plain ``Page`` row the ``OUTLINE_FIELDS`` of its specific page.

    Each page type that has the field as a column of its own table (joined from Page by the
    model's name) contributes to a COALESCE. None when a page type has one of them some
    other way (a property, or a field further down an inheritance chain): no join reaches
    it, so callers load specific pages instead. Page types are fixed once apps are loaded.
    """
    from wagtail.models import get_page_models

    annotations = {}
    for name, (default, output_field) in OUTLINE_FIELDS.items():
        columns = []
        for model in get_page_models():
            if name in {f.name for f in model._meta.local_fields}:
                if model._meta.get_parent_list() != [Page]:
                    return None
                columns.append(models.F(f"{model._meta.model_name}__{name}"))
            elif hasattr(model, name) and name not in {f.name for f in model._meta.concrete_fields}:
                return None
        columns.append(models.Value(default, output_field=output_field))
        annotations[name] = Coalesce(*columns, output_field=output_field)
    return annotations


@dataclass(frozen=True)
class OutlineStep:
    """A step as a list of many courses shows it, without building its page object.

    Enough for progress (``pk``, ``required``), grouping (``path``) and a link: a step's URL
    is its course's URL followed by its ``slug`` (Wagtail builds URL paths from the parent's).
    """

    pk: int
    title: str
    slug: str
    path: str
    required: bool
    estimated_minutes: int | None
    url: str = ""  # set when the parent's URL was given


def outline_rows(pages, *, parent_url: str = "") -> list:
    """``pages`` (a Page queryset) as ``OutlineStep`` rows, in one query; as specific pages
    where no join reaches the outline's fields (see ``outline_annotations``). With
    ``parent_url`` (the pages' parent's URL), each row's ``url`` is set too.

    Building a page object costs ~0.1 ms and linking it with ``pageurl`` as much again,
    which an outline pays for every step and a dashboard of twenty courses 360 times.
    """
    annotations = outline_annotations()
    if annotations is None:
        return list(pages.specific())
    fields = ("pk", "title", "slug", "path", "required", "estimated_minutes")
    rows = pages.annotate(**annotations).values_list(*fields)
    if not parent_url:
        return [OutlineStep(*row) for row in rows]
    return [OutlineStep(*row, url=f"{parent_url}{row[2]}/") for row in rows]


def outline_steps(course, request=None) -> list:
    """The course's live steps in page-tree order, for outlines and progress (one query).

    ``OutlineStep`` rows with their ``url`` (a step's URL is its course's URL and its slug);
    use :func:`course_steps` where the specific pages themselves are needed.
    """
    pages = Page.objects.child_of(course).live().order_by("path")
    return outline_rows(pages, parent_url=course.get_url(request) or "")


def is_required(step) -> bool:
    return bool(getattr(step, "required", True))


def done_step_ids(enrollment: Enrollment | None) -> set[int]:
    if enrollment is None:
        return set()
    return set(
        StepCompletion.objects.filter(enrollment=enrollment, cycle=enrollment.cycle).values_list(
            "step_id", flat=True
        )
    )


def course_progress(
    course,
    enrollment: Enrollment | None,
    steps=None,
    done: set[int] | None = None,
    request=None,
) -> CourseProgress:
    """Progress of ``enrollment`` through ``course``'s current steps (two queries at most).

    "Next" is the first unfinished required step, or failing that the first unfinished
    optional one: that is where "Continue" takes the learner.
    """
    steps = outline_steps(course, request) if steps is None else steps
    done = done_step_ids(enrollment) if done is None else done
    pending = [s for s in steps if s.pk not in done]
    next_page = next((s for s in pending if is_required(s)), pending[0] if pending else None)
    return CourseProgress(
        enrollment=enrollment,
        steps=[
            StepProgress(
                page=s,
                required=is_required(s),
                done=s.pk in done,
                is_next=enrollment is not None and next_page is not None and s.pk == next_page.pk,
            )
            for s in steps
        ],
    )


def enrollment_for(user, course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()
