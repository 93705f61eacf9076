"""The learner dashboard's reads: a fixed number of queries however many enrolments."""

from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from wagtail.models import Page

from . import hooks
from .models import CourseCompletion, CoursePage, Enrollment, StepCompletion
from .progress import course_progress, outline_rows

RECOMMENDATIONS = 3


def steps_by_course(courses) -> dict[int, list]:
    """Live steps of many courses, for their outlines, in one query."""
    if not courses:
        return {}
    condition = reduce(or_, (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses))
    by_path = {c.path: c.pk for c in courses}
    grouped: dict[int, list[Page]] = defaultdict(list)
    for step in outline_rows(Page.objects.live().filter(condition).order_by("path")):
        grouped[by_path[step.path[: -Page.steplen]]].append(step)
    return grouped


def dashboard_context(user) -> dict:
    enrollments = list(
        Enrollment.objects.filter(user=user, course__live=True)
        .select_related("course")
        .order_by("-enrolled_at")
    )
    courses = [e.course for e in enrollments]
    steps = steps_by_course(courses)
    done: dict[int, set[int]] = defaultdict(set)
    cycles = {e.pk: e.cycle for e in enrollments}
    for enrollment_id, step_id, cycle in StepCompletion.objects.filter(
        enrollment__in=[e.pk for e in enrollments]
    ).values_list("enrollment_id", "step_id", "cycle"):
        if cycles[enrollment_id] == cycle:
            done[enrollment_id].add(step_id)
    completions = {
        c.course_id: c for c in CourseCompletion.objects.filter(user=user).order_by("completed_at")
    }
    in_progress, completed = [], []
    for enrollment in enrollments:
        progress = course_progress(
            enrollment.course,
            enrollment,
            steps=steps.get(enrollment.course.pk, []),
            done=done[enrollment.pk],
        )
        item = {"course": enrollment.course, "enrollment": enrollment, "progress": progress}
        if enrollment.course.pk in completions:
            item["completion"] = completions[enrollment.course.pk]
            completed.append(item)
        elif enrollment.is_active:
            in_progress.append(item)
    return {
        "in_progress": in_progress,
        "completed": completed,
        "recommended": recommended_courses(user, courses),
        "extra_sections": extra_sections(user),
    }


def extra_sections(user) -> list[dict]:
    """Sections other apps registered (``hooks.register_dashboard_section``) that apply."""
    sections = []
    for section in hooks.dashboard_sections:
        rendered = section(user)
        if rendered is not None:
            template_name, context = rendered
            sections.append({"template_name": template_name, "context": context})
    return sections


def recommended_courses(user, enrolled_courses) -> list[CoursePage]:
    """Live courses the learner hasn't enrolled in, ranked by skills shared with theirs."""
    enrolled_ids = [c.pk for c in enrolled_courses]
    candidates = CoursePage.objects.live().exclude(pk__in=enrolled_ids)
    if enrolled_ids:
        skill_ids = CoursePage.skills.through.objects.filter(
            content_object_id__in=enrolled_ids
        ).values("tag_id")
        candidates = (
            candidates.filter(tagged_items__tag_id__in=skill_ids)
            .annotate(shared=Count("tagged_items", distinct=True))
            .order_by("-shared", "title")
        )
    else:
        candidates = candidates.order_by("path")
    ids = list(candidates.values_list("pk", flat=True)[:RECOMMENDATIONS])
    by_id = {c.pk: c for c in CoursePage.objects.filter(pk__in=ids).for_catalogue()}
    return [by_id[pk] for pk in ids if pk in by_id]
