"""Instructor reports: who is enrolled in a course and how far each learner has got.

Reads only, each in a fixed number of queries however many learners a course has. "Learners"
are *active* enrolments; their progress and completion count in their *current* cycle only,
against the course's *current* live steps (as the learner's own progress page does).
Enrolments whose account was deleted stay in the numbers and show as "Deleted account".
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from lms.spreadsheets import csv_safe

from .models import CourseCompletion, CoursePage, Enrollment, StepCompletion
from .progress import is_required

LEARNERS_PER_PAGE = 50
DELETED_ACCOUNT = "Deleted account"

# ?ordering= value -> ORDER BY; the second key keeps pages stable when values tie.
LEARNER_ORDERINGS = {
    "name": (F("sort_name").asc(nulls_last=True), "pk"),
    "-name": (F("sort_name").desc(nulls_last=True), "-pk"),
    "email": (F("user__email").asc(nulls_last=True), "pk"),
    "-email": (F("user__email").desc(nulls_last=True), "-pk"),
    "enrolled": ("enrolled_at", "pk"),
    "-enrolled": ("-enrolled_at", "-pk"),
    "progress": ("required_done", F("sort_name").asc(nulls_last=True), "pk"),
    "-progress": ("-required_done", F("sort_name").asc(nulls_last=True), "pk"),
    "completed": (F("completed_at").asc(nulls_last=True), "pk"),
    "-completed": (F("completed_at").desc(nulls_last=True), "-pk"),
}
DEFAULT_ORDERING = "name"


def courses_taught_by(user) -> QuerySet:
    """Courses whose reports ``user`` may see: all for superusers, else the ones they teach.

    Only published instructor lists count: the course row holds the last published
    ``instructors``, except for a course never published, whose row holds a draft's.
    """
    courses = CoursePage.objects.all()
    if not user.is_superuser:
        courses = courses.filter(instructors=user, first_published_at__isnull=False)
    return courses.order_by("title", "pk")


def can_view_reports(user) -> bool:
    """Whether the "Learner progress" menu item shows: superusers and anyone teaching."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or courses_taught_by(user).exists()


@dataclass(frozen=True)
class CourseSummary:
    course: CoursePage
    active: int
    completed: int


def course_summaries(courses) -> list[CourseSummary]:
    """Active learners and completions (in each learner's current cycle) per course.

    Three queries however many courses and learners.
    """
    courses = list(courses)
    ids = [c.pk for c in courses]
    active = dict(
        Enrollment.objects.active()
        .filter(course_id__in=ids)
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    completed = dict(
        _current_completions()
        .filter(enrollment__course_id__in=ids)
        .values("enrollment__course_id")
        .annotate(n=Count("enrollment_id", distinct=True))
        .values_list("enrollment__course_id", "n")
    )
    return [
        CourseSummary(course=c, active=active.get(c.pk, 0), completed=completed.get(c.pk, 0))
        for c in courses
    ]


def _current_completions():
    """Course completions of active enrolments in their current cycle."""
    return CourseCompletion.objects.filter(
        enrollment__status=Enrollment.Status.ACTIVE, cycle=F("enrollment__cycle")
    )


@dataclass(frozen=True)
class FunnelStep:
    page: Page
    required: bool
    completed: int
    share: int  # percent of the course's active learners


def step_funnel(course, steps: list[Page], active: int) -> list[FunnelStep]:
    """For each live step, in order: active learners who completed it this cycle (one query)."""
    counts = dict(
        StepCompletion.objects.filter(
            enrollment__course_id=course.pk,
            enrollment__status=Enrollment.Status.ACTIVE,
            cycle=F("enrollment__cycle"),
            step_id__in=[s.pk for s in steps],
        )
        .values("step_id")
        .annotate(n=Count("enrollment_id", distinct=True))
        .values_list("step_id", "n")
    )
    return [
        FunnelStep(
            page=step,
            required=is_required(step),
            completed=counts.get(step.pk, 0),
            share=percent(counts.get(step.pk, 0), active),
        )
        for step in steps
    ]


def percent(part: int, whole: int) -> int:
    """``part`` as a whole-number percentage of ``whole`` (0 when there is nothing to share)."""
    return round(100 * part / whole) if whole else 0


@dataclass(frozen=True)
class LearnerRow:
    name: str
    email: str
    enrolled_at: datetime
    required_done: int
    required_total: int
    completed_at: datetime | None

    @property
    def percent(self) -> int:
        return percent(self.required_done, self.required_total)


def learner_rows(course, steps: list[Page], ordering: str = DEFAULT_ORDERING) -> QuerySet:
    """The course's active enrolments, annotated with what the report table shows.

    One query for any slice of it: ``required_done`` counts completions of the current live
    required steps in the enrolment's current cycle; ``completed_at`` is the completion of
    that cycle, if any. Turn the rows into ``LearnerRow`` with ``learner_row``.
    """
    required_ids = [s.pk for s in steps if is_required(s)]
    if required_ids:
        done = (
            StepCompletion.objects.filter(
                enrollment=OuterRef("pk"), cycle=OuterRef("cycle"), step_id__in=required_ids
            )
            .order_by()
            .values("enrollment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        required_done = Coalesce(Subquery(done), Value(0))
    else:
        required_done = Value(0)
    completed_at = (
        CourseCompletion.objects.filter(enrollment=OuterRef("pk"), cycle=OuterRef("cycle"))
        .order_by("completed_at")
        .values("completed_at")[:1]
    )
    return (
        Enrollment.objects.active()
        .filter(course_id=course.pk)
        .select_related("user")
        .annotate(
            required_done=required_done,
            completed_at=Subquery(completed_at),
            sort_name=Lower(Coalesce(NullIf("user__display_name", Value("")), "user__username")),
        )
        .order_by(*LEARNER_ORDERINGS.get(ordering, LEARNER_ORDERINGS[DEFAULT_ORDERING]))
    )


def learner_row(enrollment: Enrollment, required_total: int) -> LearnerRow:
    """One table row from an enrolment annotated by ``learner_rows`` (no query)."""
    user = enrollment.user
    return LearnerRow(
        name=user.get_display_name() if user else DELETED_ACCOUNT,
        email=user.email if user else "",
        enrolled_at=enrollment.enrolled_at,
        required_done=enrollment.required_done,
        required_total=required_total,
        completed_at=enrollment.completed_at,
    )


def required_total(steps: list[Page]) -> int:
    return sum(1 for s in steps if is_required(s))


# --- CSV export ---------------------------------------------------------------------------

CSV_HEADER = ["Learner", "Email", "Enrolled on", "Required steps done (%)", "Completed on"]


def learner_csv_rows(rows) -> list[list[str]]:
    """The report table as CSV rows (header first), every cell made formula-safe."""

    def day(moment):
        return timezone.localdate(moment).isoformat() if moment else ""

    lines = [CSV_HEADER]
    for row in rows:
        lines.append(
            [
                csv_safe(row.name),
                csv_safe(row.email),
                day(row.enrolled_at),
                str(row.percent),
                day(row.completed_at),
            ]
        )
    return lines


def csv_filename(course) -> str:
    """A download name safe in any header or file system: letters, digits and hyphens only."""
    stem = slugify(course.slug or course.title)[:60].strip("-") or "course"
    stem = "".join(ch for ch in stem if ch.isascii() and (ch.isalnum() or ch == "-"))
    return f"learner-progress-{stem or 'course'}-{timezone.localdate().isoformat()}.csv"
