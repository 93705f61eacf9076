"""Reading a learner's progress through a course.

Progress is always computed from the course's *current* live steps, so it survives lessons
being reordered, unpublished or added. A step is "required" unless it says otherwise; steps of
every type (lessons now, quizzes later) take part through the same ``required`` attribute.
"""

from dataclasses import dataclass, field

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
    course, enrollment: Enrollment | None, steps=None, done: set[int] | None = None
) -> CourseProgress:
    """Progress of ``enrollment`` through ``course``'s current steps (two queries at most).

    "Next" is the first unfinished required step, or failing that the first unfinished
    optional one: that is where "Continue" takes the learner.
    """
    steps = course_steps(course) if steps is None else steps
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
